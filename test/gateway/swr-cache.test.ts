import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SwrCache } from '../../server/upstream/swr-cache';

const cache = suite('gateway: SwrCache.settled waits for running loads');

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

cache('resolves at once with nothing loading, after every running load otherwise (failed ones too)', async () => {
  const swr = new SwrCache<number>({ name: 'test', freshMs: 1000, staleMs: 1000 });
  await swr.settled();
  const first = deferred<number>();
  const second = deferred<number>();
  const a = swr.get('a', () => first.promise);
  const b = swr.get('b', () => second.promise).catch(() => 'failed');
  let settled = false;
  const waiting = swr.settled().then(() => {
    settled = true;
  });
  first.resolve(1);
  await a;
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(settled, false, 'one load still running');
  second.reject(new Error('upstream down'));
  await b;
  await waiting;
  assert.is(settled, true);
  assert.is(swr.peek('a'), 1);
});

cache.run();
