import { TRPCClientError } from '@trpc/client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AppRouter } from '../../client/index';
import { toLocal } from '../../server/domain/business-days';
import type { JsonRecord } from '../../server/simulator/data';
import { assertCreated, type RestErrorBody, startTestService, type TestService } from '../support/service';
import { activeTicketsIn, simClient, underOutage, zoneOf } from '../support/sim-data';

/** account.balance and account.tickets on both surfaces, against the simulator's own records. */

let service: TestService;
const account = suite('api: account balance and ticket history');
account.before(async () => {
  // Balance reads without a verification token: the setting an ISP may choose; the collections suite checks the default.
  service = await startTestService({
    ACCOUNT_OVERDUE_AFTER_DAYS: '1',
    ACCOUNT_SERIOUSLY_OVERDUE_AFTER_DAYS: '30',
    VERIFICATION_REQUIRED_FOR_READS: 'false',
  });
});
account.after(() => service.stop());
account.before.each(() => {
  service.sim.resetFaults();
  service.sim.resetCalls();
});

const BALANCE = /^GET \/api\/clientes\/\d+\/saldo\/?$/;
const TICKET_LIST = /^GET \/api\/tickets\/$/;

interface Balance {
  serviceId: number;
  balance: number | null;
  lastPaymentDate: string | null;
  billingStatus: string | null;
  pendingInvoices: { id: string; amount: number; dueDate: string | null; daysOverdue: number }[];
  totalOwed: number;
  credit: number;
  maxDaysOverdue: number;
  status: string;
  message: string;
  asOf: string;
}

/** A simulator client with a debt whose service id gives the wanted upstream shape (id % 3). */
function debtorWithShape(remainder: number, skip = 0): JsonRecord {
  const found = service.sim.data.clients.filter((c) => simClient.owes(c) && Number(c.id_servicio) % 3 === remainder)[skip];
  if (!found) throw new Error('no such client');
  return found;
}

/** YYYY-MM-DD `days` before today in Bogotá, and the same day first as WispHub writes it. */
function bogotaDay(days: number): { iso: string; upstream: string } {
  const iso = toLocal(new Date(Date.now() - days * 86_400_000), 'America/Bogota').date;
  const [year, month, day] = iso.split('-');
  return { iso, upstream: `${day}/${month}/${year}` };
}

async function restBalance(serviceId: number): Promise<Balance> {
  const response = await service.rest(`/clients/${serviceId}/balance`);
  assert.is(response.status, 200, await response.clone().text());
  return (await response.json()) as Balance;
}

account(
  'balance in each upstream shape (production and older records; bare, list, paginated): what the simulator holds, as numbers, on both surfaces',
  async () => {
    for (const [remainder, record] of [
      [0, 'production'],
      [1, 'production'],
      [2, 'production'],
      [0, 'legacy'],
      [1, 'legacy'],
      [2, 'legacy'],
    ] as const) {
      service.sim.setDialect({ balanceRecord: record });
      service.services.gateway.account.balanceCache.clear();
      const raw = debtorWithShape(remainder);
      const serviceId = Number(raw.id_servicio);
      const rest = await restBalance(serviceId);
      assert.is(rest.serviceId, serviceId);
      assert.is(rest.balance, simClient.balance(raw));
      assert.ok(rest.pendingInvoices.length >= 1);
      assert.is(rest.totalOwed, simClient.balance(raw), 'invoices add up to the balance');
      for (const invoice of rest.pendingInvoices) {
        assert.type(invoice.amount, 'number');
        assert.match(invoice.dueDate ?? '', /^\d{4}-\d{2}-\d{2}$/);
      }
      assert.equal(
        rest.pendingInvoices.map((i) => i.dueDate),
        [...rest.pendingInvoices.map((i) => i.dueDate)].sort(),
        'oldest due first',
      );
      // The older record carries its billing state; the production one does not, so the client record's is shown.
      const billing =
        record === 'legacy'
          ? rest.maxDaysOverdue > 0
            ? 'Vencida'
            : 'Pendiente de pago'
          : ((raw.estado_facturas as string | undefined) ?? null);
      assert.is(rest.billingStatus, billing, 'upstream’s billing state');
      assert.ok(
        rest.pendingInvoices.every((invoice) => /^\d+$/.test(invoice.id)),
        'invoice ids kept',
      );
      assert.match(rest.asOf, /-05:00$/);
      const trpc = await service.client.account.balance.query({ serviceId });
      assert.equal(trpc, rest, 'same answer on both surfaces');
    }
    service.sim.resetDialect();
  },
);

