import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { AppError } from '../../server/errors';
import { fetchAllPages, streamAllPages } from '../../server/wisphub/paginate';
import { type Query, UpstreamNotFoundError, type UpstreamTransport } from '../../server/wisphub/transport';

/**
 * Full pagination against a scripted upstream that holds every answer until the test releases it,
 * so "one round trip" is checked as "every page was asked for before any answer came back".
 */

interface Pending {
  offset: number;
  limit: number;
  release(): void;
}

function scriptedUpstream(collection: { size: number; maxPageSize?: number; notFoundPastEnd?: boolean; lastFirst?: boolean }) {
  const pending: Pending[] = [];
  const asked: number[] = [];
  const transport = {
    get(_path: string, query: Query = {}): Promise<unknown> {
      const offset = Number(query.offset ?? 0);
      const limit = Math.min(Number(query.limit ?? 100), collection.maxPageSize ?? Number.POSITIVE_INFINITY);
      asked.push(offset);
      return new Promise((resolve, reject) => {
        pending.push({
          offset,
          limit,
          release() {
            if (collection.notFoundPastEnd && offset >= collection.size) {
              reject(new UpstreamNotFoundError('/api/clientes/', false));
              return;
            }
            const ids = Array.from({ length: Math.max(0, Math.min(limit, collection.size - offset)) }, (_, i) => ({ id: offset + i }));
            resolve({ count: collection.size, next: null, results: ids });
          },
        });
      });
    },
  } as unknown as UpstreamTransport;
  /** Answers everything asked so far; returns how many were in flight together. */
  const releaseAll = async (): Promise<number> => {
    await new Promise((resolve) => setImmediate(resolve));
    const batch = pending.splice(0);
    if (collection.lastFirst) batch.reverse();
    for (const call of batch) call.release();
    return batch.length;
  };
  return { transport, asked, releaseAll };
}

const options = { pageSize: 250, concurrency: 10, logger: pino({ level: 'silent' }) };
const item = z.object({ id: z.number() });

/** A stream consumer that keeps what it was handed (ids in order) and counts restarts. */
function collector(onPage: (items: { id: number }[]) => void = () => {}) {
  const state = { ids: [] as number[], restarts: 0 };
  const consumer = {
    page(items: { id: number }[]) {
      state.ids.push(...items.map((entry) => entry.id));
      onPage(items);
    },
    restart() {
      state.ids = [];
      state.restarts++;
    },
  };
  return { state, consumer };
}

