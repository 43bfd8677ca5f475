import { AppError } from '../errors';
import type { Logger } from '../observability/logger';
import type { PaginateOptions } from './paginate';
import type { UpstreamTransport } from './transport';

/** What every part of the gateway shares: the transport, paging settings and logging. */
export interface UpstreamContext {
  transport: UpstreamTransport;
  logger: Logger;
  paging: PaginateOptions;
  staleMs: number;
  /** Items skipped as malformed, across every load. */
  stats: { skippedItems: number };
  onRefreshError: (cache: string, key: string, error: unknown) => void;
}

export function reasonOf(error: unknown): string {
  return error instanceof AppError ? error.reason : 'internal_error';
}
