/**
 * npm run bench:audit [-- --quick]: what one customer's audit read costs (what promises.create and
 * payments.register do on every call) as the trail grows from 1k to 1M entries. The file is written
 * in bulk (as years of a real ISP's trail would be), then read: the first read builds the index
 * (once per process), every later one reads that customer's lines only. The whole-trail read is
 * the baseline, measured in the same run.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileAuditTrail } from '../../server/observability/audit';

const quick = process.argv.includes('--quick');
const SIZES = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000, 1_000_000];
/** A customer's own history stays bounded (promises and payments a year); the trail grows by customers and years. */
const ENTRIES_PER_CUSTOMER = 10;
const READS = 200;

function writeTrail(path: string, entries: number): void {
  const lines: string[] = [];
  const at = new Date('2026-01-01T00:00:00Z').toISOString();
  for (let i = 0; i < entries; i++) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    lines.push(
      JSON.stringify({
        type: 'record',
        id,
        at,
        action: 'promise.create',
        keyName: 'bot:wa',
        role: 'bot',
        requestId: `r${i}`,
        serviceId: 1000 + (i % customersOf(entries)),
        invoiceId: String(i),
        amount: null,
        reference: null,
        until: '2026-01-08',
      }),
      JSON.stringify({ type: 'settle', id, at, outcome: 'confirmed', detail: null }),
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const customersOf = (entries: number) => Math.max(1, Math.floor(entries / ENTRIES_PER_CUSTOMER));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const rows: Record<string, unknown>[] = [];
// The service builds the index at start-up (AuditTrail.prepare); the first read here pays it, measured apart.
for (const entries of SIZES) {
  const path = join(mkdtempSync(join(tmpdir(), 'audit-bench-')), 'audit.jsonl');
  writeTrail(path, entries);
  const trail = new FileAuditTrail(path);
  let started = performance.now();
  await trail.list({ serviceId: 1000 });
  const indexMs = performance.now() - started;
  const samples: number[] = [];
  for (let read = 0; read < READS; read++) {
    started = performance.now();
    await trail.list({ serviceId: 1000 + ((read * 7919) % customersOf(entries)) });
    samples.push(performance.now() - started);
  }
  started = performance.now();
  if (entries <= 100_000) await new FileAuditTrail(path).list({ limit: 1 });
  const wholeMs = entries <= 100_000 ? performance.now() - started : null;
  rows.push({
    entries,
    perCustomer: ENTRIES_PER_CUSTOMER,
    firstReadBuildsIndexMs: Math.round(indexMs),
    customerReadMedianMs: Number(median(samples).toFixed(3)),
    wholeTrailReadMs: wholeMs === null ? 'not run' : Math.round(wholeMs),
  });
  console.error(`audit ${entries}: done`);
}
console.log(
  '| entries | entries per customer | first read (builds the index), ms | one customer’s read, median ms | whole-trail read (before), ms |',
);
console.log('|---|---|---|---|---|');
for (const row of rows) {
  console.log(`| ${Object.values(row).join(' | ')} |`);
}
