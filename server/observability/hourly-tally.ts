/**
 * Counts per label per clock hour (UTC), for the last `hours` hours: upstream calls per endpoint
 * for the console. This instance's own calls; memory is bounded by hours × labels.
 */

const HOUR_MS = 3_600_000;

export interface HourlySeries {
  /** The start of each hour, oldest first (ISO 8601). */
  hours: string[];
  /** One row per label, its count in each hour, busiest label first. */
  series: { label: string; counts: number[]; total: number }[];
}

export class HourlyTally {
  /** hour number (ms / HOUR_MS) → label → count. */
  private readonly byHour = new Map<number, Map<string, number>>();

  constructor(
    private readonly hours = 24,
    private readonly now: () => number = Date.now,
  ) {}

  add(label: string, at = this.now()): void {
    const hour = Math.floor(at / HOUR_MS);
    let counts = this.byHour.get(hour);
    if (!counts) {
      counts = new Map();
      this.byHour.set(hour, counts);
      for (const old of this.byHour.keys()) if (old <= hour - this.hours) this.byHour.delete(old);
    }
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }

  /** Every hour of the window, quiet ones at zero. */
  snapshot(): HourlySeries {
    const current = Math.floor(this.now() / HOUR_MS);
    const hourNumbers = Array.from({ length: this.hours }, (_, index) => current - this.hours + 1 + index);
    const labels = new Set<string>();
    for (const hour of hourNumbers) for (const label of this.byHour.get(hour)?.keys() ?? []) labels.add(label);
    const series = [...labels].map((label) => {
      const counts = hourNumbers.map((hour) => this.byHour.get(hour)?.get(label) ?? 0);
      return { label, counts, total: counts.reduce((sum, count) => sum + count, 0) };
    });
    series.sort((a, b) => b.total - a.total || a.label.localeCompare(b.label));
    return { hours: hourNumbers.map((hour) => new Date(hour * HOUR_MS).toISOString()), series };
  }
}
