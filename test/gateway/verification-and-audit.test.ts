import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseConfig } from '../../server/config/settings';
import { claimAuditedReferences, LocalPaymentReferences } from '../../server/guards/payment-references';
import { VerificationTokens } from '../../server/guards/verification';
import { fileSecret, resolveVerificationSecret } from '../../server/guards/verification-secret';
import { FileAuditTrail } from '../../server/observability/audit';
import { readPromise } from '../../server/wisphub/promise-mapper';

const unit = suite('gateway: verification tokens, promesa_pago shapes, the audit file');
const now = new Date('2026-11-23T15:00:00Z');

unit('a token proves one key and one end user verified one service id, until it expires', () => {
  const tokens = new VerificationTokens('a-secret-of-at-least-thirty-two-characters', 900);
  const whatsapp = { keyName: 'bot:whatsapp', endUser: 'wa-hash-1' };
  const { token, expiresAt } = tokens.issue(7, whatsapp, now);
  assert.is(expiresAt.toISOString(), '2026-11-23T15:15:00.000Z');
  assert.equal(tokens.check(token, whatsapp, 7, now), { status: 'valid' });
  assert.equal(tokens.check(token, whatsapp, 8, now), { status: 'other_service', serviceId: 7 });
  assert.equal(tokens.check(token, { ...whatsapp, keyName: 'bot:web' }, 7, now), { status: 'invalid' }, 'another key');
  assert.equal(tokens.check(token, { ...whatsapp, endUser: 'wa-hash-2' }, 7, now), { status: 'invalid' }, 'another end user');
  assert.equal(tokens.check(token, { ...whatsapp, endUser: null }, 7, now), { status: 'invalid' }, 'no end user');
  assert.is(tokens.check(token, whatsapp, 7, new Date(expiresAt.getTime())).status, 'expired');
  assert.equal(tokens.check(null, whatsapp, 7, now), { status: 'missing' });
  assert.equal(tokens.check('', whatsapp, 7, now), { status: 'missing' });
  for (const junk of [
    'v2',
    'v2.7.1.x',
    `${token}x`,
    token.replace('v2.', 'v1.'),
    token.replace(/\.(\d+)\./, '.9999999999.'),
    token.replace('v2.7.', 'v2.07.'),
  ]) {
    assert.is(tokens.check(junk, whatsapp, 7, now).status, 'invalid', junk);
  }
  const elsewhere = new VerificationTokens('another-secret-of-at-least-thirty-two-chars', 900);
  assert.is(elsewhere.check(token, whatsapp, 7, now).status, 'invalid', 'signed with another secret');
  assert.is(tokens.verifiedServiceId(token, whatsapp, now), 7);
  assert.is(tokens.verifiedServiceId(token, { ...whatsapp, endUser: null }, now), null);
});

unit('a correctly signed token that expires later than now + TTL is refused (no far-future tokens)', () => {
  const secret = 's'.repeat(40);
  const longLived = new VerificationTokens(secret, 86_400);
  const strict = new VerificationTokens(secret, 900);
  const holder = { keyName: 'bot:a', endUser: null };
  const { token } = longLived.issue(7, holder, now);
  assert.is(longLived.check(token, holder, 7, now).status, 'valid');
  assert.is(strict.check(token, holder, 7, now).status, 'invalid', 'a day ahead, under a 15-minute TTL');
  assert.is(strict.check(token, holder, 7, new Date(now.getTime() + 86_000_000)).status, 'valid', 'within TTL of its expiry');
});

