/**
 * What each console view shows, as JSON for the page: read-only, from the books (LLM usage), the
 * audit trail, the pending stores, the identity guard, the caches and the upstream tally. Personal
 * data leaves masked (documents and phones to their last three digits); actions.ts reveals one
 * field of one row, audited.
 */

import { createHash } from 'node:crypto';
import { maskPersonalText } from '../../domain/personal-text';
import { AppError } from '../../errors';
import type { Lockout } from '../../guards/identity-guard';
import type { ServiceMetrics } from '../../observability/metrics';
import type { Services } from '../../services';
import { PENDING_TICKET_PREFIX, type PendingTicketRecord } from '../../tickets/records';
import type { Readiness } from '../readiness';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const LISTED = 200;

export interface ViewDeps {
  services: Services;
  metrics: ServiceMetrics;
  readiness: () => Readiness;
}

/** A stable, opaque id for a row that has none of its own (a lockout), so a reveal can name it. */
export const rowId = (text: string): string => createHash('sha256').update(text).digest('base64url').slice(0, 16);

export const lockoutId = (lockout: Lockout): string =>
  rowId(`${lockout.scope}|${lockout.serviceId ?? ''}|${lockout.keyName ?? ''}|${lockout.endUser ?? ''}`);

export function createViews({ services, metrics, readiness }: ViewDeps) {
  const { books } = services;

  /** Each cache's reads answered from memory (fresh or stale) since this instance started. */
  function cacheRows() {
    return services.gateway.caches().map((cache) => {
      const { hits, stale, misses, loads, loadFailures } = cache.stats;
      const reads = hits + stale + misses;
      return {
        resource: cache.name,
        entries: cache.size,
        reads,
        answered: hits + stale,
        hitRate: reads === 0 ? 0 : (hits + stale) / reads,
        staleReads: stale,
        loads,
        loadFailures,
        freshSeconds: Math.round(cache.freshMs / 1000),
      };
    });
  }

  /** ...and the ages of its oldest and newest entries (a walk over every key: the WispHub view only). */
  function cacheRowsWithAges() {
    const now = Date.now();
    const caches = services.gateway.caches();
    return cacheRows().map((row, index) => {
      const cache = caches[index]!;
      let oldest = Number.POSITIVE_INFINITY;
      let newest = Number.NEGATIVE_INFINITY;
      for (const key of cache.keys()) {
        const at = cache.loadedAt(key);
        if (at === null) continue;
        oldest = Math.min(oldest, at);
        newest = Math.max(newest, at);
      }
      const age = (at: number) => (Number.isFinite(at) ? Math.round((now - at) / 1000) : null);
      return { ...row, oldestAgeSeconds: age(oldest), newestAgeSeconds: age(newest) };
    });
  }

  function upstreamState() {
    const state = readiness();
    const checks = (state.body.checks ?? {}) as Record<string, unknown>;
    return {
      ready: state.ready,
      status: String(state.body.status ?? (state.ready ? 'ready' : 'not_ready')),
      reasons: (state.body.reasons as string[] | undefined) ?? [],
      breaker: String(checks.upstreamBreaker ?? 'closed'),
      checks,
    };
  }

  async function today(): Promise<Record<string, unknown>> {
    const now = Date.now();
    const day = books.usage.day(now);
    const month = `${day.slice(0, 7)}-01`;
    const firstHour = now - (now % HOUR_MS) - 23 * HOUR_MS;
    const [todayRows, monthRows, perHourRows] = await Promise.all([
      books.summary({ from: day, to: day, groupBy: [] }),
      books.summary({ from: month, to: day, groupBy: [] }),
      books.hourly(firstHour),
    ]);
    // Every hour of the last day, quiet ones at zero, so the chart reads as a day.
    const byHour = new Map(perHourRows.map((hour) => [hour.hour, hour]));
    const perHour = Array.from({ length: 24 }, (_, index) => {
      const hour = new Date(firstHour + index * HOUR_MS).toISOString();
      return byHour.get(hour) ?? { hour, requests: 0, errors: 0, costUsd: 0, handoffs: 0, conversations: 0 };
    });
    const totals = todayRows[0];
    const budgets = await Promise.all(
      books.budgets.list().map(async (budget) => ({ ...budget, ...(await books.budgets.standing(budget.keyName)) })),
    );
    const caches = cacheRows();
    const reads = caches.reduce((sum, cache) => sum + cache.reads, 0);
    const answered = caches.reduce((sum, cache) => sum + cache.answered, 0);
    const total = (series: { total: number }[]) => series.reduce((sum, one) => sum + one.total, 0);
    const upstreamCalls = total(metrics.upstreamHours.snapshot().series);
    const upstreamErrors = total(metrics.upstreamErrorHours.snapshot().series);
    return {
      day,
      today: {
        requests: totals?.requests ?? 0,
        errorRate: totals?.errorRate ?? 0,
        costUsd: totals?.costUsd ?? 0,
        cacheHitRate: totals?.cacheHitRate ?? 0,
        handoffs: perHour.reduce((sum, hour) => sum + hour.handoffs, 0),
        conversations: perHour.reduce((sum, hour) => sum + hour.conversations, 0),
      },
      month: { costUsd: monthRows[0]?.costUsd ?? 0 },
      perHour,
      budgets: budgets.map(({ keyName, monthlyBudgetUsd, monthSpendUsd }) => ({ keyName, monthlyBudgetUsd, monthSpendUsd })),
      wisphub: {
        ...upstreamState(),
        // Reads answered from memory (fresh or stale) since this instance started.
        cacheHitRate: reads === 0 ? 0 : answered / reads,
        upstreamCalls,
        upstreamErrorRate: upstreamCalls === 0 ? 0 : upstreamErrors / upstreamCalls,
        caches: caches.map(({ resource, entries, hitRate }) => ({ resource, entries, hitRate })),
      },
    };
  }

  async function llm(): Promise<Record<string, unknown>> {
    const now = Date.now();
    const to = books.usage.day(now);
    const from = books.usage.day(now - 29 * DAY_MS);
    const [days, byModel, byTier, byKey, dayTiers, causes] = await Promise.all([
      books.summary({ from, to, groupBy: ['day'] }),
      books.summary({ from, to, groupBy: ['model'] }),
      books.summary({ from, to, groupBy: ['tier'] }),
      books.summary({ from, to, groupBy: ['key'] }),
      books.summary({ from, to, groupBy: ['day', 'tier'] }),
      books.fallbackCauses(now - 30 * DAY_MS),
    ]);
    // Every day of the range, quiet ones at zero.
    const dayList = Array.from({ length: 30 }, (_, index) => books.usage.day(now - (29 - index) * DAY_MS));
    const byDate = new Map(days.map((row) => [row.day, row]));
    const byDay = dayList.map(
      (day) => byDate.get(day) ?? { day, requests: 0, costUsd: 0, fallbacks: 0, promptTokens: 0, completionTokens: 0 },
    );
    // The classifier's tier mix: requests per tier per day.
    const tiers = [...new Set(dayTiers.map((row) => row.tier ?? '-'))].sort();
    const tierMix = tiers.map((tier) => ({
      tier,
      perDay: dayList.map((day) => dayTiers.find((row) => row.day === day && (row.tier ?? '-') === tier)?.requests ?? 0),
    }));
    return { from, to, byDay, byModel, byTier, byKey, tierMix, fallbackCauses: causes.slice(0, 50) };
  }

  /** The audit trail as staff read it: unknown outcomes first, then newest; which entries hold a receipt. */
  async function audit(query: URLSearchParams): Promise<Record<string, unknown>> {
    const serviceIdText = query.get('serviceId') ?? '';
    const sinceText = query.get('since') ?? '';
    const untilText = query.get('until') ?? '';
    const outcome = query.get('outcome') ?? '';
    const fieldErrors: Record<string, string[]> = {};
    if (serviceIdText !== '' && !/^\d{1,12}$/.test(serviceIdText)) fieldErrors.serviceId = ['digits only'];
    if (sinceText !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(sinceText)) fieldErrors.since = ['YYYY-MM-DD'];
    if (untilText !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(untilText)) fieldErrors.until = ['YYYY-MM-DD'];
    if (outcome !== '' && !['unknown', 'confirmed', 'refused'].includes(outcome)) fieldErrors.outcome = ['unknown, confirmed or refused'];
    if (sinceText && untilText && untilText < sinceText) fieldErrors.until = ['on or after since'];
    if (Object.keys(fieldErrors).length > 0) throw new AppError('invalid_input', { details: { fieldErrors } });
    const entries = await services.audit.list({
      ...(serviceIdText ? { serviceId: Number(serviceIdText) } : {}),
      ...(sinceText ? { since: new Date(`${sinceText}T00:00:00Z`) } : {}),
      limit: 2000,
    });
    const shown = entries
      .filter((entry) => outcome === '' || entry.outcome === outcome)
      .filter((entry) => untilText === '' || entry.at.slice(0, 10) <= untilText)
      .sort((a, b) => Number(b.outcome === 'unknown') - Number(a.outcome === 'unknown') || b.at.localeCompare(a.at))
      .slice(0, 300)
      .map(({ receiptFile, endUser: _digest, ...entry }) => ({
        ...entry,
        receipt: receiptFile ? (receiptFile.split('.').pop() ?? null) : null,
      }));
    return { entries: shown, waitingReceipts: shown.filter((entry) => entry.receipt !== null && entry.outcome === 'unknown').length };
  }

  /** Ticket creates whose outcome is being settled (and those settled in the last day). */
  async function pendingTickets(): Promise<PendingTicketRecord[]> {
    const records = await services.pendingTickets.list(PENDING_TICKET_PREFIX, LISTED);
    return records
      .filter((record) => record.outcome.status === 'pending' || Date.now() - record.since < DAY_MS)
      .sort((a, b) => Number(b.outcome.status === 'pending') - Number(a.outcome.status === 'pending') || b.since - a.since);
  }

  async function waiting(): Promise<Record<string, unknown>> {
    const [handoffs, pending, lockouts] = await Promise.all([
      books.requests({ sinceMs: Date.now() - 7 * DAY_MS, handoffs: true, limit: LISTED }),
      pendingTickets(),
      services.identityGuard.lockouts(LISTED),
    ]);
    return {
      handoffs: handoffs.map((row) => ({ at: row.at, key: row.key, endUser: row.endUser, reason: row.handoff, toolCalls: row.toolCalls })),
      pendingTickets: pending.map((record) => ({
        handle: record.handle,
        since: new Date(record.since).toISOString(),
        key: record.keyName,
        serviceId: record.plan.form.servicio,
        subject: record.plan.form.asunto,
        description: maskPersonalText(record.plan.form.descripcion),
        status: record.outcome.status,
        ticketId: record.outcome.status === 'created' ? record.outcome.ticket.id : null,
        reason: record.outcome.status === 'failed' ? record.outcome.reason : null,
      })),
      lockouts: lockouts.map((lockout) => ({
        id: lockoutId(lockout),
        scope: lockout.scope,
        serviceId: lockout.serviceId,
        key: lockout.keyName,
        endUser: lockout.endUser === null ? null : maskPersonalText(lockout.endUser),
        failures: lockout.failures,
        until: new Date(Date.now() + lockout.retryAfterSeconds * 1000).toISOString(),
      })),
    };
  }

  function wisphub(): Record<string, unknown> {
    const last = services.probe.last;
    return {
      ...upstreamState(),
      caches: cacheRowsWithAges(),
      upstream: metrics.upstreamHours.snapshot(),
      probe: {
        running: services.probe.inProgress,
        nextRunInSeconds: services.probe.waitSeconds(),
        last: last && {
          startedAt: last.startedAt,
          by: last.by,
          calls: last.report.calls,
          durationMs: last.report.durationMs,
          exitCode: last.report.exitCode,
          rows: last.report.rows,
        },
      },
    };
  }

  return { today, llm, audit, waiting, wisphub, pendingTickets };
}
