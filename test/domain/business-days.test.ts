import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addBusinessDays, isBusinessDay, toIsoWithOffset, toLocal, toUpstreamDateTime } from '../../server/domain/business-days';
import { colombianHolidays, easterSunday, toIsoDate } from '../../server/domain/holidays';

const holidays = suite('domain: Colombian holidays');
holidays('Easter Sunday for several years', () => {
  assert.is(toIsoDate(easterSunday(2024)), '2024-03-31');
  assert.is(toIsoDate(easterSunday(2025)), '2025-04-20');
  assert.is(toIsoDate(easterSunday(2026)), '2026-04-05');
  assert.is(toIsoDate(easterSunday(2027)), '2027-03-28');
  assert.is(toIsoDate(easterSunday(2038)), '2038-04-25');
});
holidays('2026: the official list of 18 days', () => {
  assert.equal([...colombianHolidays(2026)].sort(), [
    '2026-01-01',
    '2026-01-12',
    '2026-03-23',
    '2026-04-02',
    '2026-04-03',
    '2026-05-01',
    '2026-05-18',
    '2026-06-08',
    '2026-06-15',
    '2026-06-29',
    '2026-07-20',
    '2026-08-07',
    '2026-08-17',
    '2026-10-12',
    '2026-11-02',
    '2026-11-16',
    '2026-12-08',
    '2026-12-25',
  ]);
});
holidays('Easter-based days of 2025 and 2027; a holiday already on Monday stays', () => {
  const h2025 = colombianHolidays(2025);
  for (const day of ['2025-04-17', '2025-04-18', '2025-06-02', '2025-06-23', '2025-06-30', '2025-01-06']) assert.ok(h2025.has(day), day);
  const h2027 = colombianHolidays(2027);
  for (const day of ['2027-03-25', '2027-03-26', '2027-03-22', '2027-01-11', '2027-05-10', '2027-05-31', '2027-06-07'])
    assert.ok(h2027.has(day), day);
  assert.not.ok(h2027.has('2027-01-06'), 'Epiphany moved to Monday the 11th');
});
holidays.run();

const days = suite('domain: business days');
const at = (date: string, hour = 9, minute = 0) => ({ date, hour, minute });

days('the issue example: Wednesday 2026-04-01 09:00 + 2 → Tuesday 2026-04-07 09:00 (Holy week)', () => {
  assert.equal(addBusinessDays(at('2026-04-01'), 2), at('2026-04-07'));
});
days('plain week and weekend skipping', () => {
  assert.equal(addBusinessDays(at('2026-11-24'), 3), at('2026-11-27'));
  assert.equal(addBusinessDays(at('2026-11-27'), 1), at('2026-11-30'));
  assert.equal(addBusinessDays(at('2026-11-27', 16, 45), 3), at('2026-12-02', 16, 45));
});
days('start on a weekend or holiday: the first day counted is the next business day', () => {
  assert.equal(addBusinessDays(at('2026-11-28'), 1), at('2026-11-30'));
  assert.equal(addBusinessDays(at('2026-12-08'), 1), at('2026-12-09'));
  assert.equal(addBusinessDays(at('2026-11-16'), 1), at('2026-11-17'));
});
days('year crossing: New Year and Epiphany moved to Monday of the new year', () => {
  assert.equal(addBusinessDays(at('2026-12-30'), 3), at('2027-01-05'));
  assert.equal(addBusinessDays(at('2026-12-31'), 5), at('2027-01-08'));
  assert.equal(addBusinessDays(at('2026-12-31'), 6), at('2027-01-12'));
  assert.equal(addBusinessDays(at('2026-12-24'), 1), at('2026-12-28'));
});
days('extra holidays are skipped too', () => {
  const extra = new Set(['2026-12-24', '2026-12-31']);
  assert.equal(addBusinessDays(at('2026-12-23'), 1, extra), at('2026-12-28'));
  assert.equal(addBusinessDays(at('2026-12-30'), 1, extra), at('2027-01-04'));
  assert.not.ok(isBusinessDay('2026-12-31', extra));
  assert.ok(isBusinessDay('2026-12-31', new Set()));
});
days('zero days keeps the start', () => {
  assert.equal(addBusinessDays(at('2026-11-28', 10), 0), at('2026-11-28', 10));
});
days('local time in America/Bogota, across the UTC date line, with offset', () => {
  assert.equal(toLocal(new Date('2026-04-01T14:00:00Z'), 'America/Bogota'), at('2026-04-01', 9));
  assert.equal(toLocal(new Date('2026-04-02T03:30:00Z'), 'America/Bogota'), at('2026-04-01', 22, 30));
  assert.is(toIsoWithOffset(at('2026-04-07'), 'America/Bogota'), '2026-04-07T09:00:00-05:00');
  assert.is(toUpstreamDateTime(at('2026-04-07', 9, 5)), '07/04/2026 09:05');
  assert.is(toIsoWithOffset(at('2026-07-01'), 'Europe/Madrid'), '2026-07-01T09:00:00+02:00');
});
days.run();
