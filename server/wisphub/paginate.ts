/**
 * Full pagination of a WispHub Net list: read `count` from the first page, then fetch every
 * remaining offset in parallel with bounded concurrency (never following `next`, whose
 * scheme may be wrong). The result is complete or the load fails: nothing partial is returned.
 */

import type { z } from 'zod';
import { AppError } from '../errors';
import type { Logger } from '../observability/logger';
import { upstreamPageSchema } from './schemas';
import { type Query, UpstreamNotFoundError, type UpstreamTransport } from './transport';

export interface PaginateOptions {
  pageSize: number;
  concurrency: number;
  logger: Logger;
}

export interface LoadHooks<T> {
  /** Sees the first page's items before any other page is asked for; may throw to stop the load. */
  checkFirstPage?: (items: readonly T[]) => void;
  /**
   * The collection's size at the last load. Every page up to it is asked for at once (one round
   * trip instead of two); `count` on each page then says whether the collection grew (the missing
   * pages follow) or whether the pages do not tile it (upstream capped `limit`: a discovery load follows).
   */
  knownCount?: number;
  /**
   * A size assumed when none is known (a first load): asked for like a known size, but the pages
   * past the first are tried once, so a failing upstream is not asked ten times over; one that
   * failed is asked again, with retries, once `count` says it exists.
   */
  guessedCount?: number;
}

export interface LoadSummary {
  /** Items the upstream sent that failed their schema; skipped, never passed on. */
  skipped: number;
  pages: number;
}

export interface PaginatedLoad<T> extends LoadSummary {
  items: T[];
}

/**
 * Receives each page's items as the page arrives (the first included), with the page's offset.
 * `restart` drops what was handed over: a load that finds its pages do not tile starts again from
 * a first page, and pages it already handed over would otherwise be counted twice.
 */
export interface PageConsumer<T> {
  page(items: T[], offset: number): void;
  restart(): void;
}

function readPage(body: unknown, endpoint: string): z.infer<typeof upstreamPageSchema> {
  const parsed = upstreamPageSchema.safeParse(body);
  if (!parsed.success) throw new AppError('upstream_bad_response', { internal: { endpoint, problem: 'not a page' } });
  return parsed.data;
}

/** Runs `work` over `items`, `limit` at a time; after a failure no new item is started (the load has failed). */
async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const position = next++;
      try {
        results[position] = await work(items[position]!);
      } catch (error) {
        failed = true;
        throw error;
      }
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

/** Pages that do not tile the collection as asked: the load starts again from a first page. */
class PagesDoNotTile extends Error {}

/** The whole collection, in upstream order. */
export async function fetchAllPages<S extends z.ZodType>(
  transport: UpstreamTransport,
  path: string,
  query: Query,
  itemSchema: S,
  options: PaginateOptions,
  hooks: LoadHooks<z.output<S>> = {},
): Promise<PaginatedLoad<z.output<S>>> {
  const pages = new Map<number, z.output<S>[]>();
  const consumer = { page: (items: z.output<S>[], offset: number) => pages.set(offset, items), restart: () => pages.clear() };
  const summary = await loadAllPages(transport, path, query, itemSchema, options, hooks, consumer);
  const items = [...pages].sort(([a], [b]) => a - b).flatMap(([, page]) => page);
  return { items, ...summary };
}

/**
 * The whole collection handed to `consumer` page by page as the pages arrive (work done while the
 * others are in flight), nothing kept here: a consumer that maps and indexes each page never has
 * the parsed upstream collection in memory at once. A failed load throws after some pages were
 * handed over, so the consumer must discard what it built.
 */
export function streamAllPages<S extends z.ZodType>(
  transport: UpstreamTransport,
  path: string,
  query: Query,
  itemSchema: S,
  options: PaginateOptions,
  consumer: PageConsumer<z.output<S>>,
  hooks: LoadHooks<z.output<S>> = {},
): Promise<LoadSummary> {
  return loadAllPages(transport, path, query, itemSchema, options, hooks, consumer);
}

