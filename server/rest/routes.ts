/**
 * The REST route table, compiled from the same procedure meta that generates /openapi.json,
 * so a path in the document and a path served can never drift apart.
 */

import type { AnyRouter } from '@trpc/server';
import type { OpenApiMeta, OpenApiMethod } from 'trpc-to-openapi';
import { AppError } from '../errors';

export interface RestRoute {
  method: OpenApiMethod;
  /** Path template relative to the REST base, e.g. "/clients/{serviceId}/verify". */
  template: string;
  procedurePath: string;
  type: 'query' | 'mutation';
  pattern: RegExp;
  params: string[];
  /** Static segments count: more specific routes win ("/clients/search" over "/clients/{id}"). */
  specificity: number;
  /** HTTP status of a success when not 200 (meta `successStatus`). */
  successStatus: number;
  alsoSucceedsWith: Readonly<Record<number, string>>;
  extraErrorStatuses: readonly number[];
  /** The procedure accepts an `Idempotency-Key` header (meta `idempotencyKeyHeader`). */
  idempotencyKeyHeader: boolean;
  /** Meta `multipartFile`: the input field a multipart upload's file fills. */
  multipartFile: string | null;
  access: ProcedureAccess | null;
  cacheable: boolean;
  /** Input fields that are numbers: on a path or in a query they must be plain digits. */
  numericFields: ReadonlySet<string>;
  /** Input fields that are booleans: a multipart form sends them as "true" or "false". */
  booleanFields: ReadonlySet<string>;
}

/** Our own meta beside trpc-to-openapi's `openapi` block. */
export type RestMeta = {
  successStatus?: number;
  /** Error statuses beyond the common ones this operation answers (e.g. 409 on a create), for the OpenAPI document. */
  extraErrorStatuses?: readonly number[];
  /** Further success statuses a call may answer with the same body schema, with what each means. */
  alsoSucceedsWith?: Record<number, string>;
  idempotencyKeyHeader?: boolean;
  /** REST also takes multipart/form-data, with the file of this input field (base64 `{contentBase64, fileName}` in the input). */
  multipartFile?: string;
  /** A query computed only from cached collections: its answers may be memoised (see http/response-memo.ts). */
  cacheable?: boolean;
  /** Served as an MCP tool: `false` turns a query or mutation off, `true` turns on a subscription or an operator-only one. */
  mcp?: boolean;
  /** Who may call it beyond any business key (see trpc/procedures.ts): the operator role, a verified customer. */
  access?: ProcedureAccess;
  [key: string]: unknown;
};

export interface ProcedureAccess {
  /** Only operator keys; bot keys get 403 forbidden_for_key. */
  role?: 'operator';
  /**
   * Bot keys must present the verification token of the input's `serviceId` (operators never):
   * `write` always, `read` unless VERIFICATION_REQUIRED_FOR_READS=false.
   */
  verification?: 'read' | 'write';
  /**
   * Whose token: the input's `serviceId` (default, checked before the procedure runs), or the
   * customer of the input's ticket (`ticket`: the procedure checks it once it has read the ticket).
   */
  customerOf?: 'serviceId' | 'ticket';
}

/**
 * Answers that may be memoised and served by the fast path: cacheable queries not behind a
 * customer's verification. Memo entries are kept per audience (staff, unverified bots: see
 * memoAudience), so an operator-only answer is stored, and found, for staff keys alone.
 */
export function isMemoizable(meta: RestMeta | undefined, type: string): boolean {
  return meta?.cacheable === true && meta.access?.verification === undefined && type === 'query';
}

export type RouteMatch = { route: RestRoute; params: Record<string, string> } | { allowed: OpenApiMethod[] } | null;

interface ProcedureLike {
  _def: { type: 'query' | 'mutation' | 'subscription'; meta?: OpenApiMeta & RestMeta; inputs?: unknown[] };
}

interface ZodLike {
  _zod?: { def?: { type?: string; innerType?: ZodLike; shape?: Record<string, ZodLike> } };
}

/** The zod kind under optional/default/nullable wrappers. */
function baseKind(schema: ZodLike | undefined): string | undefined {
  let current = schema;
  for (let depth = 0; depth < 8 && current?._zod?.def; depth++) {
    const def = current._zod.def;
    if (def.innerType && (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault'))
      current = def.innerType;
    else return def.type;
  }
  return undefined;
}

function fieldsOfKind(procedure: ProcedureLike, kind: string): Set<string> {
  const shape = (procedure._def.inputs?.[0] as ZodLike | undefined)?._zod?.def?.shape ?? {};
  return new Set(
    Object.entries(shape)
      .filter(([, field]) => baseKind(field) === kind)
      .map(([name]) => name),
  );
}

/** Digits only: "1e3", "0x3E8", "+1000" and " 1000" stay strings, which the number schema refuses. */
const PLAIN_DIGITS = /^\d{1,15}$/;

/** Path and query values are text: numbers are read from plain digits only, anything else is left for the schema to refuse. */
export function numberFromText(field: string, value: string, numericFields: ReadonlySet<string>): string | number {
  return numericFields.has(field) && PLAIN_DIGITS.test(value) ? Number(value) : value;
}

/** decodeURIComponent that answers a 400, not a crash, for a malformed escape ("%", "%ZZ", a cut UTF-8 sequence). */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AppError('invalid_input', { message: 'La ruta contiene un carácter codificado (%) que no es válido.' });
  }
}