account(
  'the real path: /saldo without the slash, one upstream call; the slash spelling is a 301 the gateway follows on reads',
  async () => {
    const raw = debtorWithShape(0, 5);
    const serviceId = Number(raw.id_servicio);
    service.services.gateway.account.balanceCache.clear();
    service.sim.resetCalls();
    const body = await restBalance(serviceId);
    assert.is(body.totalOwed, simClient.balance(raw));
    assert.is(service.sim.calls(`GET /api/clientes/${serviceId}/saldo`), 1);
    assert.is(service.sim.calls(`GET /api/clientes/${serviceId}/saldo/`), 0, 'no 301 round trip');
    // A tenant whose canonical spelling has the slash: one 301 followed within the host, same answer.
    service.sim.setDialect({ balanceWithSlash: true });
    service.services.gateway.account.balanceCache.clear();
    service.sim.resetCalls();
    assert.equal((await restBalance(serviceId)).pendingInvoices, body.pendingInvoices);
    assert.is(service.sim.calls(/saldo\/?$/), 2, 'the 301, then the canonical spelling');
    service.sim.resetDialect();
  },
);

account(
  'the production shape: a negative saldo is a credit; a record with none of the known fields is a 502, never "nothing owed"',
  async () => {
    const serviceId = Number(debtorWithShape(1, 6).id_servicio);
    service.sim.setBalance(serviceId, { shape: 'bare', record: { nombre: 'Cliente', saldo: '-20000.00', facturas: [] } });
    service.services.gateway.account.balanceCache.clear();
    const credit = await restBalance(serviceId);
    assert.equal([credit.totalOwed, credit.credit, credit.status], [0, 20000, 'up_to_date']);
    assert.match(credit.message, /saldo a favor de \$20\.000/);
    service.sim.setBalance(serviceId, { shape: 'bare', record: { nombre: 'Cliente', deuda: 135000, cuentas: [{ numero: 1 }] } });
    service.services.gateway.account.balanceCache.clear();
    const unknown = await service.rest(`/clients/${serviceId}/balance`);
    assert.is(unknown.status, 502);
    assert.is(((await unknown.json()) as RestErrorBody).error.reason, 'upstream_bad_response');
    try {
      await service.client.account.balance.query({ serviceId });
      assert.unreachable('tRPC must fail too');
    } catch (error) {
      assert.is((error as TRPCClientError<AppRouter>).data?.reason, 'upstream_bad_response');
    }
    service.sim.setBalance(serviceId, null);
  },
);

account('a client who owes nothing is up to date with no invoices', async () => {
  const raw = service.sim.data.clients.find((c) => !simClient.owes(c))!;
  const body = await restBalance(Number(raw.id_servicio));
  assert.equal([body.totalOwed, body.pendingInvoices, body.status, body.maxDaysOverdue], [0, [], 'up_to_date', 0]);
  assert.match(body.message, /al día/);
});

account('overdue classification at the thresholds (1 and 30 days), days counted from the due date', async () => {
  const serviceId = Number(debtorWithShape(0, 1).id_servicio);
  const cases: [number, string][] = [
    [-3, 'up_to_date'],
    [0, 'up_to_date'],
    [1, 'overdue'],
    [29, 'overdue'],
    [30, 'seriously_overdue'],
    [95, 'seriously_overdue'],
  ];
  for (const [daysAgo, status] of cases) {
    const due = bogotaDay(daysAgo);
    service.sim.setBalance(serviceId, {
      shape: 'list',
      // Upstream's own count is deliberately stale: the due date decides.
      record: {
        saldo_actual: '52000.00',
        fecha_ultimo_pago: null,
        facturas_pendientes: [{ id_factura: 77, monto: '52000.00', fecha_vencimiento: due.upstream, dias_vencido: '0' }],
      },
    });
    service.services.gateway.account.balanceCache.clear();
    const body = await restBalance(serviceId);
    assert.is(body.status, status, `${daysAgo} days`);
    assert.is(body.maxDaysOverdue, Math.max(0, daysAgo));
    assert.equal(body.pendingInvoices, [{ id: '77', amount: 52000, dueDate: due.iso, daysOverdue: Math.max(0, daysAgo) }]);
  }
  service.sim.setBalance(serviceId, null);
});