async function loadAllPages<S extends z.ZodType>(
  transport: UpstreamTransport,
  path: string,
  query: Query,
  itemSchema: S,
  options: PaginateOptions,
  hooks: LoadHooks<z.output<S>>,
  consume: PageConsumer<z.output<S>>,
): Promise<LoadSummary> {
  const expected = hooks.knownCount ?? hooks.guessedCount;
  if (expected !== undefined && expected > options.pageSize && !hooks.checkFirstPage) {
    try {
      return await fetchKnownSize(transport, path, query, itemSchema, options, consume, expected, hooks.knownCount === undefined);
    } catch (error) {
      if (!(error instanceof PagesDoNotTile)) throw error;
      options.logger.info({ endpoint: path }, 'pages did not tile the known size; loading from the first page');
      consume.restart();
    }
  }
  return fetchDiscovering(transport, path, query, itemSchema, options, hooks, consume);
}

/**
 * Items of a page parsed between two turns of the event loop, when other requests are in flight:
 * new connections complete and their requests are written between slices instead of after the
 * whole page (one unbroken parse of a 1,000-item page held the second round back ~100 ms).
 */
const ITEMS_PER_SLICE = 100;

/** Items that pass their schema; the others are counted, logged and dropped. */
function pageParser<S extends z.ZodType>(itemSchema: S, path: string, logger: Logger) {
  const parseInto = (results: unknown[], from: number, to: number, items: z.output<S>[]): void => {
    for (let position = from; position < to; position++) {
      const entry = results[position];
      const parsed = itemSchema.safeParse(entry);
      if (parsed.success) {
        items.push(parsed.data);
      } else {
        parser.skipped++;
        logger.warn(
          { endpoint: path, itemId: itemId(entry), issues: parsed.error.issues.map((issue) => issue.path.join('.')) },
          'skipped malformed upstream item',
        );
      }
    }
  };
  const parser = {
    skipped: 0,
    parse(results: unknown[]): z.output<S>[] {
      const items: z.output<S>[] = [];
      parseInto(results, 0, results.length, items);
      return items;
    },
    /** The same, yielding to the event loop before each slice. */
    async parseInSlices(results: unknown[]): Promise<z.output<S>[]> {
      const items: z.output<S>[] = [];
      for (let from = 0; from < results.length; from += ITEMS_PER_SLICE) {
        await new Promise((resolve) => setImmediate(resolve));
        parseInto(results, from, Math.min(from + ITEMS_PER_SLICE, results.length), items);
      }
      return items;
    },
  };
  return parser;
}

/**
 * Every page up to the known (or guessed) size at once; then, if `count` grew, the pages past it,
 * with any guessed page that failed its single try.
 */
