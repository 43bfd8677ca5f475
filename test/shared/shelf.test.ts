/**
 * The shelf contract, in memory and in a real redis-server: a value kept is read back until its
 * time is up, a claim succeeds once, a delete forgets; in Redis, a second link (another instance)
 * reads what the first kept.
 */

import pino from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalShelf, type Shelf } from '../../server/guards/shelf';
import { RedisLink } from '../../server/redis/redis-link';
import { SharedShelf } from '../../server/redis/shared-shelf';
import { redisAvailable, TestRedis } from '../support/redis-server';

const shelves = suite('shelves: small records kept a while, in memory and in Redis');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function contract(make: (ttlMs: number) => Shelf<{ n: number }>, other: (ttlMs: number) => Shelf<{ n: number }>): Promise<void> {
  const shelf = make(300);
  assert.is(await shelf.get('a'), null);
  await shelf.put('a', { n: 1 });
  assert.equal(await shelf.get('a'), { n: 1 });
  assert.equal(await other(300).get('a'), { n: 1 }, 'another handle on the same store reads it');
  assert.is(await shelf.claim('a', { n: 2 }), false, 'a held key cannot be claimed');
  assert.is(await shelf.claim('b', { n: 3 }), true);
  assert.is(await other(300).claim('b', { n: 4 }), false, 'nor by anyone else');
  await shelf.delete('a');
  assert.is(await shelf.get('a'), null);
  await pause(450);
  assert.is(await shelf.get('b'), null, 'forgotten when its time is up');
  assert.is(await shelf.claim('b', { n: 5 }), true, 'and claimable again');
}

shelves('in memory', async () => {
  const local = new LocalShelf<{ n: number }>(300);
  await contract(
    () => local,
    () => local,
  );
});

shelves('in Redis, through two links (two instances)', async () => {
  if (!redisAvailable()) return;
  const redis = await TestRedis.start();
  const options = { url: redis.url, keyPrefix: 'shelf-test:', commandTimeoutMs: 500, logger: pino({ level: 'silent' }) };
  const [first, second] = await Promise.all([RedisLink.create(options), RedisLink.create(options)]);
  try {
    await Promise.all([first.waitUntilReady(2000), second.waitUntilReady(2000)]);
    await contract(
      (ttlMs) => new SharedShelf(first, 'things', ttlMs),
      (ttlMs) => new SharedShelf(second, 'things', ttlMs),
    );
  } finally {
    await Promise.all([first.close(), second.close()]);
    await redis.stop();
  }
});

shelves.run();