account('cached for its TTL: 20 concurrent cold reads make one upstream call, the next read none', async () => {
  const serviceId = Number(debtorWithShape(1, 2).id_servicio);
  service.services.gateway.account.balanceCache.clear();
  service.sim.setFaults({ latencyMs: 40 });
  const answers = await Promise.all(Array.from({ length: 20 }, () => service.client.account.balance.query({ serviceId })));
  assert.ok(answers.every((answer) => answer.totalOwed === answers[0]!.totalOwed));
  assert.is(service.sim.calls(BALANCE), 1);
  await restBalance(serviceId);
  assert.is(service.sim.calls(BALANCE), 1);
});

account('upstream down: 503 on both surfaces, nothing cached, the next read loads', async () => {
  const serviceId = Number(debtorWithShape(2, 3).id_servicio);
  service.services.gateway.account.balanceCache.clear();
  service.services.gateway.transport.breaker.reset();
  service.sim.setFaults({ forceStatus: 503, pathPrefix: `/api/clientes/${serviceId}/saldo` });
  const response = await service.rest(`/clients/${serviceId}/balance`);
  assert.is(response.status, 503);
  assert.is(((await response.json()) as RestErrorBody).error.reason, 'upstream_unavailable');
  try {
    await service.client.account.balance.query({ serviceId });
    assert.unreachable('should fail');
  } catch (error) {
    assert.instance(error, TRPCClientError);
    assert.is((error as TRPCClientError<AppRouter>).data?.reason, 'upstream_unavailable');
  }
  assert.is(service.services.gateway.account.balanceCache.peek(String(serviceId)), undefined, 'a failure is never cached');
  service.sim.resetFaults();
  service.services.gateway.transport.breaker.reset();
  assert.is((await restBalance(serviceId)).serviceId, serviceId);
});

account('an unreadable balance is a 502, never a made-up total', async () => {
  const serviceId = Number(debtorWithShape(0, 4).id_servicio);
  service.sim.setBalance(serviceId, {
    shape: 'bare',
    record: { saldo_actual: '1000', facturas_pendientes: [{ id_factura: 1, monto: 'mil pesos' }] },
  });
  service.services.gateway.account.balanceCache.clear();
  const response = await service.rest(`/clients/${serviceId}/balance`);
  assert.is(response.status, 502);
  assert.is(((await response.json()) as RestErrorBody).error.reason, 'upstream_bad_response');
  service.sim.setBalance(serviceId, null);
});

account('unknown service id: 404 client_not_found on both surfaces, for balance and tickets; no key: 401', async () => {
  for (const path of ['/clients/999999/balance', '/clients/999999/tickets']) {
    const response = await service.staff(path);
    assert.is(response.status, 404);
    assert.is(((await response.json()) as RestErrorBody).error.reason, 'client_not_found');
    assert.is((await service.rest(path, { headers: { 'x-api-key': '' } })).status, 401);
  }
  for (const call of [
    () => service.operator.account.balance.query({ serviceId: 999999 }),
    () => service.operator.account.tickets.query({ serviceId: 999999 }),
  ]) {
    try {
      await call();
      assert.unreachable('should fail');
    } catch (error) {
      assert.is((error as TRPCClientError<AppRouter>).data?.reason, 'client_not_found');
    }
  }
  assert.is((await service.staff('/clients/abc/balance')).status, 400);
  assert.is((await service.staff('/clients/1001/tickets?limit=0')).status, 400);
  assert.is((await service.staff('/clients/1001/tickets?state=open')).status, 400);
});

interface History {
  serviceId: number;
  total: number;
  items: { id: number; serviceId: number | null; status: string; createdAt: string | null }[];
  source: string;
}

