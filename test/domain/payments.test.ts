import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  addDays,
  normalizeReference,
  type PromiseRules,
  promiseRefusal,
  promiseRefusalMessage,
  receiptKind,
} from '../../server/domain/payments';
import { spanishDate } from '../../server/domain/spanish-dates';
import { heicFile, jpegFile, pdfFile, pngFile } from '../support/files';

const payments = suite('domain: payments, receipts and promises');
const rules: PromiseRules = { maxDays: 7, cooldownDays: 30 };

payments('receipts are what their bytes say all the way through: JPEG, PNG, HEIC, PDF; look-alikes are not', () => {
  assert.is(receiptKind(jpegFile()), 'jpeg');
  assert.is(receiptKind(pngFile()), 'png');
  assert.is(receiptKind(heicFile()), 'heic');
  assert.is(receiptKind(pdfFile()), 'pdf');
  assert.is(receiptKind(new Uint8Array()), null);
  assert.is(receiptKind(new TextEncoder().encode('%PDF')), null, 'a cut header');
  assert.is(receiptKind(new TextEncoder().encode('GIF89a......')), null);
  assert.is(receiptKind(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')), null);
  assert.is(receiptKind(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a])), null, 'a PNG signature one byte short');
  assert.is(receiptKind(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])), null, 'a JPEG header alone');
  assert.is(
    receiptKind(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(8).fill(0)])),
    null,
    'a PNG signature alone',
  );
});

payments('one payment, one reference: case, spaces, dots, dashes and full-width digits do not make another', () => {
  assert.is(normalizeReference('neq-1234 5'), 'NEQ12345');
  assert.is(normalizeReference('NEQ.1234/5'), 'NEQ12345');
  assert.is(normalizeReference('ＮＥＱ１２３４５'), 'NEQ12345');
  assert.is(normalizeReference(' - . '), '');
  assert.is(normalizeReference('Ñandú 1'), 'ÑANDÚ1', 'letters keep their accents');
});

payments('promise dates: from today to maxDays ahead, across the year end', () => {
  const base = { rules, active: null, previous: [] };
  assert.is(promiseRefusal({ ...base, today: '2026-12-28', until: '2026-12-28' }), null, 'today itself');
  assert.is(promiseRefusal({ ...base, today: '2026-12-28', until: '2027-01-04' }), null, 'seven days, next year');
  assert.equal(promiseRefusal({ ...base, today: '2026-12-28', until: '2027-01-05' }), { reason: 'date_too_far', latest: '2027-01-04' });
  assert.equal(promiseRefusal({ ...base, today: '2027-01-01', until: '2026-12-31' }), { reason: 'date_in_past' });
  assert.is(addDays('2028-02-28', 1), '2028-02-29', 'leap day');
});

payments('one active promise at a time; an expired one does not count', () => {
  const base = { today: '2026-11-23', until: '2026-11-25', rules, previous: [] };
  assert.equal(promiseRefusal({ ...base, active: { until: '2026-11-24' } }), { reason: 'already_active', until: '2026-11-24' });
  assert.equal(promiseRefusal({ ...base, active: { until: null } }), { reason: 'already_active', until: null });
  assert.is(promiseRefusal({ ...base, active: { until: '2026-11-22' } }), null);
});

payments('a broken promise (date passed, invoice unpaid) blocks new ones for cooldownDays; a kept one does not', () => {
  const base = { today: '2026-11-23', until: '2026-11-25', rules, active: null };
  const broken = { invoiceId: '1', until: '2026-11-10', invoiceStillUnpaid: true };
  assert.equal(promiseRefusal({ ...base, previous: [broken] }), {
    reason: 'after_broken_promise',
    brokenUntil: '2026-11-10',
    allowedFrom: '2026-12-11',
  });
  assert.is(promiseRefusal({ ...base, previous: [{ ...broken, invoiceStillUnpaid: false }] }), null, 'kept: paid');
  assert.is(promiseRefusal({ ...base, previous: [{ ...broken, until: '2026-11-23' }] }), null, 'still running today');
  assert.is(promiseRefusal({ ...base, today: '2026-12-11', until: '2026-12-12', previous: [broken] }), null, 'cool-down over');
  assert.is(promiseRefusal({ ...base, rules: { ...rules, cooldownDays: 0 }, previous: [broken] }), null, 'no cool-down set');
});

payments('refusals read as Spanish sentences with Spanish dates', () => {
  assert.is(spanishDate('2027-01-04'), '4 de enero de 2027');
  assert.match(promiseRefusalMessage({ reason: 'date_too_far', latest: '2027-01-04' }), /hasta el 4 de enero de 2027/);
  assert.match(
    promiseRefusalMessage({ reason: 'after_broken_promise', brokenUntil: '2026-11-10', allowedFrom: '2026-12-11' }),
    /a partir del 11 de diciembre de 2026/,
  );
  assert.is(promiseRefusalMessage({ reason: 'already_active', until: null }), 'Ya tiene una promesa de pago activa.');
});

payments.run();