async function fetchKnownSize<S extends z.ZodType>(
  transport: UpstreamTransport,
  path: string,
  query: Query,
  itemSchema: S,
  options: PaginateOptions,
  consume: PageConsumer<z.output<S>>,
  knownCount: number,
  guessed: boolean,
): Promise<LoadSummary> {
  const { pageSize } = options;
  const parser = pageParser(itemSchema, path, options.logger);
  let count: number | null = null;
  let received = 0;
  // Offsets that answered 404: past the end they are empty pages; before it, gaps.
  const notFound: number[] = [];
  // Guessed pages that failed their single try: asked again if `count` says they exist.
  const askAgain: number[] = [];
  // Once a page has failed the attempt, pages still in flight are not handed over: the load that
  // follows (from a first page) has started on a consumer that was told to restart.
  let abandoned = false;
  const loadPage = async (offset: number, once = false): Promise<void> => {
    let body: unknown;
    try {
      body = await transport.get(path, { ...query, limit: pageSize, offset }, once ? { retries: 0 } : {});
    } catch (error) {
      if (error instanceof UpstreamNotFoundError && offset > 0) {
        notFound.push(offset);
        return;
      }
      if (once) {
        askAgain.push(offset);
        return;
      }
      throw error;
    }
    if (abandoned) return;
    const page = readPage(body, path);
    if (count === null) count = page.count;
    else if (page.count !== count) {
      throw new AppError('upstream_bad_response', { internal: { endpoint: path, problem: 'count changed during load' } });
    }
    // A short page before the end means upstream served fewer than asked: the offsets leave gaps.
    if (page.results.length < Math.min(pageSize, Math.max(0, page.count - offset))) throw new PagesDoNotTile();
    received += page.results.length;
    consume.page(parser.parse(page.results), offset);
  };
  const offsetsUpTo = (from: number, to: number): number[] => {
    const offsets: number[] = [];
    for (let offset = from; offset < to; offset += pageSize) offsets.push(offset);
    return offsets;
  };
  const loadOrAbandon = (offset: number, once = false) =>
    loadPage(offset, once).catch((error: unknown) => {
      abandoned = true;
      throw error;
    });
  const firstRound = offsetsUpTo(0, knownCount);
  await mapWithConcurrency(firstRound, options.concurrency, (offset) => loadOrAbandon(offset, guessed && offset > 0));
  const total = count ?? 0;
  const secondRound = [...askAgain.filter((offset) => offset < total), ...offsetsUpTo(firstRound.length * pageSize, total)];
  if (secondRound.length > 0) await mapWithConcurrency(secondRound, options.concurrency, loadOrAbandon);
  // A 404 inside the collection (or with no page to say where it ends) is a gap: start again.
  if (count === null || notFound.some((offset) => offset < total)) throw new PagesDoNotTile();
  if (received !== total) {
    throw new AppError('upstream_bad_response', {
      internal: { endpoint: path, problem: 'item total does not match count', count: total, received },
    });
  }
  return { skipped: parser.skipped, pages: firstRound.length + secondRound.length };
}

/** The first page says `count`; every other page follows in parallel. */
async function fetchDiscovering<S extends z.ZodType>(
  transport: UpstreamTransport,
  path: string,
  query: Query,
  itemSchema: S,
  options: PaginateOptions,
  { checkFirstPage }: LoadHooks<z.output<S>>,
  consume: PageConsumer<z.output<S>>,
): Promise<LoadSummary> {
  // Each page is parsed as it arrives: the ~50-field raw items are dropped at once, so memory
  // holds `concurrency` raw pages at most, never the whole raw collection.
  const parser = pageParser(itemSchema, path, options.logger);
  const first = readPage(await transport.get(path, { ...query, limit: options.pageSize, offset: 0 }), path);
  // Upstream may cap `limit` below what was asked: page by what it actually served.
  const pageSize = first.results.length < Math.min(options.pageSize, first.count) ? first.results.length : options.pageSize;
  if (pageSize === 0 && first.count > 0) {
    throw new AppError('upstream_bad_response', { internal: { endpoint: path, problem: 'empty first page' } });
  }
  let received = first.results.length;
  // A check of the first page may stop the load before any other page is asked for.
  const checked = checkFirstPage ? parser.parse(first.results) : null;
  if (checked) checkFirstPage?.(checked);
  const offsets: number[] = [];
  for (let offset = pageSize; offset < first.count; offset += pageSize) offsets.push(offset);
  // The other pages are asked for first; the first page is parsed and handed over while they are in flight.
  const restLoad = mapWithConcurrency(offsets, options.concurrency, async (offset) => {
    const page = readPage(await transport.get(path, { ...query, limit: pageSize, offset }), path);
    if (page.count !== first.count) {
      throw new AppError('upstream_bad_response', { internal: { endpoint: path, problem: 'count changed during load' } });
    }
    received += page.results.length;
    consume.page(parser.parse(page.results), offset);
  });
  // The other pages may fail while the first is parsed (below, across turns of the event loop): the
  // failure is kept for the `await` further down, never left unhandled (that would stop the process).
  restLoad.catch(() => undefined);
  // In slices, so the requests just asked for reach the wire while the first page is parsed.
  consume.page(checked ?? (await parser.parseInSlices(first.results)), 0);
  await restLoad;
  if (received !== first.count) {
    throw new AppError('upstream_bad_response', {
      internal: { endpoint: path, problem: 'item total does not match count', count: first.count, received },
    });
  }
  return { skipped: parser.skipped, pages: offsets.length + 1 };
}