/** A client with several tickets in the simulator, and their ids. */
function clientWithTickets(minimum: number, skip = 0): { serviceId: number; ids: number[] } {
  const byService = new Map<number, number[]>();
  for (const ticket of service.sim.data.tickets) {
    const id = (ticket.servicio as { id_servicio: number } | null)?.id_servicio;
    if (id !== undefined) byService.set(id, [...(byService.get(id) ?? []), ticket.id_ticket as number]);
  }
  const found = [...byService.entries()].filter(([, list]) => list.length >= minimum)[skip];
  if (!found) throw new Error(`no client with ${minimum} tickets`);
  const [serviceId, ids] = found;
  return { serviceId, ids };
}

function assertNewestFirst(items: History['items']): void {
  for (let index = 1; index < items.length; index++) {
    const [before, after] = [Date.parse(items[index - 1]!.createdAt ?? ''), Date.parse(items[index]!.createdAt ?? '')];
    assert.ok(before > after || (before === after && items[index - 1]!.id > items[index]!.id), 'newest first');
  }
}

account('tickets: the upstream filter honoured — every item is the client’s, newest first, state filter and limit', async () => {
  const { serviceId, ids } = clientWithTickets(3);
  service.services.gateway.account.clientTicketsCache.clear();
  const body = (await (await service.staff(`/clients/${serviceId}/tickets?limit=50`)).json()) as History;
  assert.is(body.source, 'upstream_filter');
  assert.is(body.total, ids.length);
  assert.equal(body.items.map((t) => t.id).sort(), [...ids].sort());
  assert.ok(body.items.every((t) => t.serviceId === serviceId));
  assertNewestFirst(body.items);
  assert.is(service.sim.calls(TICKET_LIST), 1, 'one filtered page');
  const limited = await service.operator.account.tickets.query({ serviceId, limit: 2 });
  assert.equal(
    limited.items.map((t) => t.id),
    body.items.slice(0, 2).map((t) => t.id),
  );
  assert.is(limited.total, ids.length);
  const state = body.items[0]!.status as 'new' | 'in_progress' | 'resolved' | 'closed';
  const inState = await service.operator.account.tickets.query({ serviceId, state, limit: 50 });
  assert.ok(inState.items.length >= 1 && inState.items.every((t) => t.status === state));
  assert.is(service.sim.calls(TICKET_LIST), 1, 'served from the cached history');
});

account('tickets: upstream ignores the filter — each item is checked, the cached collection answers, same tickets', async () => {
  const { serviceId, ids } = clientWithTickets(2);
  const other = clientWithTickets(2, 1);
  const service2 = await startTestService({ UPSTREAM_PAGE_SIZE: '100', VERIFICATION_REQUIRED_FOR_READS: 'false' });
  try {
    service2.sim.setFaults({ ignoredFilters: ['servicio'] });
    const body = (await (await service2.staff(`/clients/${serviceId}/tickets?limit=50`)).json()) as History;
    assert.is(body.source, 'ticket_collection');
    assert.equal(body.items.map((t) => t.id).sort(), [...ids].sort());
    assert.ok(
      body.items.every((t) => t.serviceId === serviceId),
      'no other client’s ticket',
    );
    assertNewestFirst(body.items);
    const pages = Math.ceil(service2.sim.data.tickets.length / 100);
    assert.is(service2.sim.calls(TICKET_LIST), 1 + pages, 'one probe page, then the collection once');
    const second = await service2.operator.account.tickets.query({ serviceId: other.serviceId, limit: 50 });
    assert.equal(second.items.map((t) => t.id).sort(), [...other.ids].sort());
    assert.is(service2.sim.calls(TICKET_LIST), 1 + pages, 'the next client: no probe, no load');
  } finally {
    await service2.stop();
  }
});

account('tickets: a ticket created here shows first in the history at once', async () => {
  const raw = service.sim.data.clients.find((c) => activeTicketsIn(service.sim.data, zoneOf(c)) === 0 && !underOutage(c))!;
  const serviceId = Number(raw.id_servicio);
  const customer = service.clientWith(await service.verify(serviceId));
  const before = await customer.account.tickets.query({ serviceId });
  const created = await customer.tickets.create.mutate({
    serviceId,
    subject: 'Cambio de Domicilio',
    description: 'El cliente se muda la próxima semana.',
  });
  assertCreated(created);
  const after = await customer.account.tickets.query({ serviceId });
  assert.is(after.items[0]?.id, created.ticket.id);
  assert.is(after.total, before.total + 1);
});

account.run();
