import { parseArgs } from 'node:util';
import { loadSubjectCatalogue } from '../server/config/subject-file';
import type { SubjectCatalogue } from '../server/domain/ticket-subjects';
import { PROBE_MAX_CALLS, PROBE_MAX_DURATION_MS, PROBE_TIMEOUT_MS } from '../server/wisphub/probe/probe-runner';
import { formatReport, runProbe } from '../server/wisphub/probe/run-probe';

/**
 * `npm run probe -- --host https://api.wisphub.net --key <key>`: checks, with GETs only, that a
 * WispHub Net tenant speaks the dialect the gateway relies on (docs/upstream.md). Progress on
 * stderr, the report on stdout (or JSON with --json). Exit 0 all that matters holds, 1 something
 * the gateway depends on differs, 2 something it depends on could not be checked, 64 bad usage.
 */

const USAGE = `usage: npm run probe -- --host https://<your-tenant-host> --key <api key>
  --host          WispHub Net base URL (default: WISPHUB_NET_HOST)
  --key           API key (default: WISPHUB_NET_KEY); sent only to --host
  --page-size     the page size the gateway will use (default: UPSTREAM_PAGE_SIZE or 1000)
  --timeout-ms    per call (default 15000)
  --max-calls     call budget (default 60)
  --max-seconds   time budget (default 180)
  --subjects-file the subject catalogue the gateway will use (default: TICKET_SUBJECTS_FILE or the shipped one)
  --json          print the report as JSON`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(64);
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) fail(`--${name} must be a positive whole number`);
  return value;
}

const OPTIONS = {
  host: { type: 'string' },
  key: { type: 'string' },
  'page-size': { type: 'string' },
  'timeout-ms': { type: 'string' },
  'max-calls': { type: 'string' },
  'max-seconds': { type: 'string' },
  'subjects-file': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

function readArgs() {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
}
const values = readArgs();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const host = values.host ?? process.env.WISPHUB_NET_HOST;
const apiKey = values.key ?? process.env.WISPHUB_NET_KEY;
if (!host) fail('missing --host (or WISPHUB_NET_HOST)');
if (!apiKey) fail('missing --key (or WISPHUB_NET_KEY)');
try {
  const url = new URL(host);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
} catch {
  fail('--host must be a URL such as https://api.wisphub.net');
}

function readSubjects(): SubjectCatalogue {
  try {
    return loadSubjectCatalogue(values['subjects-file'] ?? process.env.TICKET_SUBJECTS_FILE);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
}
const subjects = readSubjects();

console.error(`probing ${new URL(host).origin} with GETs only…`);
const report = await runProbe({
  host,
  apiKey,
  subjects,
  pageSize: positive('page-size', values['page-size'] ?? process.env.UPSTREAM_PAGE_SIZE, 1000),
  timeoutMs: positive('timeout-ms', values['timeout-ms'], PROBE_TIMEOUT_MS),
  maxCalls: positive('max-calls', values['max-calls'], PROBE_MAX_CALLS),
  maxDurationMs: positive('max-seconds', values['max-seconds'], PROBE_MAX_DURATION_MS / 1000) * 1000,
  onProgress: (line) => console.error(line),
});
console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
process.exit(report.exitCode);
