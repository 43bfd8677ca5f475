/**
 * The code an RPC surface (tRPC) answers for each reason: data here, mapped to the framework's own
 * error at its edge (trpc/init.ts), so the gateway and the domain never import an RPC framework.
 */
export type RpcCode =
  | 'BAD_REQUEST'
  | 'PARSE_ERROR'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_SUPPORTED'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TOO_MANY_REQUESTS'
  | 'TIMEOUT'
  | 'INTERNAL_SERVER_ERROR'
  | 'NOT_IMPLEMENTED'
  | 'BAD_GATEWAY'
  | 'SERVICE_UNAVAILABLE'
  | 'GATEWAY_TIMEOUT';

/**
 * The one catalogue of errors both surfaces answer with: a stable machine `reason`,
 * its HTTP status (and the tRPC code that maps to it) and a Spanish message fit to
 * show an end customer.
 */
export const ERROR_CATALOGUE = {
  invalid_input: { status: 400, code: 'BAD_REQUEST', message: 'Los datos enviados no son válidos.' },
  invalid_json: { status: 400, code: 'PARSE_ERROR', message: 'El cuerpo de la solicitud no es JSON válido.' },
  empty_patch: { status: 400, code: 'BAD_REQUEST', message: 'No se indicó ningún dato para actualizar.' },
  payment_amount_mismatch: {
    status: 400,
    code: 'BAD_REQUEST',
    message: 'El valor del pago debe ser igual al total de la factura.',
  },
  promise_not_allowed: {
    status: 400,
    code: 'BAD_REQUEST',
    message: 'No es posible acordar esa promesa de pago.',
  },
  receipt_invalid: {
    status: 400,
    code: 'BAD_REQUEST',
    message: 'El comprobante debe ser una imagen JPEG o PNG, o un PDF.',
  },
  attachment_invalid: {
    status: 400,
    code: 'BAD_REQUEST',
    message: 'El archivo adjunto debe ser una foto JPEG o PNG, o un PDF.',
  },
  unknown_ticket_subject: { status: 400, code: 'BAD_REQUEST', message: 'El asunto del ticket no está en el catálogo.' },
  api_key_missing: { status: 401, code: 'UNAUTHORIZED', message: 'Falta la clave de acceso (X-API-Key).' },
  api_key_invalid: { status: 403, code: 'FORBIDDEN', message: 'La clave de acceso no es válida.' },
  verification_required: {
    status: 401,
    code: 'UNAUTHORIZED',
    message: 'Antes de continuar debemos verificar la identidad del titular del servicio.',
  },
  forbidden_for_key: {
    status: 403,
    code: 'FORBIDDEN',
    message: 'Esta operación no está permitida para esta clave de acceso: la realiza un asesor del proveedor.',
  },
  verification_mismatch: {
    status: 403,
    code: 'FORBIDDEN',
    message: 'La verificación de identidad corresponde a otro servicio. Verifique al titular de este servicio.',
  },
  route_not_found: { status: 404, code: 'NOT_FOUND', message: 'La ruta solicitada no existe.' },
  client_not_found: { status: 404, code: 'NOT_FOUND', message: 'No encontramos un cliente con esos datos.' },
  plan_not_found: { status: 404, code: 'NOT_FOUND', message: 'No encontramos ese plan.' },
  ticket_not_found: { status: 404, code: 'NOT_FOUND', message: 'No encontramos ese ticket.' },
  pending_ticket_not_found: {
    status: 404,
    code: 'NOT_FOUND',
    message: 'No encontramos esa solicitud de ticket pendiente. Los códigos vencen a las 24 horas.',
  },
  invoice_not_found: { status: 404, code: 'NOT_FOUND', message: 'No encontramos esa factura pendiente para este servicio.' },
  ping_task_not_found: { status: 404, code: 'NOT_FOUND', message: 'No encontramos esa prueba de conexión.' },
  method_not_allowed: { status: 405, code: 'METHOD_NOT_SUPPORTED', message: 'Método no permitido para esta ruta.' },
  zone_ticket_limit_reached: {
    status: 409,
    code: 'CONFLICT',
    message: 'La zona ya tiene el máximo de tickets activos. Un técnico atenderá los casos abiertos primero.',
  },
  known_outage: {
    status: 409,
    code: 'CONFLICT',
    message: 'Ya hay una falla general reportada en el sector del cliente: no es necesario abrir otro ticket por conexión.',
  },
  payment_reference_reused: {
    status: 409,
    code: 'CONFLICT',
    message: 'Ya recibimos un pago con esa referencia. Si es un pago distinto, revise el número de referencia.',
  },
  invoice_already_paid: { status: 409, code: 'CONFLICT', message: 'Esa factura ya está pagada.' },
  promise_already_active: {
    status: 409,
    code: 'CONFLICT',
    message: 'El servicio ya tiene una promesa de pago activa.',
  },
  idempotency_key_reused: {
    status: 409,
    code: 'CONFLICT',
    message: 'La clave de idempotencia ya se usó con otra solicitud.',
  },
  payload_too_large: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'La solicitud es demasiado grande.' },
  unsupported_media_type: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'El cuerpo debe enviarse como application/json.',
  },
  rate_limited: { status: 429, code: 'TOO_MANY_REQUESTS', message: 'Demasiadas solicitudes. Intente de nuevo en un momento.' },
  verification_locked: {
    status: 429,
    code: 'TOO_MANY_REQUESTS',
    message: 'Se superó el número de intentos de verificación. Por seguridad, intente más tarde o comuníquese con un asesor.',
  },
  request_timeout: { status: 408, code: 'TIMEOUT', message: 'La solicitud tardó demasiado en llegar.' },
  request_aborted: { status: 400, code: 'BAD_REQUEST', message: 'La solicitud se interrumpió antes de llegar completa.' },
  internal_error: { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Ocurrió un error inesperado. Intente de nuevo.' },
  upstream_auth_failed: {
    status: 502,
    code: 'BAD_GATEWAY',
    message: 'El sistema de gestión rechazó nuestra conexión. Ya avisamos al equipo técnico.',
  },
  not_supported_by_upstream: {
    status: 501,
    code: 'NOT_IMPLEMENTED',
    message: 'El sistema de gestión de este proveedor no ofrece esta función. Un asesor puede ayudarle por otro medio.',
  },
  upstream_permission_missing: {
    status: 502,
    code: 'BAD_GATEWAY',
    message: 'El sistema de gestión no permite esta operación con la clave del proveedor. Un asesor debe habilitarla.',
  },
  upstream_bad_response: {
    status: 502,
    code: 'BAD_GATEWAY',
    message: 'El sistema de gestión respondió de forma inesperada. Intente de nuevo en unos minutos.',
  },
  upstream_rejected: {
    status: 502,
    code: 'BAD_GATEWAY',
    message: 'El sistema de gestión rechazó la operación.',
  },
  upstream_unavailable: {
    status: 503,
    code: 'SERVICE_UNAVAILABLE',
    message: 'El sistema de gestión no está disponible en este momento. Intente de nuevo en unos minutos.',
  },
  upstream_outcome_unknown: {
    status: 504,
    code: 'GATEWAY_TIMEOUT',
    message:
      'El sistema de gestión no confirmó si la operación quedó registrada. La estamos verificando: no la repita; consulte de nuevo en unos minutos.',
  },
  upstream_timeout: {
    status: 504,
    code: 'GATEWAY_TIMEOUT',
    message: 'El sistema de gestión tardó demasiado en responder. Intente de nuevo en unos minutos.',
  },
  model_not_found: { status: 404, code: 'NOT_FOUND', message: 'Ese modelo no existe o no está disponible en este servicio.' },
  provider_rejected_request: {
    status: 400,
    code: 'BAD_REQUEST',
    message: 'El proveedor del modelo rechazó la solicitud por estar mal formada.',
  },
  provider_unavailable: {
    status: 503,
    code: 'SERVICE_UNAVAILABLE',
    message: 'Ningún proveedor de modelos pudo responder en este momento. Intente de nuevo en unos minutos.',
  },
  budget_exceeded: {
    status: 429,
    code: 'TOO_MANY_REQUESTS',
    message: 'Esta clave ya gastó su presupuesto de modelos de este mes. El operador puede ampliarlo.',
  },
  already_exists: { status: 409, code: 'CONFLICT', message: 'Ya existe un registro con esos datos.' },
  vault_unavailable: {
    status: 503,
    code: 'SERVICE_UNAVAILABLE',
    message: 'La bóveda de claves de proveedores no está habilitada (falta ENCRYPTION_KEY).',
  },
  provider_timeout: {
    status: 504,
    code: 'GATEWAY_TIMEOUT',
    message: 'Los proveedores de modelos tardaron demasiado en responder. Intente de nuevo en unos minutos.',
  },
} as const satisfies Record<string, { status: number; code: RpcCode; message: string }>;

