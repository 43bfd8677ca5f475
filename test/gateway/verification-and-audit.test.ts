import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseConfig } from '../../server/config/settings';
import { claimAuditedReferences, LocalPaymentReferences } from '../../server/guards/payment-references';
import { VerificationTokens } from '../../server/guards/verification';
import { FileAuditTrail } from '../../server/observability/audit';
import { readPromise } from '../../server/wisphub/promise-mapper';

const unit = suite('gateway: verification tokens, promesa_pago shapes, the audit file');
const now = new Date('2026-11-23T15:00:00Z');

unit('a token proves one key verified one service id, until it expires', () => {
  const tokens = new VerificationTokens('a-secret-of-at-least-thirty-two-characters', 900);
  const { token, expiresAt } = tokens.issue(7, 'bot:whatsapp', now);
  assert.is(expiresAt.toISOString(), '2026-11-23T15:15:00.000Z');
  assert.equal(tokens.check(token, 'bot:whatsapp', 7, now), { status: 'valid' });
  assert.equal(tokens.check(token, 'bot:whatsapp', 8, now), { status: 'other_service', serviceId: 7 });
  assert.equal(tokens.check(token, 'bot:web', 7, now), { status: 'invalid' }, 'another key');
  assert.is(tokens.check(token, 'bot:whatsapp', 7, new Date(expiresAt.getTime())).status, 'expired');
  assert.equal(tokens.check(null, 'bot:whatsapp', 7, now), { status: 'missing' });
  assert.equal(tokens.check('', 'bot:whatsapp', 7, now), { status: 'missing' });
  for (const junk of ['v1', 'v1.7.1.x', `${token}x`, token.replace('v1.', 'v2.'), token.replace(/\.(\d+)\./, '.9999999999.')]) {
    assert.is(tokens.check(junk, 'bot:whatsapp', 7, now).status, 'invalid', junk);
  }
  const elsewhere = new VerificationTokens('another-secret-of-at-least-thirty-two-chars', 900);
  assert.is(elsewhere.check(token, 'bot:whatsapp', 7, now).status, 'invalid', 'signed with another secret');
});

unit('instances with the same keys share the derived secret; VERIFICATION_SECRET wins; other keys do not', () => {
  const keys = { API_KEYS: 'bot:a=abcdefghijklmnop1234' };
  const first = VerificationTokens.fromConfig(parseConfig(keys), 'dev');
  const second = VerificationTokens.fromConfig(parseConfig(keys), 'dev');
  const { token } = first.issue(7, 'bot:a', now);
  assert.is(second.check(token, 'bot:a', 7, now).status, 'valid');
  const rotated = VerificationTokens.fromConfig(parseConfig({ API_KEYS: 'bot:a=qrstuvwxyz0987654321' }), 'dev');
  assert.is(rotated.check(token, 'bot:a', 7, now).status, 'invalid');
  const secret = 'x'.repeat(40);
  const pinned = VerificationTokens.fromConfig(parseConfig({ ...keys, VERIFICATION_SECRET: secret }), 'dev');
  assert.is(new VerificationTokens(secret, 900).check(pinned.issue(7, 'bot:a', now).token, 'bot:a', 7, now).status, 'valid');
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
