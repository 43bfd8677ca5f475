/**
 * The probe's only way to reach WispHub Net: GETs, never followed redirects (a redirect is an
 * observation), a timeout per call and a budget of calls, so a probe run is bounded whatever the
 * tenant does. It never writes.
 */

export interface ProbeHttpOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  maxCalls: number;
}

/** What one GET showed: status, where a redirect pointed, the JSON body (or that it was not JSON). */
export interface Observation {
  status: number;
  location: string | null;
  /** The parsed body; `undefined` when the body was not JSON (an HTML page, empty). */
  json: unknown;
  contentType: string;
}

export class ProbeBudgetExceeded extends Error {
  constructor() {
    super('call budget spent');
    this.name = 'ProbeBudgetExceeded';
  }
}

export class ProbeHttp {
  readonly baseUrl: string;
  calls = 0;

  constructor(private readonly options: ProbeHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  get maxCalls(): number {
    return this.options.maxCalls;
  }

  /** GET `path` (with `query`); `apiKey` overrides the key (the auth check sends a wrong one). */
  async get(path: string, query: Record<string, string | number> = {}, apiKey = this.options.apiKey): Promise<Observation> {
    if (this.calls >= this.options.maxCalls) throw new ProbeBudgetExceeded();
    this.calls++;
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
    const response = await fetch(url, {
      headers: { Authorization: `Api-Key ${apiKey}`, Accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      json = undefined;
    }
    return {
      status: response.status,
      location: response.headers.get('location'),
      json,
      contentType: response.headers.get('content-type') ?? '',
    };
  }
}

/** The path of a redirect's Location, for reports (never the host or the query). */
export function locationPath(location: string | null, base: string): string {
  if (!location) return '(no Location)';
  try {
    return new URL(location, base).pathname;
  } catch {
    return '(unreadable Location)';
  }
}
