/**
 * Request metrics counted in plain arrays on the hot path and handed to prom-client only when
 * /metrics is scraped. prom-client validates and hashes the label object on every `inc` and
 * `observe` (three of them per request); a cached read is a few tens of microseconds, so those
 * calls were a measurable share of it. The exposition is the same metrics, names and labels.
 */

import { Counter, Histogram, type Registry } from 'prom-client';

const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

const DURATION_NAME = 'wisphub_http_request_duration_seconds';
const DURATION_HELP = 'Request latency by surface and procedure.';

type RequestLabels = { surface: string; procedure: string; status: string };
type DurationLabels = { surface: string; procedure: string };

type HistogramExport = Awaited<ReturnType<Histogram<'surface' | 'procedure'>['get']>>;

interface ExportedValue {
  labels: Record<string, string | number>;
  sharedLabels: DurationLabels;
  value: number;
  metricName: string;
  exemplar: null | undefined;
}

interface DurationTally {
  labels: DurationLabels;
  /** Observations per bucket (not cumulative); the last slot is past the largest bound. */
  buckets: number[];
  sum: number;
  count: number;
}

interface CountTally<L> {
  labels: L;
  /** Counted since the last scrape. */
  pending: number;
}

/** Index of the first bucket whose bound holds the value (`buckets.length` when none does). */
function bucketOf(seconds: number): number {
  let index = 0;
  while (index < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[index]!) index++;
  return index;
}

/**
 * prom-client's Histogram with its values read from a tally: `getForPromString` and `get` are what
 * the registry asks a metric for (the first for the text format, the second for JSON), so
 * the exposition matches a histogram that had observed every value.
 */
class TalliedHistogram extends Histogram<'surface' | 'procedure'> {
  constructor(
    private readonly tallies: () => Iterable<DurationTally>,
    registry: Registry,
  ) {
    super({
      name: DURATION_NAME,
      help: DURATION_HELP,
      labelNames: ['surface', 'procedure'],
      buckets: [...DURATION_BUCKETS],
      registers: [registry],
    });
  }

  /** Values shaped as prom-client's histogram shapes them: `le` in labels, the label set shared. */
  private exported(): ExportedValue[] {
    const values: ExportedValue[] = [];
    const value = (
      labels: Record<string, string | number>,
      sharedLabels: DurationLabels,
      count: number,
      suffix: string,
      exemplar: null | undefined,
    ) => ({
      labels,
      sharedLabels,
      value: count,
      metricName: `${DURATION_NAME}_${suffix}`,
      exemplar,
    });
    for (const tally of this.tallies()) {
      let cumulative = 0;
      DURATION_BUCKETS.forEach((bound, index) => {
        cumulative += tally.buckets[index]!;
        values.push(value({ le: bound }, tally.labels, cumulative, 'bucket', null));
      });
      values.push(value({ le: '+Inf' }, tally.labels, tally.count, 'bucket', null));
      values.push(value({}, tally.labels, tally.sum, 'sum', undefined));
      values.push(value({}, tally.labels, tally.count, 'count', undefined));
    }
    return values;
  }

  private metric(values: unknown[]): HistogramExport {
    // prom-client's own histogram puts `le` among the labels, which its label type does not name,
    // and its typings declare `type` a numeric enum (and a `collect`) while the registry reads the string.
    return {
      name: DURATION_NAME,
      help: DURATION_HELP,
      type: 'histogram',
      values,
      aggregator: 'sum',
    } as unknown as HistogramExport;
  }

  /** The registry's text exposition reads this one when a metric has it. */
  async getForPromString(): Promise<HistogramExport> {
    return this.metric(this.exported());
  }

  /** The JSON exposition: the shared labels spread into each value's labels, after `le`. */
  override async get(): Promise<HistogramExport> {
    return this.metric(this.exported().map(({ sharedLabels, labels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } })));
  }
}

export class RequestTally {
  private readonly requests = new Map<string, CountTally<RequestLabels>>();
  private readonly durations = new Map<string, DurationTally>();
  private readonly keys = new Map<string, CountTally<{ key: string }>>();

  constructor(registry: Registry) {
    const requests = this.requests;
    const keys = this.keys;
    new Counter({
      name: 'wisphub_http_requests_total',
      help: 'Requests by surface, procedure and status.',
      labelNames: ['surface', 'procedure', 'status'],
      registers: [registry],
      collect() {
        for (const tally of requests.values()) {
          if (tally.pending > 0) this.inc(tally.labels, tally.pending);
          tally.pending = 0;
        }
      },
    });
    new TalliedHistogram(() => this.durations.values(), registry);
    new Counter({
      name: 'wisphub_api_key_requests_total',
      help: 'Authenticated requests per API key name.',
      labelNames: ['key'],
      registers: [registry],
      collect() {
        for (const tally of keys.values()) {
          if (tally.pending > 0) this.inc(tally.labels, tally.pending);
          tally.pending = 0;
        }
      },
    });
  }

  observe(surface: string, procedure: string, status: number, seconds: number, keyName: string | null): void {
    const route = `${surface}\u0000${procedure}`;
    const statusKey = `${route}\u0000${status}`;
    const counted = this.requests.get(statusKey);
    if (counted) counted.pending++;
    else this.requests.set(statusKey, { labels: { surface, procedure, status: String(status) }, pending: 1 });
    let duration = this.durations.get(route);
    if (!duration) {
      duration = { labels: { surface, procedure }, buckets: new Array<number>(DURATION_BUCKETS.length + 1).fill(0), sum: 0, count: 0 };
      this.durations.set(route, duration);
    }
    duration.buckets[bucketOf(seconds)]!++;
    duration.sum += seconds;
    duration.count++;
    if (keyName) {
      const key = this.keys.get(keyName);
      if (key) key.pending++;
      else this.keys.set(keyName, { labels: { key: keyName }, pending: 1 });
    }
  }
}
