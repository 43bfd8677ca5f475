/**
 * Seeds and bounds of the fuzz suites, from the environment:
 *   FUZZ_SEED     a number (default: a fixed seed, so CI repeats itself), or "random"
 *   FUZZ_RUNS     generated cases per suite (default 3000)
 *   FUZZ_SECONDS  time bound per suite (default 90)
 * A failing case prints its seed and input: replay it with the same FUZZ_SEED, and keep it as a
 * regression test (test/hostile/).
 */

export interface FuzzSettings {
  seed: number;
  runs: number;
  seconds: number;
}

const DEFAULT_SEED = 20261123;

function positive(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

export function fuzzSettings(): FuzzSettings {
  const given = process.env.FUZZ_SEED;
  const seed = given === 'random' ? Math.floor(Math.random() * 2 ** 31) : given ? positive('FUZZ_SEED', DEFAULT_SEED) : DEFAULT_SEED;
  return { seed, runs: positive('FUZZ_RUNS', 3000), seconds: positive('FUZZ_SECONDS', 90) };
}

export interface FuzzFinding {
  where: string;
  problems: string[];
  input: unknown;
  answer: string;
}

/** Prints what was found, at most ten, with the input that found it. */
export function logFailures(findings: readonly FuzzFinding[]): void {
  for (const finding of findings.slice(0, 10)) {
    console.error(
      `  ✘ ${finding.where}: ${finding.problems.join('; ')}\n    input: ${safeJson(finding.input).slice(0, 500)}\n    answer: ${finding.answer}`,
    );
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** fast-check's options for one property given a share of the suite's runs and time (`offset` varies the seed per property). */
export function propertyOptions(settings: FuzzSettings, share: number, offset = 0) {
  return {
    seed: settings.seed + offset,
    numRuns: Math.ceil(settings.runs / share),
    interruptAfterTimeLimit: (settings.seconds * 1000) / share,
    endOnFailure: true,
    verbose: 0 as const,
  };
}

/** Waits for a property run; a counterexample is reported through `findings` (printed here), anything else is rethrown. */
export async function settleProperty(run: Promise<unknown>, findings: readonly FuzzFinding[]): Promise<void> {
  await run.catch((error: unknown) => {
    if (findings.length === 0) throw error;
  });
  logFailures(findings);
}
