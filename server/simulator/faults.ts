/** Faults the simulator can inject, settable at start and changed at run time by tests. */
export interface SimulatorFaults {
  /** Added to every call, plus up to `jitterMs` more. */
  latencyMs: number;
  jitterMs: number;
  /** Extra latency of every list page (benchmarks model a slow upstream page with it). */
  pageLatencyMs: number;
  /** Share (0-1) of calls answering 500. */
  errorRate: number;
  /** Share of calls that wait `stallMs` before answering (longer than a client timeout). */
  stallRate: number;
  stallMs: number;
  /** Every call answers this status (e.g. 503) with a JSON detail. */
  forceStatus: number | null;
  /** Share of calls answering an HTML page instead of JSON (a wrong host, a proxy error page). */
  htmlRate: number;
  /** Share of calls answering a truncated JSON body. */
  truncatedJsonRate: number;
  /** Share of calls whose connection is destroyed without an answer. */
  resetRate: number;
  /** Every call answers the DRF 403, whatever the key. */
  forbidden: boolean;
  /** List items with these ids come back malformed (wrong types, missing id). */
  malformedItemIds: number[];
  /** List pages starting at these offsets answer 500. */
  failOffsets: number[];
  /** Writes commit, then wait this long before answering (a POST that times out after committing). */
  commitThenStallMs: number;
  /** Writes commit, then the connection drops without an answer. */
  commitThenReset: boolean;
  /** List filters upstream silently ignores (answering the unfiltered list), e.g. ["servicio"]. */
  ignoredFilters: string[];
  /** When set, faults apply only to paths starting with this prefix (e.g. "/api/tickets/"). */
  pathPrefix: string | null;
  /** When set, faults apply only to this method. */
  method: string | null;
}

export const NO_FAULTS: SimulatorFaults = {
  latencyMs: 0,
  jitterMs: 0,
  pageLatencyMs: 0,
  errorRate: 0,
  stallRate: 0,
  stallMs: 10_000,
  forceStatus: null,
  htmlRate: 0,
  truncatedJsonRate: 0,
  resetRate: 0,
  forbidden: false,
  malformedItemIds: [],
  failOffsets: [],
  commitThenStallMs: 0,
  commitThenReset: false,
  ignoredFilters: [],
  pathPrefix: null,
  method: null,
};

export function faultsApply(faults: SimulatorFaults, method: string, pathname: string): boolean {
  if (faults.pathPrefix !== null && !pathname.startsWith(faults.pathPrefix)) return false;
  if (faults.method !== null && faults.method.toUpperCase() !== method.toUpperCase()) return false;
  return true;
}
