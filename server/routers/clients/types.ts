/** zod schemas (input, output, OpenAPI examples) of the clients procedures. */

import { z } from 'zod';
import { CLIENT_STATUSES, type Client } from '../../domain/client';
import type { ClientHint } from '../../domain/client-hint';
import { SEARCH_RANKS } from '../../domain/client-search';
import { IDENTITY_FIELDS, MIN_RESOLVE_FACTS } from '../../domain/identity';
import { normalizePhone } from '../../domain/phone';
import { freeText, namedRefSchema } from '../common.types';

export { serviceIdSchema } from '../../trpc/service-id';

import { serviceIdSchema } from '../../trpc/service-id';

export const outageSchema = z
  .object({
    active: z.boolean().meta({ description: 'The ISP marked a known outage (falla general) on the sector.' }),
    description: z.string().nullable().meta({ description: 'The ISP’s own description, when active.' }),
  })
  .meta({ id: 'Outage' });

export const clientExample: Client = {
  serviceId: 1234,
  name: 'José Peña Muñoz',
  givenNames: 'José',
  surnames: 'Peña Muñoz',
  document: '1.098.765.432',
  phoneText: '3001234567 / 3109876543',
  phones: ['3001234567', '3109876543'],
  email: 'cliente1234@correo.example',
  address: 'Vereda La Esperanza',
  locality: 'La Esperanza',
  city: 'Villavicencio',
  status: 'active',
  statusText: 'Activo',
  billingStatus: 'Al día',
  balance: 0,
  plan: { id: 7, name: 'Plan Hogar 10M' },
  planPrice: 65000,
  zone: { id: 3, name: 'Zona Norte' },
  router: { id: 2, name: 'RB-ElRosal', outage: false, outageDescription: null },
  outage: { active: false, description: null },
  ip: '10.20.1.15',
  cutoffDate: '2026-08-06',
  technician: { id: 11, name: 'Carlos Técnico' },
};

export const clientSchema = z
  .object({
    serviceId: z.number().int(),
    name: z.string(),
    givenNames: z.string().nullable().meta({ description: 'Given names, where WispHub Net keeps them apart (`nombres`); null otherwise.' }),
    surnames: z.string().nullable().meta({ description: 'Surnames, where WispHub Net keeps them apart (`apellidos`); null otherwise.' }),
    document: z.string().nullable(),
    phoneText: z.string().nullable().meta({ description: 'Phone field as stored upstream; may hold several numbers.' }),
    phones: z.array(z.string()).meta({ description: 'Every number found, digits only, without +57.' }),
    email: z.string().nullable(),
    address: z.string().nullable(),
    locality: z.string().nullable(),
    city: z.string().nullable(),
    status: z.enum(CLIENT_STATUSES),
    statusText: z.string().nullable(),
    billingStatus: z.string().nullable(),
    balance: z.number().nullable().meta({ description: 'Balance in pesos.' }),
    plan: namedRefSchema.nullable(),
    planPrice: z.number().nullable().meta({ description: 'Monthly price in pesos.' }),
    zone: namedRefSchema.nullable(),
    router: z
      .object({
        id: z.number().int(),
        name: z.string(),
        outage: z.boolean().meta({ description: 'The ISP marked a known outage on the sector router.' }),
        outageDescription: z.string().nullable(),
      })
      .nullable(),
    outage: outageSchema
      .nullable()
      .meta({ description: 'Known outage of the sector serving the client (say it first); null when no router is recorded.' }),
    ip: z.string().nullable(),
    cutoffDate: z.iso.date().nullable().meta({ description: 'Next cut-off date (YYYY-MM-DD).' }),
    technician: namedRefSchema.nullable(),
  })
  .meta({ id: 'Client', example: clientExample }) satisfies z.ZodType<Client>;

export const clientHintExample: ClientHint = {
  serviceId: 1234,
  nameHint: 'José P. M.',
  documentEnding: '432',
  phoneEndings: ['567', '543'],
};

/** A full record: what staff keys see, and a bot key for the customer whose facts it proved. */
export const fullClientViewSchema = clientSchema
  .extend({ view: z.literal('full').meta({ description: 'The full record: staff keys, or the verified customer.' }) })
  .meta({ id: 'ClientFullView' });

/** What a bot key sees of anyone it has not verified: enough to tell candidates apart, never to impersonate. */
export const clientHintSchema = z
  .object({
    view: z.literal('masked').meta({ description: 'Masked hints: the caller has not proved this customer’s facts.' }),
    serviceId: z.number().int(),
    nameHint: z.string().meta({ description: 'First given name in full, other words as initials ("José P. M.").' }),
    documentEnding: z.string().nullable().meta({ description: 'Last 3 characters of the document.' }),
    phoneEndings: z.array(z.string()).meta({ description: 'Last 3 digits of each phone on record.' }),
  })
  .meta({ id: 'ClientHint', example: { view: 'masked', ...clientHintExample } });