export type ErrorReason = keyof typeof ERROR_CATALOGUE;
export const ERROR_REASONS = Object.keys(ERROR_CATALOGUE) as [ErrorReason, ...ErrorReason[]];

export interface AppErrorOptions {
  /** Customer-facing Spanish message replacing the catalogue default. */
  message?: string;
  /** Machine-readable extra facts (e.g. the limit, the valid subjects). Never secrets. */
  details?: Record<string, unknown>;
  /** Seconds the caller should wait before trying again. */
  retryAfterSeconds?: number;
  /** Facts for logs only (upstream endpoint, status): never sent to callers. */
  internal?: Record<string, unknown>;
  cause?: unknown;
}

/** The service's own error: a catalogue reason; thrown by procedures, the gateway and the HTTP layer. */
export class AppError extends Error {
  readonly reason: ErrorReason;
  readonly code: RpcCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly internal: Record<string, unknown> | undefined;

  constructor(reason: ErrorReason, options: AppErrorOptions = {}) {
    const entry = ERROR_CATALOGUE[reason];
    super(options.message ?? entry.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.reason = reason;
    this.code = entry.code;
    this.status = entry.status;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.internal = options.internal;
  }
}

/** The AppError behind an error, also when an RPC framework wrapped it (as its `cause`). */
export function appErrorOf(error: unknown): AppError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (current instanceof AppError) return current;
    current = current.cause;
  }
  return null;
}

