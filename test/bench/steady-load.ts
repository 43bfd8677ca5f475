/**
 * Steady bot traffic for the bench: a fixed request rate (not a flood) of the mix one
 * conversation needs (find the customer, verify, balance, tickets, search, plans, a ticket now and
 * then), for minutes, against a service with its default TTLs. Samples the service's RSS and
 * reads the simulator's call counters, so the bench reports memory growth under load and the
 * upstream calls an hour that traffic costs. Loopback only; stops by itself.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface SteadyLoadOptions {
  serviceUrl: string;
  simUrl: string;
  servicePid: number;
  seconds: number;
  /** Requests started per second. */
  ratePerSecond: number;
  /** RSS is read this often. */
  sampleSeconds: number;
  /** Memory growth and calls per hour are measured after this warm-up (the first minute in a full run). */
  settleSeconds: number;
  /**
   * Heap in use after a full collection and the lowest RSS in a quiet window after it, read in the
   * service (what a leak would raise, free of the sawtooth). The traffic pauses meanwhile; the pause
   * is left out of the schedule and of the calls-an-hour window.
   */
  afterCollection: () => Promise<AfterCollection>;
  botKey: string;
  operatorKey: string;
  clients: { serviceId: number; document: string | null; name: string; zoneId: number | null }[];
}

export interface AfterCollection {
  heapUsedMb: number;
  rssMb: number;
  /**
   * V8's young generation as committed then (null where the runtime does not say): it grows under
   * allocation up to 32 MB on Node 20 and is not given back in a quiet minute, so it tells a step
   * of the collector's sizing from growth.
   */
  newSpaceMb: number | null;
}

export interface SteadyLoadResult {
  seconds: number;
  ratePerSecond: number;
  requests: number;
  byStatus: Record<string, number>;
  rssSamples: { second: number; rssMb: number }[];
  /** Seconds in each window whose lowest RSS is compared. */
  rssFloorWindowSeconds: number;
  /** Lowest RSS in the window right after the warm-up, and in the last window of the run. */
  rssFloorAfterSettleMb: number;
  rssFloorEndMb: number;
  /** Growth of the floor: what stays once the collector has run, the part a leak would raise. */
  rssGrowthPct: number;
  /** Heap in use after a full collection when the warm-up ends and when the traffic ends. */
  heapAfterGcSettleMb: number;
  heapAfterGcEndMb: number;
  heapGrowthPct: number;
  /** Lowest RSS in the quiet window after those two full collections: what the process keeps. */
  rssAfterGcSettleMb: number;
  rssAfterGcEndMb: number;
  rssAfterGcGrowthPct: number;
  /** The young generation committed at those two readings (see AfterCollection). */
  newSpaceSettleMb: number | null;
  newSpaceEndMb: number | null;
  /** Upstream calls per hour by "METHOD /path" (ids as :id), from the window after the warm-up. */
  upstreamCallsPerHour: Record<string, number>;
  upstreamCallsPerHourTotal: number;
  /** One answer per procedure and refusal status, to tell expected refusals (a zone at its limit) from bench mistakes. */
  refusals: Record<string, string>;
}

const SEARCH_WORDS = ['pena', 'jose', 'maria', 'vereda', 'munoz', 'gomez', 'barrio', 'lopez', 'san', 'esperansa'];

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

function growthPct(from: number, to: number): number {
  return Math.round(((to - from) / from) * 1000) / 10;
}

async function upstreamCalls(simUrl: string): Promise<Map<string, number>> {
  const body = (await (await fetch(`${simUrl}/__sim/calls`)).json()) as { byPath: Record<string, number> };
  const calls = new Map<string, number>();
  for (const [key, count] of Object.entries(body.byPath)) {
    if (key.includes('/__sim/')) continue;
    const endpoint = key.replace(/\/\d+(?=\/|$)/g, '/:id');
    calls.set(endpoint, (calls.get(endpoint) ?? 0) + count);
  }
  return calls;
}

