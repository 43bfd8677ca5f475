/**
 * Runs the read-only checks against one tenant, one after another, within a call budget and a
 * time budget; a check that cannot finish (budget, timeout, network) is "could not check".
 */

import type { SubjectCatalogue } from '../../domain/ticket-subjects';
import { PROBE_CHECKS, type ProbeCheck, type ProbeContext, type Verdict } from './checks';
import { ProbeBudgetExceeded, ProbeHttp } from './probe-http';

export interface ProbeOptions {
  host: string;
  apiKey: string;
  subjects: SubjectCatalogue;
  /** The page size the gateway will ask for (UPSTREAM_PAGE_SIZE). */
  pageSize: number;
  timeoutMs: number;
  maxCalls: number;
  maxDurationMs: number;
  checks?: readonly ProbeCheck[];
  onProgress?: (line: string) => void;
}

export interface ProbeRow {
  id: string;
  assumption: string;
  observed: string;
  verdict: Verdict;
  blocking: boolean;
}

export interface ProbeReport {
  rows: ProbeRow[];
  calls: number;
  durationMs: number;
  /** 0 everything the gateway depends on holds; 1 something it depends on differs; 2 something it depends on could not be checked. */
  exitCode: 0 | 1 | 2;
}

function failureText(error: unknown): string {
  if (error instanceof ProbeBudgetExceeded) return 'call budget spent';
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timed out';
  return `request failed (${error instanceof Error ? error.message : String(error)})`;
}

export async function runProbe(options: ProbeOptions): Promise<ProbeReport> {
  const started = Date.now();
  const http = new ProbeHttp({ baseUrl: options.host, apiKey: options.apiKey, timeoutMs: options.timeoutMs, maxCalls: options.maxCalls });
  const context: ProbeContext = {
    http,
    subjects: options.subjects,
    pageSize: options.pageSize,
    keyAccepted: false,
    sample: { clients: [], tickets: null },
  };
  const checks = options.checks ?? PROBE_CHECKS;
  const rows: ProbeRow[] = [];
  for (const [index, check] of checks.entries()) {
    const base = { id: check.id, assumption: check.assumption, blocking: check.blocking };
    let row: ProbeRow;
    if (Date.now() - started > options.maxDurationMs) row = { ...base, verdict: 'could not check', observed: 'time budget spent' };
    else if (index > 0 && !context.keyAccepted) row = { ...base, verdict: 'could not check', observed: 'upstream did not accept the key' };
    else {
      try {
        row = { ...base, ...(await check.run(context)) };
      } catch (error) {
        row = { ...base, verdict: 'could not check', observed: failureText(error) };
      }
    }
    rows.push(row);
    options.onProgress?.(`[${index + 1}/${checks.length}] ${row.id}: ${row.verdict}${row.verdict === 'ok' ? '' : ` (${row.observed})`}`);
  }
  const blocking = rows.filter((row) => row.blocking);
  const exitCode = blocking.some((row) => row.verdict === 'differs')
    ? 1
    : blocking.some((row) => row.verdict === 'could not check')
      ? 2
      : 0;
  return { rows, calls: http.calls, durationMs: Date.now() - started, exitCode };
}

/** The report as a plain-text table: assumption → observed → verdict, one check per block. */
export function formatReport(report: ProbeReport): string {
  const lines: string[] = [];
  for (const row of report.rows) {
    const mark =
      row.verdict === 'ok'
        ? 'ok'
        : row.verdict === 'differs'
          ? row.blocking
            ? 'DIFFERS'
            : 'differs'
          : row.blocking
            ? 'COULD NOT CHECK'
            : 'could not check';
    lines.push(`${mark.padEnd(15)} ${row.id}`, `    assumed:  ${row.assumption}`, `    observed: ${row.observed}`);
  }
  const count = (verdict: Verdict) => report.rows.filter((row) => row.verdict === verdict).length;
  lines.push(
    '',
    `${count('ok')} ok, ${count('differs')} differ, ${count('could not check')} could not be checked; ${report.calls} GET calls in ${(report.durationMs / 1000).toFixed(1)} s; nothing was written.`,
    report.exitCode === 0
      ? 'Everything the gateway depends on holds for this tenant.'
      : report.exitCode === 1
        ? 'Something the gateway depends on differs (upper case above): fix it or tell us before going live.'
        : 'Something the gateway depends on could not be checked (upper case above): run the probe again.',
  );
  return lines.join('\n');
}
