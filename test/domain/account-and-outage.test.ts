import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { accountStatus, daysPastDue, invoiceDaysOverdue, type PendingInvoice, summarizeAccount } from '../../server/domain/account';
import { activeOutages, isConnectivitySubject, outageMessage, routerOutage } from '../../server/domain/outage';
import { AppError } from '../../server/errors';
import { toBalance, upstreamDate } from '../../server/wisphub/balance-mapper';
import { makeClient } from './fixtures';

const thresholds = { overdueAfterDays: 1, seriouslyOverdueAfterDays: 30 };
const invoice = (daysOverdue: number, amount = 45000): PendingInvoice => ({ id: String(daysOverdue), amount, dueDate: null, daysOverdue });

const account = suite('domain: account balance');

account('days past due: same day, future, across a year end and a leap day', () => {
  assert.is(daysPastDue('2026-11-23', '2026-11-23'), 0);
  assert.is(daysPastDue('2026-11-30', '2026-11-23'), 0, 'not yet due is 0, never negative');
  assert.is(daysPastDue('2026-12-31', '2027-01-01'), 1);
  assert.is(daysPastDue('2026-12-01', '2027-01-30'), 60);
  assert.is(daysPastDue('2028-02-28', '2028-03-01'), 2, '2028 is a leap year');
  assert.is(daysPastDue('not-a-date', '2026-11-23'), 0);
});

account('days overdue: the due date wins over upstream’s count; upstream’s count without a date; never negative', () => {
  assert.is(invoiceDaysOverdue('2026-11-20', 99, '2026-11-23'), 3);
  assert.is(invoiceDaysOverdue(null, 12, '2026-11-23'), 12);
  assert.is(invoiceDaysOverdue(null, 12.7, '2026-11-23'), 12);
  assert.is(invoiceDaysOverdue(null, -4, '2026-11-23'), 0);
  assert.is(invoiceDaysOverdue(null, null, '2026-11-23'), 0);
});

account('status at the thresholds', () => {
  assert.is(accountStatus(0, thresholds), 'up_to_date');
  assert.is(accountStatus(1, thresholds), 'overdue');
  assert.is(accountStatus(29, thresholds), 'overdue');
  assert.is(accountStatus(30, thresholds), 'seriously_overdue');
  assert.is(accountStatus(400, thresholds), 'seriously_overdue');
  assert.is(accountStatus(4, { overdueAfterDays: 5, seriouslyOverdueAfterDays: 60 }), 'up_to_date');
  assert.is(accountStatus(5, { overdueAfterDays: 5, seriouslyOverdueAfterDays: 60 }), 'overdue');
});

account('summary: nothing owed, a balance without invoices, a credit, invoices not yet due, overdue', () => {
  const clear = summarizeAccount(0, [], thresholds);
  assert.equal([clear.totalOwed, clear.status, clear.maxDaysOverdue], [0, 'up_to_date', 0]);
  assert.match(clear.message, /al día/);
  assert.is(summarizeAccount(null, [], thresholds).totalOwed, 0);
  const credit = summarizeAccount(-15000, [], thresholds);
  assert.equal([credit.totalOwed, credit.credit, credit.status], [0, 15000, 'up_to_date'], 'a credit owes nothing');
  assert.match(credit.message, /saldo a favor de \$15\.000/);
  assert.is(summarizeAccount(30000, [], thresholds).credit, 0);
  const debtOnly = summarizeAccount(30000, [], thresholds);
  assert.is(debtOnly.totalOwed, 30000, 'a debt without an open invoice is still owed');
  assert.is(debtOnly.status, 'up_to_date');
  const notDue = summarizeAccount(45000, [invoice(0)], thresholds);
  assert.equal([notDue.totalOwed, notDue.status], [45000, 'up_to_date']);
  assert.match(notDue.message, /\$45\.000/);
  const late = summarizeAccount(90000, [invoice(3), invoice(33, 45000.5)], thresholds);
  assert.equal([late.totalOwed, late.maxDaysOverdue, late.status], [90000.5, 33, 'seriously_overdue']);
  assert.match(late.message, /33 días de mora/);
  assert.match(summarizeAccount(45000, [invoice(1)], thresholds).message, /1 día\(s\) de vencido/);
});

