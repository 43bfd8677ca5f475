/**
 * The read-only probe run from inside the service (the console's "run the probe" button) against
 * the tenant this service talks to: one run at a time, at most one per `minIntervalMs` (each run
 * spends up to `maxCalls` GETs of the tenant's rate limit), the last report kept for staff.
 */

import { AppError } from '../../errors';
import type { ProbeOptions, ProbeReport } from './run-probe';
import { runProbe } from './run-probe';

/** The command line's defaults (scripts/probe.ts), for a run from the console. */
export const PROBE_TIMEOUT_MS = 15_000;
export const PROBE_MAX_CALLS = 60;
export const PROBE_MAX_DURATION_MS = 180_000;

export interface ProbeRun {
  report: ProbeReport;
  startedAt: string;
  /** Who asked (a console admin's name). */
  by: string;
}

export type ProbeTarget = Omit<ProbeOptions, 'onProgress'>;

export class ProbeRunner {
  private lastRun: ProbeRun | null = null;
  private running: Promise<ProbeRun> | null = null;
  private lastStartMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly target: ProbeTarget,
    private readonly minIntervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get last(): ProbeRun | null {
    return this.lastRun;
  }

  get inProgress(): boolean {
    return this.running !== null;
  }

  /** Seconds until another run is allowed (0: now). */
  waitSeconds(): number {
    const left = this.lastStartMs + this.minIntervalMs - this.now();
    return this.running || left > 0 ? Math.max(1, Math.ceil(left / 1000)) : 0;
  }

  /** Starts a run; a second caller while one runs, or within the interval, is refused with `rate_limited`. */
  run(by: string): Promise<ProbeRun> {
    const wait = this.waitSeconds();
    if (wait > 0)
      throw new AppError('rate_limited', {
        message: 'La prueba de WispHub ya corrió hace poco o está corriendo: espere para correrla de nuevo.',
        retryAfterSeconds: wait,
      });
    this.lastStartMs = this.now();
    const startedAt = new Date(this.lastStartMs).toISOString();
    this.running = runProbe(this.target)
      .then((report) => {
        this.lastRun = { report, startedAt, by };
        return this.lastRun;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
