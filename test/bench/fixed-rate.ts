/**
 * An open-loop load at a fixed rate (requests leave on schedule whether or not earlier ones have
 * answered, so a slow server cannot slow the load down and hide its latency), timing each request
 * to the microsecond: to its first body byte and to its end. For latencies below autocannon's
 * one-millisecond resolution.
 */
import { Agent, request } from 'node:http';
import { percentile, round3 as round } from './stats';

export interface FixedRateResult {
  sent: number;
  errors: number;
  /** Time to the whole answer. */
  p50Ms: number;
  p99Ms: number;
  /** Time to the first body byte (a stream's first event). */
  firstByteP50Ms: number;
  firstByteP99Ms: number;
}

export async function fixedRate(
  url: string,
  headers: Record<string, string>,
  body: string,
  rate: number,
  seconds: number,
): Promise<FixedRateResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(url);
  const total = Math.round(rate * seconds);
  const whole: number[] = [];
  const first: number[] = [];
  let errors = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      let firstAt = 0;
      const call = request(
        target,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
        },
        (response) => {
          response.on('data', () => {
            if (firstAt === 0) firstAt = performance.now();
          });
          response.on('end', () => {
            if (response.statusCode !== 200) errors++;
            else {
              whole.push(performance.now() - started);
              first.push((firstAt || performance.now()) - started);
            }
            resolve();
          });
        },
      );
      call.on('error', () => {
        errors++;
        resolve();
      });
      call.end(body);
    });
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let index = 0; index < total; index++) {
    const wait = start + (index * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(one());
  }
  await Promise.all(pending);
  agent.destroy();
  const sorted = (values: number[]) => values.sort((a, b) => a - b);
  sorted(whole);
  sorted(first);
  return {
    sent: total,
    errors,
    p50Ms: round(percentile(whole, 50)),
    p99Ms: round(percentile(whole, 99)),
    firstByteP50Ms: round(percentile(first, 50)),
    firstByteP99Ms: round(percentile(first, 99)),
  };
}