/**
 * One client as this caller may see it: `full` for operator keys and for a bot key holding this
 * service id's verification token; `masked` hints otherwise.
 */
export const clientViewSchema = z.discriminatedUnion('view', [fullClientViewSchema, clientHintSchema]).meta({ id: 'ClientView' });

const limit = (fallback: number, max: number) => z.number().int().min(1).max(max).default(fallback);
const offset = z.number().int().min(0).default(0);

export const listInput = z.object({ limit: limit(50, 500), offset });
export const listOutput = z.object({
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  items: z.array(clientSchema),
});

export const searchInput = z.object({
  q: freeText()
    .min(2, { error: 'q needs at least 2 characters' })
    .max(100)
    .meta({ description: 'Free text: every word must start a word of the name, address, document or phone.', example: 'pena' }),
  limit: limit(20, 100),
  offset,
});
export const searchRankSchema = z.enum(SEARCH_RANKS).meta({
  description:
    'Best first: exact_identifier (the document or phone itself), exact_name (the whole name as typed), name_in_order (every word in the name, in the query’s order), name (every word in the name), partial_name (some words in the name), other (found through the address, document or phone).',
});
export const searchOutput = z.object({
  total: z.number().int(),
  items: z.array(z.object({ rank: searchRankSchema, client: clientViewSchema })),
});

export const byDocumentInput = z.object({
  document: freeText()
    .refine((value) => /[A-Za-z0-9]/.test(value), { error: 'document must contain letters or digits' })
    .pipe(z.string().max(40))
    .meta({ description: 'Cédula or NIT; dots, spaces and dashes are ignored.', example: '1098765432' }),
});

export const byPhoneInput = z.object({
  phone: freeText()
    .refine((value) => /^\d{7}$|^\d{10}$/.test(normalizePhone(value)), {
      error: 'phone must be a Colombian number of 10 digits (7 for old landlines), optionally with +57',
    })
    .meta({ description: 'Phone number; +57 or 57 prefix and separators accepted.', example: '+57 300 123 4567' }),
});

export const clientMatchesOutput = z.object({
  items: z.array(clientViewSchema).meta({ description: 'Bot keys: at most 5, masked unless verified.' }),
});

export const byServiceIdInput = z.object({ serviceId: serviceIdSchema });

const identityFieldSchema = z.enum(IDENTITY_FIELDS);
const claimText = freeText().max(200);
const priceSchema = z.number().nonnegative().meta({ description: 'Plan price in pesos.', example: 65000 });

export const resolveInput = z
  .object({
    name: claimText.optional(),
    address: claimText.optional(),
    planName: claimText.optional(),
    planPrice: priceSchema.optional(),
  })
  .refine((claims) => Object.values(claims).filter((value) => value !== undefined).length >= MIN_RESOLVE_FACTS, {
    error: `give at least ${MIN_RESOLVE_FACTS} of name, address, planName, planPrice`,
  })
  .meta({ example: { name: 'José Peña Muñoz', address: 'Vda La Esperanza', planName: 'Plan Hogar 10M', planPrice: 65000 } });

const matchQualitySchema = z.enum(['exact', 'partial', 'none']);
const fieldQualitySchema = z.partialRecord(identityFieldSchema, matchQualitySchema).meta({
  description:
    'Per given fact: exact, partial (names: the words given, in order, with the first given name and a surname; addresses: every informative word given) or none.',
  example: { name: 'partial', address: 'partial', planName: 'exact', planPrice: 'exact' },
});
const scoreSchema = z.number().min(0).max(1).meta({ description: 'Weighted share of the given facts that match (partial counts ¾).' });
const staffOnly = (description: string) => ({ description: `${description} Staff keys only.` });

export const resolveOutput = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('resolved'),
    client: clientViewSchema,
    matchedFields: z.array(identityFieldSchema).optional().meta(staffOnly('The facts that matched.')),
    fieldQuality: fieldQualitySchema.optional(),
    score: scoreSchema.optional(),
  }),
  z.object({
    status: z.literal('ambiguous'),
    candidates: z.array(
      z.object({
        serviceId: z.number().int(),
        client: clientViewSchema,
        matchedFields: z.array(identityFieldSchema).optional().meta(staffOnly('The facts that matched.')),
        mismatchedFields: z.array(identityFieldSchema).optional().meta(staffOnly('The facts that did not match.')),
        fieldQuality: fieldQualitySchema.optional(),
        score: scoreSchema.optional(),
      }),
    ),
  }),
  z.object({ status: z.literal('not_found') }),
]);

