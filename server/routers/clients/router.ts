import type { Client } from '../../domain/client';
import { resolveIdentity, verifyIdentity } from '../../domain/identity';
import { AppError } from '../../errors';
import { router } from '../../trpc/init';
import { holderOf, protectedProcedure } from '../../trpc/procedures';
import { directory, existingClient } from './lookup';
import {
  byDocumentInput,
  byPhoneInput,
  byServiceIdInput,
  CLIENT_DESCRIPTIONS,
  clientMatchesOutput,
  clientSchema,
  clientViewSchema,
  listInput,
  listOutput,
  resolveInput,
  resolveOutput,
  searchInput,
  searchOutput,
  updateProfileInput,
  verifyInput,
  verifyOutput,
} from './types';
import { type ClientView, type Viewer, viewerOf } from './views';

const tags = ['clients'];

/** Lookups by document or phone may find several services; none is a 404. Each as this caller may see it. */
function matchesOrNotFound(viewer: Viewer, items: Client[]): { items: ClientView[] } {
  if (items.length === 0) throw new AppError('client_not_found');
  return { items: items.slice(0, viewer.maxCandidates).map(viewer.view) };
}

/** Bot keys read the first handful of matches, never page through a whole directory. */
function assertFirstPage(viewer: Viewer, offset: number): void {
  if (!viewer.isStaff && offset > 0) {
    throw new AppError('forbidden_for_key', {
      message: 'Con esta clave solo se consultan las primeras coincidencias. Pida al cliente un dato más preciso.',
      details: { requiredRole: 'operator', keyRole: 'bot', problem: 'paging' },
    });
  }
}

export const clientsRouter = router({
  list: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/clients',
        tags,
        summary: 'List clients',
        description: CLIENT_DESCRIPTIONS.list,
      },
      cacheable: true,
      access: { role: 'operator' },
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
        description: CLIENT_DESCRIPTIONS.search,
      },
      cacheable: true,
    })
    .input(searchInput)
    .output(searchOutput)
    .query(async ({ ctx, input }) => {
      const viewer = viewerOf(ctx);
      assertFirstPage(viewer, input.offset);
      const found = (await directory(ctx)).search(input.q, Math.min(input.limit, viewer.maxCandidates), input.offset);
      return { total: found.total, items: found.items.map(({ rank, client }) => ({ rank, client: viewer.view(client) })) };
    }),

  byDocument: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/clients/by-document/{document}',
        tags,
        summary: 'Find clients by document',
        description: CLIENT_DESCRIPTIONS.byDocument,
      },
      cacheable: true,
    })
    .input(byDocumentInput)
    .output(clientMatchesOutput)
    .query(async ({ ctx, input }) => matchesOrNotFound(viewerOf(ctx), (await directory(ctx)).findByDocument(input.document))),

  byPhone: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/clients/by-phone/{phone}',
        tags,
        summary: 'Find clients by phone',
        description: CLIENT_DESCRIPTIONS.byPhone,
      },
      cacheable: true,
    })
    .input(byPhoneInput)
    .output(clientMatchesOutput)
    .query(async ({ ctx, input }) => matchesOrNotFound(viewerOf(ctx), (await directory(ctx)).findByPhone(input.phone))),

  byServiceId: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/clients/{serviceId}',
        tags,
        summary: 'Get a client by service id',
        description: CLIENT_DESCRIPTIONS.byServiceId,
      },
      cacheable: true,
    })
    .input(byServiceIdInput)
    .output(clientViewSchema)
    .query(async ({ ctx, input }) => viewerOf(ctx).view(await existingClient(ctx, input.serviceId))),

  resolve: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/clients/resolve',
        tags,
        summary: 'Identify a client from what they say',
        description: CLIENT_DESCRIPTIONS.resolve,
      },
    })
    .input(resolveInput)
    .output(resolveOutput)
    .mutation(async ({ ctx, input }) => {
      const who = holderOf(ctx, ctx.key);
      const viewer = viewerOf(ctx);
      await ctx.services.identityGuard.assertCanResolve(who);
      const result = resolveIdentity(await directory(ctx), input);
      await ctx.services.identityGuard.recordResolution(who, result.status === 'resolved');
      if (result.status === 'not_found') return result;
      if (result.status === 'resolved') {
        const { client, matchedFields, fieldQuality, score } = result;
        const detail = viewer.isStaff ? { matchedFields, fieldQuality, score } : {};
        return { status: 'resolved' as const, client: viewer.view(client), ...detail };
      }
      return {
        status: 'ambiguous' as const,
        candidates: result.candidates.map(({ client, matchedFields, mismatchedFields, fieldQuality, score }) => ({
          serviceId: client.serviceId,
          client: viewer.view(client),
          ...(viewer.isStaff ? { matchedFields, mismatchedFields, fieldQuality, score } : {}),
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
        description: CLIENT_DESCRIPTIONS.verify,
      },
    })
    .input(verifyInput)
    .output(verifyOutput)
    .mutation(async ({ ctx, input }) => {
      const { serviceId, ...claims } = input;
      const who = holderOf(ctx, ctx.key);
      const isStaff = ctx.key.role === 'operator';
      await ctx.services.identityGuard.assertCanVerify(who, serviceId);
      const client = await existingClient(ctx, serviceId).catch(async (error: unknown) => {
        // Probing unknown service ids counts against the conversation too.
        await ctx.services.identityGuard.recordVerification(who, serviceId, false);
        throw error;
      });
      const { matchedFields, mismatchedFields, fieldQuality, ...result } = verifyIdentity(client, claims);
      await ctx.services.identityGuard.recordVerification(who, serviceId, result.isValid);
      // Which fact was right is an oracle for guessing the next: staff only.
      const detail = isStaff ? { matchedFields, mismatchedFields, fieldQuality } : {};
      if (!result.isValid) return { serviceId, ...result, ...detail, verificationToken: null, verificationExpiresAt: null };
      const issued = ctx.services.verification.issue(serviceId, who, ctx.services.now());
      ctx.report.responseHeaders = { ...ctx.report.responseHeaders, 'x-verification-token': issued.token };
      return { serviceId, ...result, ...detail, verificationToken: issued.token, verificationExpiresAt: issued.expiresAt.toISOString() };
    }),

  updateProfile: protectedProcedure
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/clients/{serviceId}',
        tags,
        summary: 'Update a client’s profile',
        description: CLIENT_DESCRIPTIONS.updateProfile,
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
