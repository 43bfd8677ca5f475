import type { z } from 'zod';
import { AppError } from '../errors';
import type { Logger } from '../observability/logger';
import { upstreamPageSchema } from './schemas';
import type { Query, UpstreamTransport } from './transport';

/**
 * Full pagination of a WispHub Net list: read `count` from the first page, then fetch every
 * remaining offset in parallel with bounded concurrency (never following `next`, whose
 * scheme may be wrong). The result is complete or the load fails: nothing partial is returned.
 */

export interface PaginateOptions {
  pageSize: number;
  concurrency: number;
  logger: Logger;
}

export interface PaginatedLoad<T> {
  items: T[];
  /** Items the upstream sent that failed their schema; skipped, never passed on. */
  skipped: number;
  pages: number;
}

function readPage(body: unknown, endpoint: string): z.infer<typeof upstreamPageSchema> {
  const parsed = upstreamPageSchema.safeParse(body);
  if (!parsed.success) throw new AppError('upstream_bad_response', { internal: { endpoint, problem: 'not a page' } });
  return parsed.data;
}

async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const position = next++;
      results[position] = await work(items[position]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function itemId(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return null;
  const record = raw as Record<string, unknown>;
  return record.id_servicio ?? record.id_ticket ?? record.id ?? null;
}

/**
 * `checkFirstPage` sees the first page's parsed items before any other page is asked for; it may
 * throw to stop the load (e.g. when a filter was silently ignored and another source is cheaper).
 */
export async function fetchAllPages<S extends z.ZodType>(
  transport: UpstreamTransport,
  path: string,
  query: Query,
  itemSchema: S,
  options: PaginateOptions,
  checkFirstPage?: (items: readonly z.output<S>[]) => void,
): Promise<PaginatedLoad<z.output<S>>> {
  let skipped = 0;
  // Each page is parsed as it arrives: the ~50-field raw items are dropped at once, so memory
  // holds `concurrency` raw pages at most, never the whole raw collection.
  const parsePage = (results: unknown[]): z.output<S>[] => {
    const items: z.output<S>[] = [];
    for (const entry of results) {
      const parsed = itemSchema.safeParse(entry);
      if (parsed.success) {
        items.push(parsed.data);
      } else {
        skipped++;
        options.logger.warn(
          { endpoint: path, itemId: itemId(entry), issues: parsed.error.issues.map((issue) => issue.path.join('.')) },
          'skipped malformed upstream item',
        );
      }
    }
    return items;
  };
  const first = readPage(await transport.get(path, { ...query, limit: options.pageSize, offset: 0 }), path);
  // Upstream may cap `limit` below what was asked: page by what it actually served.
  const pageSize = first.results.length < Math.min(options.pageSize, first.count) ? first.results.length : options.pageSize;
  if (pageSize === 0 && first.count > 0) {
    throw new AppError('upstream_bad_response', { internal: { endpoint: path, problem: 'empty first page' } });
  }
  let received = first.results.length;
  const firstItems = parsePage(first.results);
  checkFirstPage?.(firstItems);
  const offsets: number[] = [];
  for (let offset = pageSize; offset < first.count; offset += pageSize) offsets.push(offset);
  const rest = await mapWithConcurrency(offsets, options.concurrency, async (offset) => {
    const page = readPage(await transport.get(path, { ...query, limit: pageSize, offset }), path);
    if (page.count !== first.count) {
      throw new AppError('upstream_bad_response', { internal: { endpoint: path, problem: 'count changed during load' } });
    }
    received += page.results.length;
    return parsePage(page.results);
  });
  if (received !== first.count) {
    throw new AppError('upstream_bad_response', {
      internal: { endpoint: path, problem: 'item total does not match count', count: first.count, received },
    });
  }
  return { items: [firstItems, ...rest].flat(), skipped, pages: offsets.length + 1 };
}