const mapper = suite('gateway: balance shapes');
const record = {
  id_servicio: 1234,
  saldo_actual: '90000.00',
  fecha_ultimo_pago: '5/10/2026',
  estado_facturas: 'Vencida',
  facturas_pendientes: [
    { id_factura: 123401, monto: '45000.00', fecha_vencimiento: '06/10/2026', dias_vencido: '48' },
    { id_factura: '123402', monto: 45000, fecha_vencimiento: '2026-11-05', dias_vencido: 18 },
  ],
};
const expected = {
  balance: 90000,
  lastPaymentDate: '2026-10-05',
  billingStatus: 'Vencida',
  invoices: [
    { id: '123401', amount: 45000, dueDate: '2026-10-06', daysOverdue: 48 },
    { id: '123402', amount: 45000, dueDate: '2026-11-05', daysOverdue: 18 },
  ],
};

mapper('bare, one-item list and paginated records read the same; numbers as strings become numbers', () => {
  assert.equal(toBalance(record, 1234), expected);
  assert.equal(toBalance([record], 1234), expected);
  assert.equal(toBalance({ count: 1, next: null, previous: null, results: [record] }, 1234), expected);
});

mapper('no record, or no invoices list: nothing pending', () => {
  assert.equal(toBalance([], 1234), { balance: null, lastPaymentDate: null, billingStatus: null, invoices: [] });
  assert.equal(toBalance({ count: 0, next: null, results: [] }, 1234).invoices, []);
  assert.equal(toBalance({ saldo_actual: 0, facturas_pendientes: null }, 1234), {
    balance: 0,
    lastPaymentDate: null,
    billingStatus: null,
    invoices: [],
  });
});

mapper('several records: only the client’s own; another client’s or an unreadable invoice fails (money is never guessed)', () => {
  assert.equal(toBalance([{ ...record, id_servicio: 9 }, record], 1234), expected);
  const fails = (body: unknown) => {
    try {
      toBalance(body, 1234);
      assert.unreachable('should fail');
    } catch (error) {
      assert.instance(error, AppError);
      assert.is((error as AppError).reason, 'upstream_bad_response');
    }
  };
  fails([
    { ...record, id_servicio: 9 },
    { ...record, id_servicio: 10 },
  ]);
  fails({ ...record, id_servicio: 9 });
  fails({ ...record, facturas_pendientes: [{ id_factura: 1, monto: 'cuarenta mil' }] });
  fails({ ...record, facturas_pendientes: [{ monto: '1000' }] });
  fails('<html>');
});

mapper('production shape {nombre, saldo, facturas: [{id, total, fecha_vencimiento}]}: numbers as strings, ids kept', () => {
  const production = {
    nombre: 'Esperanza Benítez Ríos',
    saldo: '135000.00',
    facturas: [
      { id: 8812, total: '45000', fecha_vencimiento: '2026-10-06', estado: 'Pendiente', sub_total: 37815 },
      { id: '8813', total: 90000, fecha_vencimiento: '05/11/2026' },
    ],
  };
  assert.equal(toBalance(production, 1234), {
    balance: 135000,
    lastPaymentDate: null,
    billingStatus: null,
    invoices: [
      { id: '8812', amount: 45000, dueDate: '2026-10-06', daysOverdue: null },
      { id: '8813', amount: 90000, dueDate: '2026-11-05', daysOverdue: null },
    ],
  });
  assert.equal(
    toBalance([production], 1234).invoices.map((invoice) => invoice.id),
    ['8812', '8813'],
  );
  assert.equal(toBalance({ nombre: 'X', saldo: -20000, facturas: [] }, 1234), {
    balance: -20000,
    lastPaymentDate: null,
    billingStatus: null,
    invoices: [],
  });
  assert.equal(toBalance({ saldo: '0' }, 1234).balance, 0);
});

