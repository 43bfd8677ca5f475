import type { Client } from '../domain/client';
import { resolveIdentity, verifyIdentity } from '../domain/identity';
import { AppError } from '../errors';
import { protectedProcedure } from '../trpc/procedures';
import { router } from '../trpc/init';
import { directory, existingClient } from './client-lookup';
import {
  byDocumentInput,
  byPhoneInput,
  byServiceIdInput,
  clientMatchesOutput,
  clientSchema,
  listInput,
  listOutput,
  resolveInput,
  resolveOutput,
  searchInput,
  searchOutput,
  updateProfileInput,
  verifyInput,
  verifyOutput,
} from './clients.types';

const tags = ['clients'];

/** Lookups by document or phone may find several services; none is a 404. */
function matchesOrNotFound(items: Client[]): { items: Client[] } {
  if (items.length === 0) throw new AppError('client_not_found');
  return { items };
}

export const clientsRouter = router({
  list: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/clients',
        tags,
        summary: 'List clients',
        description: 'Page through every client (cached full collection).',
      },
      cacheable: true,
    })
    .input(listInput)
    .output(listOutput)
    .query(async ({ ctx, input }) => {
      const page = (await directory(ctx)).list(input.limit, input.offset);
      return { total: page.total, limit: input.limit, offset: input.offset, items: page.items };
    }),

  search: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/clients/search',
        tags,
        summary: 'Search clients',
        description:
          'Case- and accent-insensitive search over name, address, document and phones. Every word must match; exact document/phone first, then name matches, then the rest.',
      },
      cacheable: true,
    })
    .input(searchInput)
    .output(searchOutput)
    .query(async ({ ctx, input }) => (await directory(ctx)).search(input.q, input.limit, input.offset)),

  byDocument: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/clients/by-document/{document}',
        tags,
        summary: 'Find clients by document',
        description: 'Every service held under this cédula/NIT (dots, spaces and dashes ignored). 404 when none.',
      },
      cacheable: true,
    })
    .input(byDocumentInput)
    .output(clientMatchesOutput)
    .query(async ({ ctx, input }) => matchesOrNotFound((await directory(ctx)).findByDocument(input.document))),

  byPhone: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/clients/by-phone/{phone}',
        tags,
        summary: 'Find clients by phone',
        description: 'Matches any of the numbers stored for a client; accepts +57 / 57 prefixes. 404 when none.',
      },
      cacheable: true,
    })
    .input(byPhoneInput)
    .output(clientMatchesOutput)
    .query(async ({ ctx, input }) => matchesOrNotFound((await directory(ctx)).findByPhone(input.phone))),

  byServiceId: protectedProcedure
    .meta({ openapi: { method: 'GET', path: '/clients/{serviceId}', tags, summary: 'Get a client by service id' }, cacheable: true })
    .input(byServiceIdInput)
    .output(clientSchema)
    .query(({ ctx, input }) => existingClient(ctx, input.serviceId)),

  resolve: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/clients/resolve',
        tags,
        summary: 'Identify a client from what they say',
        description:
          'Give at least three of name, address, plan name and plan price. Names match when the words given appear in order and include the first given name and a surname ("Esperanza Benitez" for Esperanza Benítez Ríos); addresses when every informative word given appears ("vereda la esperanza" for "Vereda La Esperanza, casa 12"; "Cra" = "Carrera"); one typo is tolerated in words of five letters or more. Answers `resolved` (with a score and per-field quality), `ambiguous` (up to 5 candidates ranked by score) or `not_found`. Plan and price alone never resolve.',
      },
    })
    .input(resolveInput)
    .output(resolveOutput)
    .mutation(async ({ ctx, input }) => {
      const keyName = ctx.key.name;
      await ctx.services.identityGuard.assertCanResolve(keyName);
      const result = resolveIdentity(await directory(ctx), input);
      await ctx.services.identityGuard.recordResolution(keyName, result.status === 'resolved');
      if (result.status !== 'ambiguous') return result;
      return {
        status: 'ambiguous' as const,
        candidates: result.candidates.map(({ client, matchedFields, mismatchedFields, fieldQuality, score }) => ({
          serviceId: client.serviceId,
          name: client.name,
          matchedFields,
          mismatchedFields,
          fieldQuality,
          score,
        })),
      };
    }),

  verify: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/clients/{serviceId}/verify',
        tags,
        summary: 'Verify a customer’s identity',
        description:
          'Valid only when at least two facts are given and every one matches (normalised: accents, case, address prefixes, price within 1 peso). A valid verification returns a token (`verificationToken`, and the `X-Verification-Token` response header) that bot keys send back as the `X-Verification-Token` header on every call that reveals or moves money or changes the account.',
      },
    })
    .input(verifyInput)
    .output(verifyOutput)
    .mutation(async ({ ctx, input }) => {
      const { serviceId, ...claims } = input;
      const keyName = ctx.key.name;
      await ctx.services.identityGuard.assertCanVerify(keyName, serviceId);
      const client = await existingClient(ctx, serviceId).catch(async (error: unknown) => {
        // Probing unknown service ids counts against the key too.
        await ctx.services.identityGuard.recordVerification(keyName, serviceId, false);
        throw error;
      });
      const result = verifyIdentity(client, claims);
      await ctx.services.identityGuard.recordVerification(keyName, serviceId, result.isValid);
      if (!result.isValid) return { serviceId, ...result, verificationToken: null, verificationExpiresAt: null };
      const issued = ctx.services.verification.issue(serviceId, keyName, ctx.services.now());
      ctx.report.responseHeaders = { ...ctx.report.responseHeaders, 'x-verification-token': issued.token };
      return { serviceId, ...result, verificationToken: issued.token, verificationExpiresAt: issued.expiresAt.toISOString() };
    }),

  updateProfile: protectedProcedure
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/clients/{serviceId}',
        tags,
        summary: 'Update a client’s profile',
        description:
          'Bot keys need the customer’s `X-Verification-Token`. Partial update through the upstream profile PUT. The answer and every later read show the change.',
      },
      access: { verification: 'write' },
    })
    .input(updateProfileInput)
    .output(clientSchema)
    .mutation(async ({ ctx, input }) => {
      const { serviceId, ...patch } = input;
      if (Object.values(patch).every((value) => value === undefined)) throw new AppError('empty_patch');
      return ctx.services.gateway.updateProfile(serviceId, patch);
    }),
});