export async function runSteadyLoad(options: SteadyLoadOptions): Promise<SteadyLoadResult> {
  const { serviceUrl, clients } = options;
  let turn = 0;
  const pick = <T>(items: readonly T[]): T => items[(turn * 7919) % items.length]!;
  const query = (procedure: string, input: unknown, key = options.botKey) =>
    fetch(`${serviceUrl}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, {
      headers: { 'x-api-key': key },
    });
  const mutate = (procedure: string, input: unknown, key = options.botKey) =>
    fetch(`${serviceUrl}/trpc/${procedure}`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ json: input }),
    });
  const withDocument = clients.filter((client) => client.document !== null);
  const zones = [...new Set(clients.map((client) => client.zoneId).filter((zone): zone is number => zone !== null))];
  // Weights out of 100: what a support conversation asks, most often first.
  const mix: [number, () => Promise<Response>][] = [
    [30, () => query('clients.byDocument', { document: pick(withDocument).document })],
    [15, () => query('clients.search', { q: pick(SEARCH_WORDS), limit: 10 })],
    [10, () => query('clients.byServiceId', { serviceId: pick(clients).serviceId })],
    [10, () => query('plans.list', undefined)],
    [10, () => query('account.balance', { serviceId: pick(clients).serviceId }, options.operatorKey)],
    [10, () => query('account.tickets', { serviceId: pick(clients).serviceId }, options.operatorKey)],
    [
      5,
      () => {
        const client = pick(withDocument);
        return mutate('clients.verify', { serviceId: client.serviceId, document: client.document, name: client.name });
      },
    ],
    [5, () => query('tickets.zoneStatus', { zoneId: pick(zones) })],
    [
      5,
      () =>
        mutate(
          'tickets.create',
          {
            serviceId: pick(clients).serviceId,
            subject: 'Internet Lento',
            description: `Bench ${randomUUID()}: el cliente reporta lentitud.`,
            idempotencyKey: randomUUID(),
          },
          options.operatorKey,
        ),
    ],
  ];
  const schedule = mix.flatMap(([weight, run]) => Array.from({ length: weight }, () => run));
  const refusals: Record<string, string> = {};

  const byStatus: Record<string, number> = {};
  const rssSamples: { second: number; rssMb: number }[] = [];
  const started = performance.now();
  let requests = 0;
  let inFlight = 0;
  let settledCalls: Map<string, number> | null = null;
  let settledAt = 0;
  let afterSettle: AfterCollection = { heapUsedMb: 0, rssMb: 0, newSpaceMb: null };
  let nextSample = 0;
  // Seconds the traffic was paused for the reading after the warm-up: not traffic time.
  let paused = 0;
  const elapsed = () => (performance.now() - started) / 1000;
  while (elapsed() - paused < options.seconds) {
    const now = elapsed() - paused;
    // Keep to the rate: start what is due, never more than 200 at once (a stalled service is not flooded).
    const due = Math.floor(now * options.ratePerSecond) - requests;
    for (let i = 0; i < due && inFlight < 200; i++) {
      turn++;
      requests++;
      inFlight++;
      schedule[(turn * 37) % schedule.length]!()
        .then(async (response) => {
          const text = await response.text();
          byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
          if (response.status >= 400) {
            const procedure = new URL(response.url).pathname.replace('/trpc/', '');
            const reason = `${text.match(/"reason":"([^"]+)"/)?.[1] ?? ''} ${text.match(/"message":"([^"]+)"/)?.[1] ?? text.slice(0, 120)}`;
            refusals[`${procedure} ${response.status}`] ??= reason;
          }
        })
        .catch(() => {
          byStatus.network = (byStatus.network ?? 0) + 1;
        })
        .finally(() => {
          inFlight--;
        });
    }
    if (now >= nextSample) {
      rssSamples.push({ second: Math.round(now), rssMb: rssMb(options.servicePid) });
      nextSample += options.sampleSeconds;
    }
    if (settledCalls === null && now >= options.settleSeconds) {
      const pauseStarted = elapsed();
      afterSettle = await options.afterCollection();
      paused += elapsed() - pauseStarted;
      settledCalls = await upstreamCalls(options.simUrl);
      settledAt = elapsed();
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  const endCalls = await upstreamCalls(options.simUrl);
  const window = elapsed() - settledAt;
  const perHour: Record<string, number> = {};
  for (const [endpoint, count] of endCalls) {
    const delta = count - (settledCalls?.get(endpoint) ?? 0);
    if (delta > 0) perHour[endpoint] = Math.round((delta * 3600) / window);
  }
  rssSamples.push({ second: Math.round(elapsed()), rssMb: rssMb(options.servicePid) });
  const atEnd = await options.afterCollection();
  // RSS under a garbage collector is a sawtooth (on Node 20 here: ~140 to ~260 MB and back, a
  // period near 100 s), so one sample against another measures where each fell on a tooth. The
  // floor of a window at least one period long is what survives collection: a leak raises it.
  const end = elapsed();
  const windowSeconds = Math.min(120, (end - options.settleSeconds) / 2);
  const floorOf = (from: number, to: number) =>
    Math.min(...rssSamples.filter((sample) => sample.second >= from && sample.second <= to).map((sample) => sample.rssMb));
  const floorAfterSettle = floorOf(options.settleSeconds, options.settleSeconds + windowSeconds);
  const floorEnd = floorOf(end - windowSeconds, Number.POSITIVE_INFINITY);
  return {
    seconds: Math.round(elapsed()),
    ratePerSecond: options.ratePerSecond,
    requests,
    byStatus,
    rssSamples,
    rssFloorWindowSeconds: Math.round(windowSeconds),
    rssFloorAfterSettleMb: floorAfterSettle,
    rssFloorEndMb: floorEnd,
    rssGrowthPct: growthPct(floorAfterSettle, floorEnd),
    heapAfterGcSettleMb: afterSettle.heapUsedMb,
    heapAfterGcEndMb: atEnd.heapUsedMb,
    heapGrowthPct: growthPct(afterSettle.heapUsedMb, atEnd.heapUsedMb),
    rssAfterGcSettleMb: afterSettle.rssMb,
    rssAfterGcEndMb: atEnd.rssMb,
    rssAfterGcGrowthPct: growthPct(afterSettle.rssMb, atEnd.rssMb),
    newSpaceSettleMb: afterSettle.newSpaceMb,
    newSpaceEndMb: atEnd.newSpaceMb,
    upstreamCallsPerHour: Object.fromEntries(Object.entries(perHour).sort((a, b) => b[1] - a[1])),
    upstreamCallsPerHourTotal: Object.values(perHour).reduce((sum, count) => sum + count, 0),
    refusals,
  };
}
