/**
 * Latency histograms as the daily rollups keep them: a count per bucket, so any range of days and
 * keys merges by addition and its percentiles come out without reading a single request row.
 * A percentile is interpolated inside its bucket: exact to the bucket's width, no better.
 */

import { HISTOGRAM_BUCKETS } from '../../database/tables';

/** Upper bounds, milliseconds; the last bucket takes everything above the one before it. */
export const BUCKET_UPPER_MS: readonly number[] = [
  10, 25, 50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10_000, 15_000, 20_000, 30_000, 60_000, 120_000,
];
if (BUCKET_UPPER_MS.length !== HISTOGRAM_BUCKETS) throw new Error('histogram buckets and columns disagree');

export function bucketOf(ms: number): number {
  for (let index = 0; index < BUCKET_UPPER_MS.length - 1; index++) if (ms <= BUCKET_UPPER_MS[index]!) return index;
  return BUCKET_UPPER_MS.length - 1;
}

/** The q-quantile (0 < q ≤ 1) of a histogram, or null when it counts nothing. */
export function quantileOf(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let index = 0; index < counts.length; index++) {
    const count = counts[index] ?? 0;
    if (count > 0 && seen + count >= rank) {
      const lower = index === 0 ? 0 : BUCKET_UPPER_MS[index - 1]!;
      const upper = BUCKET_UPPER_MS[index]!;
      return Math.round(lower + ((rank - seen) / count) * (upper - lower));
    }
    seen += count;
  }
  return BUCKET_UPPER_MS[BUCKET_UPPER_MS.length - 1]!;
}