/** A template segment that is a parameter ("{serviceId}"), capturing its name. */
const PARAM_SEGMENT = /^\{(\w+)\}$/;

function compile(template: string): { pattern: RegExp; params: string[]; specificity: number } {
  const params: string[] = [];
  let specificity = 0;
  const source = template
    .split('/')
    .map((segment) => {
      const param = segment.match(PARAM_SEGMENT);
      if (param) {
        params.push(param[1]!);
        return '([^/]+)';
      }
      if (segment !== '') specificity++;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { pattern: new RegExp(`^${source}/?$`), params, specificity };
}

/** tRPC paths of the cacheable queries (meta `cacheable`), for the HTTP fast path. */
export function cacheableProcedures(appRouter: AnyRouter): Set<string> {
  const procedures = appRouter._def.procedures as Record<string, ProcedureLike>;
  return new Set(
    Object.entries(procedures)
      .filter(([, p]) => isMemoizable(p._def.meta, p._def.type))
      .map(([path]) => path),
  );
}

export function compileRoutes(appRouter: AnyRouter): RestRoute[] {
  const procedures = appRouter._def.procedures as Record<string, ProcedureLike>;
  const routes: RestRoute[] = [];
  for (const [procedurePath, procedure] of Object.entries(procedures)) {
    const openapi = procedure._def.meta?.openapi;
    if (!openapi || openapi.enabled === false || procedure._def.type === 'subscription') continue;
    routes.push({
      method: openapi.method,
      template: openapi.path,
      procedurePath,
      type: procedure._def.type,
      successStatus: procedure._def.meta?.successStatus ?? 200,
      alsoSucceedsWith: procedure._def.meta?.alsoSucceedsWith ?? {},
      extraErrorStatuses: procedure._def.meta?.extraErrorStatuses ?? [],
      idempotencyKeyHeader: procedure._def.meta?.idempotencyKeyHeader === true,
      multipartFile: procedure._def.meta?.multipartFile ?? null,
      access: procedure._def.meta?.access ?? null,
      cacheable: isMemoizable(procedure._def.meta, procedure._def.type),
      numericFields: fieldsOfKind(procedure, 'number'),
      booleanFields: fieldsOfKind(procedure, 'boolean'),
      ...compile(openapi.path),
    });
  }
  return routes.sort((a, b) => b.specificity - a.specificity || a.params.length - b.params.length);
}

/** A template's first segment when it is literal ("clients" of "/clients/{id}"); null for a parameter. */
function firstLiteral(template: string): string | null {
  const segment = template.split('/')[1] ?? '';
  return PARAM_SEGMENT.test(segment) ? null : segment;
}

function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return end === -1 ? path.slice(1) : path.slice(1, end);
}

/**
 * Routes a path can match, by its first segment, in table order: a route whose first segment is
 * another literal can never match it, so only these patterns are tried (the table's regexes were
 * a measurable share of a cached read).
 */
const candidatesByTable = new WeakMap<readonly RestRoute[], { byFirst: Map<string, RestRoute[]>; parameterFirst: RestRoute[] }>();

function candidates(routes: readonly RestRoute[], path: string): readonly RestRoute[] {
  let index = candidatesByTable.get(routes);
  if (!index) {
    const firsts = routes.map((route) => firstLiteral(route.template));
    const byFirst = new Map<string, RestRoute[]>();
    for (const first of new Set(firsts)) {
      if (first !== null)
        byFirst.set(
          first,
          routes.filter((_, position) => firsts[position] === first || firsts[position] === null),
        );
    }
    index = { byFirst, parameterFirst: routes.filter((_, position) => firsts[position] === null) };
    candidatesByTable.set(routes, index);
  }
  return index.byFirst.get(firstSegment(path)) ?? index.parameterFirst;
}

export function matchRoute(routes: readonly RestRoute[], method: string, path: string): RouteMatch {
  const allowed: OpenApiMethod[] = [];
  for (const route of candidates(routes, path)) {
    const found = route.pattern.exec(path);
    if (!found) continue;
    if (route.method !== method) {
      if (!allowed.includes(route.method)) allowed.push(route.method);
      continue;
    }
    // Keys are the template's own parameter names, never the caller's: a plain object is safe,
    // and a null-prototype one (dictionary mode) was a measurable share of a cached read.
    const params: Record<string, string> = {};
    for (let position = 0; position < route.params.length; position++) {
      params[route.params[position]!] = decodePathSegment(found[position + 1]!);
    }
    return { route, params };
  }
  return allowed.length > 0 ? { allowed } : null;
}