/** Runs a load to the end, answering round by round; the sizes of the rounds. */
async function rounds<T>(load: Promise<T>, releaseAll: () => Promise<number>): Promise<{ result: T; rounds: number[] }> {
  let done = false;
  const settled = load.finally(() => {
    done = true;
  });
  const sizes: number[] = [];
  while (!done) {
    const released = await releaseAll();
    if (released > 0) sizes.push(released);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { result: await settled, rounds: sizes };
}

const paging = suite('gateway: full pagination');

paging('a first load asks for the first page, then every other page at once: two rounds', async () => {
  const upstream = scriptedUpstream({ size: 1000 });
  const { result, rounds: sizes } = await rounds(
    fetchAllPages(upstream.transport, '/api/clientes/', {}, item, options),
    upstream.releaseAll,
  );
  assert.equal(sizes, [1, 3]);
  assert.is(result.items.length, 1000);
});

paging('a reload of a collection whose size is known asks for every page at once: one round', async () => {
  const upstream = scriptedUpstream({ size: 1000 });
  const load = fetchAllPages(upstream.transport, '/api/clientes/', {}, item, options, { knownCount: 1000 });
  const { result, rounds: sizes } = await rounds(load, upstream.releaseAll);
  assert.equal(sizes, [4]);
  assert.equal(upstream.asked, [0, 250, 500, 750]);
  assert.equal(
    result.items.map((entry) => entry.id),
    Array.from({ length: 1000 }, (_, i) => i),
  );
});

paging('a collection that grew since: the pages past the known size follow in a second round', async () => {
  const upstream = scriptedUpstream({ size: 1100 });
  const load = fetchAllPages(upstream.transport, '/api/clientes/', {}, item, options, { knownCount: 1000 });
  const { result, rounds: sizes } = await rounds(load, upstream.releaseAll);
  assert.equal(sizes, [4, 1]);
  assert.is(result.items.length, 1100);
  assert.is(result.items.at(-1)?.id, 1099);
});

paging('a collection that shrank since: one round, the empty page past the end is fine', async () => {
  const upstream = scriptedUpstream({ size: 700 });
  const load = fetchAllPages(upstream.transport, '/api/clientes/', {}, item, options, { knownCount: 1000 });
  const { result, rounds: sizes } = await rounds(load, upstream.releaseAll);
  assert.equal(sizes, [4]);
  assert.is(result.items.length, 700);
});

paging('upstream capping the page size leaves gaps: the load starts again from a first page and is complete', async () => {
  const upstream = scriptedUpstream({ size: 1000, maxPageSize: 100 });
  const load = fetchAllPages(upstream.transport, '/api/clientes/', {}, item, options, { knownCount: 1000 });
  const { result } = await rounds(load, upstream.releaseAll);
  assert.equal(
    result.items.map((entry) => entry.id),
    Array.from({ length: 1000 }, (_, i) => i),
  );
});

paging('an offset past the end answered 404 instead of an empty page: still one round, nothing handed over twice', async () => {
  const upstream = scriptedUpstream({ size: 600, notFoundPastEnd: true });
  const { state, consumer } = collector();
  const load = streamAllPages(upstream.transport, '/api/clientes/', {}, item, options, consumer, { knownCount: 1000 });
  const { rounds: sizes } = await rounds(load, upstream.releaseAll);
  assert.equal(sizes, [4]);
  assert.equal(
    state.ids,
    Array.from({ length: 600 }, (_, i) => i),
  );
  assert.is(state.restarts, 0);
});

paging('a 404 inside the collection is a gap, not an end: the load starts again from a first page and is complete', async () => {
  const upstream = scriptedUpstream({ size: 1000 });
  let gapAnswered = false;
  const transport = {
    get(path: string, query: Query = {}) {
      // The page at 500 answers 404 once (a gap), then as usual.
      if (Number(query.offset) === 500 && !gapAnswered) {
        gapAnswered = true;
        return Promise.reject(new UpstreamNotFoundError('/api/clientes/', false));
      }
      return upstream.transport.get(path, query);
    },
  } as unknown as UpstreamTransport;
  const { state, consumer } = collector();
  const load = streamAllPages(transport, '/api/clientes/', {}, item, options, consumer, { knownCount: 1000 });
  await rounds(load, upstream.releaseAll);
  assert.is(state.restarts, 1);
  // The discovery load hands the first page over last (it is parsed in slices): order by id.
  assert.equal(
    [...state.ids].sort((x, y) => x - y),
    Array.from({ length: 1000 }, (_, i) => i),
  );
});

paging('pages of an attempt that did not tile are never handed over after the restart, nor twice', async () => {
  // Capped at 100: every page of the known-size attempt is short except the last (90 left at 750),
  // which passes; whatever order they come in, the stream holds each item once in the end.
  for (const lastFirst of [false, true]) {
    const upstream = scriptedUpstream({ size: 840, maxPageSize: 100, lastFirst });
    const { state, consumer } = collector();
    const load = streamAllPages(upstream.transport, '/api/clientes/', {}, item, options, consumer, { knownCount: 1000 });
    await rounds(load, upstream.releaseAll);
    assert.equal(
      [...state.ids].sort((a, b) => a - b),
      Array.from({ length: 840 }, (_, i) => i),
      `lastFirst ${String(lastFirst)}`,
    );
  }
});

paging('a page of an abandoned attempt that answers after the restart is dropped', async () => {
  const upstream = scriptedUpstream({ size: 840, maxPageSize: 100 });
  let releaseLate: () => void = () => {};
  const transport = {
    get(path: string, query: Query = {}) {
      // The attempt's last page (90 items left at 750: it tiles) answers only after the load is over.
      if (Number(query.offset) === 750 && Number(query.limit) === 250) {
        return new Promise((resolve) => {
          releaseLate = () => resolve({ count: 840, next: null, results: Array.from({ length: 90 }, (_, i) => ({ id: 750 + i })) });
        });
      }
      return upstream.transport.get(path, query);
    },
  } as unknown as UpstreamTransport;
  const { state, consumer } = collector();
  const load = streamAllPages(transport, '/api/clientes/', {}, item, options, consumer, { knownCount: 1000 });
  await rounds(load, upstream.releaseAll);
  releaseLate();
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
  assert.is(state.ids.length, 840);
  assert.is(new Set(state.ids).size, 840);
});

paging(
  'a guessed size: one round when the collection fits, pages past the first tried once, a failed one asked again with retries',
  async () => {
    const upstream = scriptedUpstream({ size: 700 });
    const tries: { offset: number; retries: number | undefined }[] = [];
    let failed = false;
    const transport = {
      get(path: string, query: Query = {}, options: { retries?: number } = {}) {
        tries.push({ offset: Number(query.offset), retries: options.retries });
        if (Number(query.offset) === 500 && !failed) {
          failed = true;
          return Promise.reject(new AppError('upstream_unavailable'));
        }
        return upstream.transport.get(path, query);
      },
    } as unknown as UpstreamTransport;
    const { state, consumer } = collector();
    const load = streamAllPages(transport, '/api/clientes/', {}, item, options, consumer, { guessedCount: 1000 });
    const { rounds: sizes } = await rounds(load, upstream.releaseAll);
    // Four at once (500 fails at once, unanswered), then 500 again.
    assert.equal(sizes, [3, 1]);
    assert.equal(tries, [
      { offset: 0, retries: undefined },
      { offset: 250, retries: 0 },
      { offset: 500, retries: 0 },
      { offset: 750, retries: 0 },
      { offset: 500, retries: undefined },
    ]);
    assert.equal(
      [...state.ids].sort((x, y) => x - y),
      Array.from({ length: 700 }, (_, i) => i),
    );
  },
);

paging('a guessed size the collection outgrew: the pages past it follow from count', async () => {
  const upstream = scriptedUpstream({ size: 1600 });
  const load = fetchAllPages(upstream.transport, '/api/clientes/', {}, item, options, { guessedCount: 1000 });
  const { result, rounds: sizes } = await rounds(load, upstream.releaseAll);
  assert.equal(sizes, [4, 3]);
  assert.equal(
    result.items.map((entry) => entry.id),
    Array.from({ length: 1600 }, (_, i) => i),
  );
});

paging('every page is handed over as it arrives, the first included', async () => {
  const upstream = scriptedUpstream({ size: 1000 });
  const seen: number[] = [];
  const load = streamAllPages(
    upstream.transport,
    '/api/clientes/',
    {},
    item,
    options,
    collector((items) => seen.push(items.length)).consumer,
  );
  await rounds(load, upstream.releaseAll);
  assert.equal(seen, [250, 250, 250, 250]);
});

paging('pages that arrive last first: the collection keeps upstream order, the stream hands them over as they come', async () => {
  const upstream = scriptedUpstream({ size: 1000, lastFirst: true });
  const { result } = await rounds(fetchAllPages(upstream.transport, '/api/clientes/', {}, item, options), upstream.releaseAll);
  assert.equal(
    result.items.map((entry) => entry.id),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  const streamed = scriptedUpstream({ size: 1000, lastFirst: true });
  const firstIds: number[] = [];
  await rounds(
    streamAllPages(streamed.transport, '/api/clientes/', {}, item, options, collector((items) => firstIds.push(items[0]!.id)).consumer),
    streamed.releaseAll,
  );
  // The first page is parsed in slices while the others are in flight; here they answer at once,
  // so they are handed over (last first, as they came) before the first page's last slice.
  assert.equal(firstIds, [750, 500, 250, 0]);
});

paging(
  'the first page is parsed in slices: the event loop turns while it is parsed, so the requests just asked for reach the wire',
  async () => {
    const upstream = scriptedUpstream({ size: 4000 });
    // A request on a new connection needs a few turns of the event loop (connect, then write): model it as three.
    const onTheWire = new Set<number>();
    const transport = {
      get(path: string, query: Query = {}) {
        const offset = Number(query.offset ?? 0);
        setImmediate(() => setImmediate(() => setImmediate(() => onTheWire.add(offset))));
        return upstream.transport.get(path, query);
      },
    } as unknown as UpstreamTransport;
    let sentWhenFirstPageHandedOver = -1;
    const { consumer } = collector((items) => {
      if (items[0]?.id === 0) sentWhenFirstPageHandedOver = [...onTheWire].filter((offset) => offset > 0).length;
    });
    const load = streamAllPages(transport, '/api/clientes/', {}, item, { ...options, pageSize: 1000 }, consumer);
    // Only the first page is answered until it has been handed over.
    await upstream.releaseAll();
    while (sentWhenFirstPageHandedOver === -1) await new Promise((resolve) => setImmediate(resolve));
    assert.is(sentWhenFirstPageHandedOver, 3);
    await rounds(load, upstream.releaseAll);
  },
);

paging('a later page that fails while the first is parsed fails the load, and its failure is never left unhandled', async () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', record);
  try {
    const firstPage = { count: 3000, next: null, results: Array.from({ length: 1000 }, (_, i) => ({ id: i })) };
    const transport = {
      get(_path: string, query: Query = {}) {
        // The first page at once; every other page fails on the next turn, before the first page's slices are done.
        if (Number(query.offset ?? 0) === 0) return Promise.resolve(firstPage);
        return new Promise((_, reject) => setImmediate(() => reject(new AppError('upstream_unavailable'))));
      },
    } as unknown as UpstreamTransport;
    let handedOver = 0;
    const counting = collector(() => handedOver++).consumer;
    const error = await streamAllPages(transport, '/api/clientes/', {}, item, { ...options, pageSize: 1000 }, counting).catch(
      (caught: unknown) => caught,
    );
    assert.instance(error, AppError);
    assert.is((error as AppError).reason, 'upstream_unavailable');
    // Turns for any unhandled rejection to be reported.
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(unhandled, []);
    assert.ok(handedOver <= 1);
  } finally {
    process.off('unhandledRejection', record);
  }
});

paging('a count that changes between pages fails the load: nothing partial', async () => {
  let calls = 0;
  const transport = {
    async get(_path: string, query: Query = {}) {
      calls++;
      const offset = Number(query.offset ?? 0);
      return { count: calls === 3 ? 1001 : 1000, next: null, results: Array.from({ length: 250 }, (_, i) => ({ id: offset + i })) };
    },
  } as unknown as UpstreamTransport;
  try {
    await fetchAllPages(transport, '/api/clientes/', {}, item, options, { knownCount: 1000 });
    assert.unreachable('a changing count must fail');
  } catch (error) {
    assert.instance(error, AppError);
    assert.is((error as AppError).reason, 'upstream_bad_response');
  }
});

paging.run();