export const verifyInput = z
  .object({
    serviceId: serviceIdSchema,
    document: claimText.optional(),
    name: claimText.optional(),
    address: claimText.optional(),
    phone: claimText.optional(),
    planName: claimText.optional(),
    planPrice: priceSchema.optional(),
  })
  .meta({
    description:
      'The document or a phone on record, plus a second fact (full name, address, or the other of document and phone). A plan name or price may be given and must then match, but never counts.',
    example: { serviceId: 1234, document: '1098765432', address: 'Vereda La Esperanza' },
  });

export const verifyOutput = z.object({
  serviceId: z.number().int(),
  isValid: z.boolean(),
  outcome: z.enum(['verified', 'mismatch', 'insufficient_facts']),
  matchedFields: z.array(identityFieldSchema).optional().meta(staffOnly('The facts that matched.')),
  mismatchedFields: z.array(identityFieldSchema).optional().meta(staffOnly('The facts that did not match.')),
  fieldQuality: fieldQualitySchema.optional(),
  message: z.string().meta({ description: 'Spanish text a bot can show the customer.' }),
  verificationToken: z.string().nullable().meta({
    description:
      'When verified: send it as the `X-Verification-Token` header on calls about this service (its full record, balance, invoices, tickets, payment reports, promises, profile, diagnosis). Bound to this service id, this API key and the `X-End-User` sent with the verification; also sent as the `X-Verification-Token` response header on REST.',
  }),
  verificationExpiresAt: z.iso.datetime({ offset: true }).nullable(),
});

const profileText = (max: number) => freeText().min(1).max(max);

export const updateProfileInput = z.object({
  serviceId: serviceIdSchema,
  name: profileText(120).optional().meta({ description: 'First names (upstream `nombre`).' }),
  lastName: profileText(120).optional().meta({ description: 'Last names (upstream `apellidos`).' }),
  document: profileText(40).optional(),
  address: profileText(200).optional(),
  locality: profileText(120).optional(),
  city: profileText(120).optional(),
  phone: profileText(80).optional(),
  email: z.email().max(200).optional(),
});

/** The OpenAPI description of each procedure (what it does, which view each role gets), kept beside its schemas. */
export const CLIENT_DESCRIPTIONS = {
  list: 'Page through every client (cached full collection). Operator keys only.',
  search:
    'Case- and accent-insensitive search over name, address, document and phones. Every word must match; exact document/phone first, then name matches, then the rest. Operator keys: full records, any page. Bot keys: the first 5 matches as masked hints (the verified customer in full), first page only.',
  byDocument:
    'Every service held under this cédula/NIT (dots, spaces and dashes ignored). 404 when none. Operator keys: full records. Bot keys: up to 5 masked hints (the verified customer in full).',
  byPhone:
    'Matches any of the numbers stored for a client; accepts +57 / 57 prefixes. 404 when none. Operator keys: full records. Bot keys: up to 5 masked hints (the verified customer in full).',
  byServiceId:
    'Operator keys: the full record. Bot keys: the full record with this service id’s `X-Verification-Token` (and the same `X-End-User`), masked hints without it.',
  resolve:
    'Give at least three of name, address, plan name and plan price. Names match when the words given appear in order and include the first given name and a surname ("Esperanza Benitez" for Esperanza Benítez Ríos); addresses when every informative word given appears ("vereda la esperanza" for "Vereda La Esperanza, casa 12"; "Cra" = "Carrera"); one typo is tolerated in words of five letters or more. Answers `resolved`, `ambiguous` (up to 5 candidates ranked by score) or `not_found`. Plan and price alone never resolve. Operator keys: full records with the score and per-field quality. Bot keys: masked hints only (a located customer still has to verify).',
  verify:
    'Valid only with the document or a phone on record plus a second fact (full name, address, or the other of document and phone), every fact given matching (normalised: accents, case, address prefixes). Plan name and price never count: anyone can read the plans. A valid verification returns a token (`verificationToken`, and the `X-Verification-Token` response header) that bot keys send back as the `X-Verification-Token` header, with the same `X-End-User`, on every call about this customer. A failure tells bot keys only that the facts do not match; operator keys also get which facts matched. Failures lock the service id for one end user after VERIFY_MAX_FAILURES, for everyone after VERIFY_MAX_FAILURES_PER_SERVICE.',
  updateProfile:
    'Bot keys need the customer’s `X-Verification-Token`. Partial update through the upstream profile PUT. The answer and every later read show the change.',
} as const;