unit('the secret: VERIFICATION_SECRET wins; else the shared store; else a 0600 file every instance reads; never the keys', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wisphub-secret-'));
  const file = join(dir, 'nested', 'secret');
  const configured = await resolveVerificationSecret({ configured: 'x'.repeat(40), filePath: file, shared: null });
  assert.is(configured.source, 'config');
  const first = await resolveVerificationSecret({ configured: undefined, filePath: file, shared: null });
  const second = await resolveVerificationSecret({ configured: undefined, filePath: file, shared: null });
  assert.is(first.source, 'file');
  assert.ok(first.secret.equals(second.secret), 'a second instance reads the same file');
  assert.is(first.secret.length, 32);
  assert.is(statSync(file).mode & 0o777, 0o600);
  let stored: Buffer | null = null;
  const store = async (candidate: Buffer) => {
    stored ??= candidate;
    return stored;
  };
  const a = await resolveVerificationSecret({ configured: undefined, filePath: file, shared: store });
  const b = await resolveVerificationSecret({ configured: undefined, filePath: file, shared: store });
  assert.is(a.source, 'redis');
  assert.ok(a.secret.equals(b.secret), 'the first instance’s secret wins in the shared store');
  assert.not.ok(a.secret.equals(first.secret));
  const down = await resolveVerificationSecret({ configured: undefined, filePath: file, shared: async () => null });
  assert.is(down.source, 'file', 'Redis unreachable: the file');
  writeFileSync(join(dir, 'junk'), 'short\n');
  assert.throws(() => fileSecret(join(dir, 'junk')), /does not hold/);
  assert.throws(() => new VerificationTokens('too-short', 900), /32 bytes/);
});

unit('config: a real WispHub host requires VERIFICATION_SECRET', () => {
  const real = {
    WISPHUB_NET_HOST: 'https://api.wisphub.net',
    WISPHUB_NET_KEY: `${'a'.repeat(8)}.${'b'.repeat(32)}`,
    API_KEYS: 'bot:a=abcdefghijklmnop1234',
  };
  assert.throws(() => parseConfig(real), /VERIFICATION_SECRET: required/);
  assert.ok(parseConfig({ ...real, VERIFICATION_SECRET: 'v'.repeat(40) }));
});

unit('promesa_pago: none, a date, an object in either date format, true; an unknown shape is a 502, never "no promise"', () => {
  for (const none of [undefined, null, false, '', {}]) assert.is(readPromise({ promesa_pago: none }), null, JSON.stringify(none));
  assert.equal(readPromise({ promesa_pago: '2026-11-27' }), { until: '2026-11-27', invoiceId: null });
  assert.equal(readPromise({ promesa_pago: { id_factura: 812, fecha_limite: '27/11/2026' } }), { until: '2026-11-27', invoiceId: '812' });
  assert.equal(readPromise({ promesa_pago: { fecha: '2026-11-27T00:00:00' } }), { until: '2026-11-27', invoiceId: null });
  assert.equal(readPromise({ promesa_pago: true }), { until: null, invoiceId: null });
  for (const unknown of [3, 'mañana', { estado: 'activa' }, ['2026-11-27']]) {
    assert.throws(
      () => readPromise({ promesa_pago: unknown }),
      (error: unknown) => (error as { reason?: string }).reason === 'upstream_bad_response',
      JSON.stringify(unknown),
    );
  }
});

unit('the audit file: recorded then settled; a record without settlement reads unknown; a cut last line is skipped', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'audit-')), 'audit.jsonl');
  const trail = new FileAuditTrail(path);
  const base = { keyName: 'desk', role: 'operator' as const, requestId: 'r1', serviceId: 7, invoiceId: '701', amount: 45000 };
  const settled = await trail.record({ ...base, action: 'payment.register', reference: 'CAJA-1' });
  await trail.settle(settled, 'confirmed');
  const crashed = await trail.record({ ...base, action: 'payment.register', reference: 'CAJA-2', requestId: 'r2' });
  writeFileSync(path, `${readFileSync(path, 'utf8')}{"type":"settle","id":"${crashed}","out`); // a crash mid-write
  const entries = await new FileAuditTrail(path).list({ serviceId: 7 });
  assert.equal(entries.map((entry) => [entry.reference, entry.outcome]).sort(), [
    ['CAJA-1', 'confirmed'],
    ['CAJA-2', 'unknown'],
  ]);
  assert.equal(await trail.list({ serviceId: 8 }), []);
  // A restarted single instance re-claims both references (confirmed, and unknown: it may have landed).
  const references = new LocalPaymentReferences();
  assert.is(await claimAuditedReferences(references, entries), 2);
  assert.is(await references.claim('register', 'CAJA2', 'someone-else'), `audit:${crashed}`);
});

unit.run();