/** A 405 that names the methods the route does answer (sent as the `Allow` header). */
export function methodNotAllowed(allowed: readonly string[]): AppError {
  return new AppError('method_not_allowed', { details: { allowed: [...allowed] } });
}

/** The methods a 405 names, for its `Allow` header. */
export function allowedMethodsOf(error: unknown): string[] | null {
  const app = appErrorOf(error);
  if (app?.reason !== 'method_not_allowed') return null;
  const allowed = app.details?.allowed;
  return Array.isArray(allowed) && allowed.every((method) => typeof method === 'string') ? allowed : null;
}

export interface FieldIssue {
  path: string;
  message: string;
  code: string;
}

/** The error body both surfaces share (REST body `error`, tRPC `error.data`). */
export interface ErrorPayload {
  status: number;
  reason: ErrorReason;
  message: string;
  requestId: string | null;
  issues?: FieldIssue[];
  details?: Record<string, unknown>;
}

interface IssueLike {
  path: PropertyKey[];
  message: string;
  code: string;
}

function isIssueList(value: unknown): value is IssueLike[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null && 'message' in item);
}

/** zod issues (from a procedure's input parser) in a shape fit for callers. */
export function toFieldIssues(cause: unknown): FieldIssue[] | undefined {
  if (typeof cause !== 'object' || cause === null || !('issues' in cause)) return undefined;
  const issues = (cause as { issues: unknown }).issues;
  if (!isIssueList(issues)) return undefined;
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
    code: issue.code,
  }));
}

/**
 * Turns anything thrown into the public error payload. Unknown errors become
 * `internal_error` with the catalogue message: no internal text leaves the process.
 */
export function toErrorPayload(error: unknown, requestId: string | null): ErrorPayload {
  const app = appErrorOf(error);
  if (app) {
    return {
      status: app.status,
      reason: app.reason,
      message: app.message,
      requestId,
      ...(app.details ? { details: app.details } : {}),
    };
  }
  // An RPC framework's own refusal (bad input, unknown procedure, unparsable body) carries a code.
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : null;
  if (code !== null) {
    const issues = toFieldIssues(error instanceof Error ? error.cause : undefined);
    if (issues) return { ...catalogueEntry('invalid_input', requestId), issues };
    // tRPC reports a body that is not JSON as BAD_REQUEST caused by the SyntaxError.
    if (error instanceof Error && error.cause instanceof SyntaxError) return catalogueEntry('invalid_json', requestId);
    return catalogueEntry(reasonForRpcCode(code), requestId);
  }
  return catalogueEntry('internal_error', requestId);
}

function catalogueEntry(reason: ErrorReason, requestId: string | null): ErrorPayload {
  const entry = ERROR_CATALOGUE[reason];
  return { status: entry.status, reason, message: entry.message, requestId };
}

function reasonForRpcCode(code: string): ErrorReason {
  switch (code) {
    case 'PARSE_ERROR':
      return 'invalid_json';
    case 'BAD_REQUEST':
      return 'invalid_input';
    case 'NOT_FOUND':
      return 'route_not_found';
    case 'METHOD_NOT_SUPPORTED':
      return 'method_not_allowed';
    case 'PAYLOAD_TOO_LARGE':
      return 'payload_too_large';
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'unsupported_media_type';
    case 'UNAUTHORIZED':
      return 'api_key_missing';
    case 'FORBIDDEN':
      return 'api_key_invalid';
    case 'TOO_MANY_REQUESTS':
      return 'rate_limited';
    default:
      return 'internal_error';
  }
}
