import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type AuditRecord, FileAuditTrail } from '../../server/observability/audit';
import { RedisLink } from '../../server/redis/redis-link';
import { SharedAuditTrail } from '../../server/redis/shared-audit';
import { captureLogs } from '../support/log-capture';
import { redisAvailable, TestRedis } from '../support/redis-server';

/**
 * One customer's audit entries are read through an index (file offsets; per-service Redis lists),
 * never by reading the whole trail, and read exactly as a whole read would have merged them.
 */

const index = suite('gateway: the audit trail read by service id');

const record = (serviceId: number | null, requestId: string): AuditRecord => ({
  action: 'promise.create',
  keyName: 'bot:test',
  role: 'bot',
  requestId,
  serviceId,
  invoiceId: '1',
  amount: null,
  reference: null,
  until: '2026-12-10',
});

const trailPath = () => join(mkdtempSync(join(tmpdir(), 'audit-index-')), 'audit.jsonl');

index('a service’s entries read through the index equal the whole trail filtered, before and after appends', async () => {
  const trail = new FileAuditTrail(trailPath());
  const ids: string[] = [];
  for (let i = 0; i < 30; i++) ids.push(await trail.record(record(1000 + (i % 3), `r${i}`)));
  for (const [i, id] of ids.entries()) if (i % 2 === 0) await trail.settle(id, i % 4 === 0 ? 'confirmed' : 'refused', 'x');
  const whole = async (serviceId: number) => (await trail.list({ limit: 10_000 })).filter((e) => e.serviceId === serviceId);
  assert.equal(await trail.list({ serviceId: 1001, limit: 10_000 }), await whole(1001));
  // The index follows appends made after it was built.
  const late = await trail.record(record(1001, 'late'));
  await trail.settle(late, 'confirmed');
  const after = await trail.list({ serviceId: 1001 });
  assert.is(after[0]!.id, late);
  assert.is(after[0]!.outcome, 'confirmed');
  assert.equal(after, await whole(1001));
  assert.equal(await trail.list({ serviceId: 4242 }), []);
});

index('an index built from a file another process wrote: offsets past a line cut by a crash still land', async () => {
  const path = trailPath();
  const first = new FileAuditTrail(path);
  const a = await first.record(record(7, 'a'));
  appendFileSync(path, '{"type":"record","id":"cut-by-a-cra');
  appendFileSync(path, '\n');
  const second = new FileAuditTrail(path);
  const b = await second.record(record(7, 'b'));
  await second.settle(a, 'confirmed');
  const entries = await new FileAuditTrail(path).list({ serviceId: 7 });
  assert.equal(
    entries.map((entry) => [entry.id, entry.outcome]).sort(),
    [
      [a, 'confirmed'],
      [b, 'unknown'],
    ].sort(),
  );
});

index('a trail without the file yet reads empty, then indexes what is appended', async () => {
  const trail = new FileAuditTrail(trailPath());
  assert.equal(await trail.list({ serviceId: 1 }), []);
  const id = await trail.record(record(1, 'x'));
  assert.is((await trail.list({ serviceId: 1 }))[0]!.id, id);
});

const shared = suite('gateway: the shared audit trail read by service id');
let redis: TestRedis | null = null;
shared.before(async () => {
  if (redisAvailable()) redis = await TestRedis.start();
});
shared.after(async () => {
  await redis?.stop();
});

shared('per-service lists in Redis, settlements found by their record; a stream from before the lists is indexed once', async () => {
  if (!redis) return console.log('  (skipped: no redis-server on this machine)');
  const { logger } = captureLogs('silent');
  const link = await RedisLink.create({ url: redis.url, keyPrefix: `audit-${process.pid}:`, commandTimeoutMs: 500, logger });
  try {
    await link.waitUntilReady(2000);
    // An older stream: events added the old way, without the lists.
    const oldId = 'old-record-1';
    await link.attempt(
      'seed',
      async (client) => {
        await client.xadd(
          link.key('audit'),
          '*',
          'event',
          JSON.stringify({ type: 'record', id: oldId, at: new Date().toISOString(), ...record(55, 'old') }),
        );
        await client.xadd(
          link.key('audit'),
          '*',
          'event',
          JSON.stringify({ type: 'settle', id: oldId, at: new Date().toISOString(), outcome: 'confirmed', detail: null }),
        );
      },
      () => undefined,
    );
    const trail = new SharedAuditTrail(link, new FileAuditTrail(trailPath()));
    const fresh = await trail.record(record(55, 'new'));
    await trail.settle(fresh, 'refused', 'upstream said no');
    await trail.record(record(56, 'other'));
    const entries = await trail.list({ serviceId: 55 });
    assert.equal(
      entries.map((entry) => [entry.id, entry.outcome]).sort(),
      [
        [fresh, 'refused'],
        [oldId, 'confirmed'],
      ].sort(),
    );
    assert.equal(
      entries,
      (await trail.list({ limit: 100 })).filter((entry) => entry.serviceId === 55),
    );
  } finally {
    await link.close();
  }
});

index.run();
shared.run();
