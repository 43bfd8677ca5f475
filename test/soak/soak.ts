/**
 * Bounded soak: mixed reads and writes at steady concurrency against the simulator with ~10%
 * injected faults, on loopback only; stops by itself. Asserts zero 500s, zero duplicate tickets,
 * zero partial lists, every 2xx body valid against its output schema, every error with a reason.
 *   npm run soak                 (60 s)
 *   npm run soak -- --seconds 15
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { plansOutput } from '../../server/routers/catalogue/types';
import { clientMatchesOutput, clientSchema, listOutput, searchOutput, verifyOutput } from '../../server/routers/clients/types';
import { createStatusOutput, createTicketOutput, zoneStatusSchema } from '../../server/routers/tickets/types';
import { startTestService, type TestService } from '../support/service';

export interface SoakReport {
  seconds: number;
  requests: number;
  byStatus: Record<string, number>;
  serverErrors500: number;
  invalidBodies: number;
  errorsWithoutReason: number;
  partialLists: number;
  ticketsRequested: number;
  ticketsCreated: number;
  duplicateTickets: number;
  staleAnswers: number;
  violations: string[];
}

const SEARCH_WORDS = ['pena', 'jose', 'maria', 'vereda', 'munoz', 'gomez', 'barrio', 'cra', 'lopez', 'san'];

export async function runSoak(seconds: number, concurrency = 12): Promise<SoakReport> {
  const service: TestService = await startTestService({
    SIM_CLIENTS: '1500',
    CACHE_TTL_CLIENTS_S: '2',
    CACHE_TTL_PLANS_S: '3',
    CACHE_TTL_ZONE_COUNTS_S: '2',
    UPSTREAM_TIMEOUT_MS: '300',
    UPSTREAM_RETRIES: '2',
    UPSTREAM_PAGE_SIZE: '300',
    MAX_ACTIVE_TICKETS_PER_ZONE: '100000',
    // Settle well past the longest injected stall (450 ms) plus event-loop lag on a loaded 2-core box,
    // as production does (10 s against ~8 s stalls). At 500 ms one Bun run saw a POST commit after it.
    WRITE_SETTLE_MS: '1500',
  });
  const total = service.sim.data.clients.length;
  const report: SoakReport = {
    seconds,
    requests: 0,
    byStatus: {},
    serverErrors500: 0,
    invalidBodies: 0,
    errorsWithoutReason: 0,
    partialLists: 0,
    ticketsRequested: 0,
    ticketsCreated: 0,
    duplicateTickets: 0,
    staleAnswers: 0,
    violations: [],
  };
  // ~10% of calls fault: 500s, stalls past the timeout, HTML, resets, truncated JSON, committed-then-stalled writes.
  service.sim.setFaults({
    errorRate: 0.035,
    stallRate: 0.02,
    stallMs: 450,
    htmlRate: 0.015,
    resetRate: 0.015,
    truncatedJsonRate: 0.015,
    latencyMs: 2,
    jitterMs: 8,
  });
  const phones = service.sim.data.clients.map((c) => c.telefono).filter((t): t is string => typeof t === 'string' && /^3\d{9}$/.test(t));
  const descriptions: string[] = [];
  const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

  /** Counts and validates one answer; the parsed body of a valid success, else null. */
  async function check<S extends z.ZodType>(response: Response, schema: S, extra?: (body: z.infer<S>) => void): Promise<z.infer<S> | null> {
    report.requests++;
    report.byStatus[response.status] = (report.byStatus[response.status] ?? 0) + 1;
    if (response.headers.get('x-cache') === 'stale') report.staleAnswers++;
    const body: unknown = await response.json().catch(() => null);
    if (response.status === 500) report.serverErrors500++;
    if (response.status >= 200 && response.status < 300) {
      const parsed = schema.safeParse(body);
      if (!parsed.success) report.invalidBodies++;
      else {
        extra?.(parsed.data);
        return parsed.data;
      }
    } else {
      const reason = (body as { error?: { reason?: unknown } } | null)?.error?.reason;
      if (typeof reason !== 'string' || reason === '') report.errorsWithoutReason++;
    }
    return null;
  }

  const operations: [number, () => Promise<unknown>][] = [
    [30, async () => check(await service.rest(`/clients/search?q=${pick(SEARCH_WORDS)}&limit=10`), searchOutput)],
    [
      15,
      async () =>
        check(await service.staff(`/clients?limit=50&offset=${Math.floor(Math.random() * total)}`), listOutput, (body) => {
          if (body.total !== total) report.partialLists++;
        }),
    ],
    [10, async () => check(await service.rest(`/clients/by-phone/${pick(phones)}`), clientMatchesOutput)],
    [
      10,
      async () =>
        check(await service.rest('/plans'), plansOutput, (body) => {
          if (body.items.length !== service.sim.data.plans.length) report.partialLists++;
        }),
    ],
    [5, async () => check(await service.rest(`/tickets/zones/${pick(service.sim.data.zones).id}/status`), zoneStatusSchema)],
    [
      5,
      async () => {
        const raw = pick(service.sim.data.clients);
        await check(
          await service.rest(`/clients/${String(raw.id_servicio)}/verify`, {
            method: 'POST',
            json: { name: raw.nombre, city: 'x', address: raw.direccion },
          }),
          verifyOutput,
        );
      },
    ],
    [
      5,
      async () => {
        const raw = pick(service.sim.data.clients);
        await check(
          await service.rest(`/clients/${String(raw.id_servicio)}`, {
            method: 'PATCH',
            json: { locality: pick(['Centro', 'Alto Bonito', 'La Unión']) },
          }),
          clientSchema,
        );
      },
    ],
    [
      10,
      async () => {
        // Staff opening a ticket (a bot would need the customer's token): retries up to 3 times with the same idempotency key, as clients should.
        const description = `Soak ${randomUUID()} el cliente reporta falla.`;
        descriptions.push(description);
        report.ticketsRequested++;
        const key = randomUUID();
        const serviceId = pick(service.sim.data.clients).id_servicio;
        for (let attempt = 0; attempt < 3; attempt++) {
          const response = await service.staff('/tickets', {
            method: 'POST',
            json: { serviceId, subject: 'Internet Lento', description },
            headers: { 'idempotency-key': key },
          });
          const status = response.status;
          const body = await check(response, createTicketOutput);
          if (body?.status === 'pending_confirmation') return followPending(body.handle);
          if (status === 201) return;
          if (status < 500) return;
        }
      },
    ],
  ];
  /** A bot told 202 polls the handle instead of creating again (bounded). */
  async function followPending(handle: string): Promise<void> {
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      const response = await service.staff(`/tickets/pending/${handle}`);
      const body = await check(response, createStatusOutput);
      if (body?.status !== 'pending_confirmation') return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const weightTotal = operations.reduce((sum, [weight]) => sum + weight, 0);
  const chooseOperation = () => {
    let roll = Math.random() * weightTotal;
    for (const [weight, run] of operations) {
      roll -= weight;
      if (roll <= 0) return run;
    }
    return operations[0]![1];
  };

  // Ticket creates pick a random client, so the same client + subject can repeat: keep descriptions unique instead.
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        try {
          await chooseOperation()();
        } catch (error) {
          report.violations.push(`request threw: ${error instanceof Error ? error.message : String(error)}`);
          if (report.violations.length > 20) return;
        }
      }
    }),
  );

  service.sim.resetFaults();
  const counts = new Map<string, number>();
  for (const ticket of service.sim.data.tickets) {
    const text = String(ticket.descripcion);
    if (text.startsWith('Soak ')) counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  report.ticketsCreated = counts.size;
  report.duplicateTickets = [...counts.values()].filter((count) => count > 1).length;
  await service.stop();

  if (report.requests === 0) report.violations.push('no request was made');
  if (report.serverErrors500 > 0) report.violations.push(`${report.serverErrors500} answers were 500`);
  if (report.duplicateTickets > 0) report.violations.push(`${report.duplicateTickets} duplicate tickets`);
  if (report.partialLists > 0) report.violations.push(`${report.partialLists} partial lists served`);
  if (report.invalidBodies > 0) report.violations.push(`${report.invalidBodies} 2xx bodies failed their output schema`);
  if (report.errorsWithoutReason > 0) report.violations.push(`${report.errorsWithoutReason} error bodies without a reason`);
  return report;
}

export function printReport(report: SoakReport): void {
  const rows: [string, string | number][] = [
    ['duration (s)', report.seconds],
    ['requests', report.requests],
    [
      'by status',
      Object.entries(report.byStatus)
        .map(([status, count]) => `${status}:${count}`)
        .join(' '),
    ],
    ['stale answers', report.staleAnswers],
    ['500 answers', report.serverErrors500],
    ['partial lists', report.partialLists],
    ['invalid 2xx bodies', report.invalidBodies],
    ['errors without reason', report.errorsWithoutReason],
    ['tickets requested / created', `${report.ticketsRequested} / ${report.ticketsCreated}`],
    ['duplicate tickets', report.duplicateTickets],
  ];
  for (const [label, value] of rows) console.log(`${label.padEnd(30)} ${value}`);
  console.log(report.violations.length === 0 ? 'soak: OK' : `soak: FAILED\n  - ${report.violations.join('\n  - ')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const index = process.argv.lastIndexOf('--seconds');
  const seconds = index > 0 ? Number(process.argv[index + 1]) : 60;
  const report = await runSoak(Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 600) : 60);
  printReport(report);
  process.exit(report.violations.length === 0 ? 0 : 1);
}