mapper('a record with none of the known fields is a 502, never "nothing owed"', () => {
  for (const body of [
    { nombre: 'Esperanza', deuda: 135000, cuentas: [] },
    {},
    { id_servicio: 1234 },
    { saldo: null, facturas: null },
    [{ nombre: 'x' }],
    'texto',
    42,
  ]) {
    try {
      toBalance(body, 1234);
      assert.unreachable(`should fail: ${JSON.stringify(body)}`);
    } catch (error) {
      assert.instance(error, AppError);
      assert.is((error as AppError).reason, 'upstream_bad_response', JSON.stringify(body));
    }
  }
  for (const invoices of [[{ id: 1 }], [{ total: 1000 }], [{ id: 1, total: 'mil' }], 'no-es-lista']) {
    try {
      toBalance({ saldo: 1000, facturas: invoices }, 1234);
      assert.unreachable(`should fail: ${JSON.stringify(invoices)}`);
    } catch (error) {
      assert.is((error as AppError).reason, 'upstream_bad_response');
    }
  }
});

mapper('dates: day first with or without time, ISO date and date-time, empty', () => {
  assert.is(upstreamDate('6/08/2026'), '2026-08-06');
  assert.is(upstreamDate('06/08/2026 10:15:00'), '2026-08-06');
  assert.is(upstreamDate('2026-08-06'), '2026-08-06');
  assert.is(upstreamDate('2026-08-06T10:15:00-05:00'), '2026-08-06');
  assert.is(upstreamDate(''), null);
  assert.is(upstreamDate('   '), null);
  assert.is(upstreamDate(null), null);
  assert.is(upstreamDate('ayer'), null);
});

const outage = suite('domain: known outages');
const router = (id: number, active: boolean, description: string | null = null) => ({
  id,
  name: `RB-${id}`,
  outage: active,
  outageDescription: description,
});

outage('a client’s outage comes from its router; none without a router; no description when inactive', () => {
  assert.is(routerOutage(null), null);
  assert.equal(routerOutage(router(1, false, 'vieja')), { active: false, description: null });
  assert.equal(routerOutage(router(2, true, 'Fibra cortada')), { active: true, description: 'Fibra cortada' });
});

outage('connectivity subjects in any case, accents or spacing; others and empty are not', () => {
  for (const subject of ['No Tiene Internet', 'no tiene internet', 'INTERNET LENTO', 'Internet  Intermitente', 'Ínternet Lento ']) {
    assert.ok(isConnectivitySubject(subject), subject);
  }
  for (const subject of ['Cambio de Domicilio', 'Antena Dañada', 'Internet', '', '   '])
    assert.not.ok(isConnectivitySubject(subject), subject);
});

outage('message with the ISP’s words (one final period), and without them', () => {
  assert.match(outageMessage('Fibra cortada en la vía'), /sector\. Fibra cortada en la vía\. Nuestro equipo/);
  assert.match(outageMessage('Fibra cortada.'), /Fibra cortada\. Nuestro/);
  assert.not.match(outageMessage('Fibra cortada.'), /\.\./);
  assert.match(outageMessage(null), /^Hay una falla general reportada en su sector\. Nuestro equipo/);
  assert.match(outageMessage('  '), /sector\. Nuestro/);
});

outage('sectors with an active outage, counted per router, most affected first', () => {
  const clients = [
    makeClient({ serviceId: 1, router: router(2, true, 'Fibra') }),
    makeClient({ serviceId: 2, router: router(2, true, 'Fibra'), status: 'suspended' }),
    makeClient({ serviceId: 3, router: router(5, true) }),
    makeClient({ serviceId: 4, router: router(7, false) }),
    makeClient({ serviceId: 5 }),
    makeClient({ serviceId: 6, router: router(5, true, 'Torre sin energía') }),
    makeClient({ serviceId: 7, router: router(5, true) }),
  ];
  assert.equal(activeOutages(clients), [
    { router: { id: 5, name: 'RB-5' }, description: 'Torre sin energía', affectedClients: 3, activeClients: 3 },
    { router: { id: 2, name: 'RB-2' }, description: 'Fibra', affectedClients: 2, activeClients: 1 },
  ]);
  assert.equal(activeOutages([]), []);
});

account.run();
mapper.run();
outage.run();
