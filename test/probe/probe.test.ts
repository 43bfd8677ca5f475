import { spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_SUBJECT_CATALOGUE } from '../../server/domain/ticket-subjects';
import type { SimulatorDialect } from '../../server/simulator/dialect';
import type { SimulatorFaults } from '../../server/simulator/faults';
import { type Simulator, startSimulator } from '../../server/simulator/server';
import { type ProbeReport, runProbe } from '../../server/wisphub/probe/run-probe';
import { runtimeExecutable, typescriptArgs } from '../support/runtimes';

/**
 * The probe against the simulator: in its default dialect (WispHub Net as docs/upstream.md
 * records it) every check is ok; each variant flips one behaviour and its check says "differs";
 * the CLI prints progress and a masked report, never writes, and exits by what differs.
 */

const probe = suite('probe: the dialect check an ISP runs before going live');
let sim: Simulator;

probe.before(async () => {
  sim = await startSimulator({ seed: 20261123, clients: 300, plans: 10, tickets: 200, zones: 10, pingDelayMs: 50 });
});
probe.after(() => sim.close());
probe.before.each(() => {
  sim.resetFaults();
  sim.resetDialect();
  sim.resetCalls();
});

const run = (options: { pageSize?: number; apiKey?: string } = {}): Promise<ProbeReport> =>
  runProbe({
    host: sim.url,
    apiKey: options.apiKey ?? sim.apiKey,
    subjects: DEFAULT_SUBJECT_CATALOGUE,
    pageSize: options.pageSize ?? 1000,
    timeoutMs: 5000,
    maxCalls: 60,
    maxDurationMs: 60_000,
  });

const verdictOf = (report: ProbeReport, id: string) => {
  const row = report.rows.find((candidate) => candidate.id === id);
  if (!row) throw new Error(`no check ${id}`);
  return row;
};

probe('the default dialect: every check ok, exit 0, GETs only and bounded', async () => {
  const report = await run();
  const notOk = report.rows.filter((row) => row.verdict !== 'ok').map((row) => `${row.id}: ${row.verdict} (${row.observed})`);
  assert.equal(notOk, []);
  assert.is(report.exitCode, 0);
  assert.ok(report.rows.length >= 15, 'every assumption has a check');
  assert.ok(sim.calls(/^GET /) > 0);
  assert.is(sim.calls(/^(?!GET )/), 0, 'nothing but GETs');
  assert.ok(report.calls <= 60, `bounded (${report.calls} calls)`);
});

/** One variant per assumption: the dialect or fault that flips it, and the check that must say so. */
const VARIANTS: {
  name: string;
  check: string;
  blocking: boolean;
  dialect?: Partial<SimulatorDialect>;
  faults?: Partial<SimulatorFaults>;
  pageSize?: number;
}[] = [
  { name: 'offsets ignored, cursor links', check: 'pagination', blocking: true, dialect: { paging: 'cursor' } },
  { name: 'no count', check: 'pagination', blocking: true, dialect: { paging: 'no-count' } },
  { name: 'cursor `next` links', check: 'next-link', blocking: false, dialect: { paging: 'cursor' } },
  { name: '/saldo/ with a slash', check: 'spelling:saldo', blocking: false, dialect: { balanceWithSlash: true } },
  { name: '/perfil without a slash', check: 'spelling:perfil', blocking: true, dialect: { profileWithSlash: false } },
  { name: 'a saldo shape we do not know', check: 'saldo-shape', blocking: true, dialect: { balanceRecord: 'unknown' } },
  {
    name: 'client filters ignored',
    check: 'client-filters',
    blocking: false,
    faults: { ignoredFilters: ['cedula', 'id_servicio', 'telefono'] },
  },
  { name: 'ticket filters ignored', check: 'ticket-filters', blocking: false, faults: { ignoredFilters: ['estado', 'servicio'] } },
  { name: 'tickets carry a bare service id', check: 'ticket-shape', blocking: true, dialect: { nestedTicketService: false } },
  { name: 'subjects stored as sent', check: 'subject-rewrite', blocking: false, dialect: { rewriteTicketSubjects: false } },
  { name: 'a catalogue of items without a name', check: 'subject-catalogue', blocking: true, dialect: { subjectCatalogue: 'unreadable' } },
  { name: 'no task endpoint (HTML 404)', check: 'task-endpoint', blocking: true, dialect: { taskEndpoint: false } },
];

for (const variant of VARIANTS) {
  probe(`variant "${variant.name}" → ${variant.check} differs${variant.blocking ? ', exit 1' : ' (not blocking)'}`, async () => {
    if (variant.dialect) sim.setDialect(variant.dialect);
    if (variant.faults) sim.setFaults(variant.faults);
    const report = await run();
    const row = verdictOf(report, variant.check);
    assert.is(row.verdict, 'differs', `${variant.check}: ${row.observed}`);
    assert.is(row.blocking, variant.blocking);
    if (variant.blocking) assert.is(report.exitCode, 1);
  });
}

for (const catalogue of ['own', 'partial'] as const) {
  probe(
    `an ISP with a catalogue of its own ("${catalogue}"): subject-catalogue ok, exit 0, with what differs from our rules said as information`,
    async () => {
      sim.setDialect({ subjectCatalogue: catalogue });
      const report = await run();
      const row = verdictOf(report, 'subject-catalogue');
      assert.is(row.verdict, 'ok', row.observed);
      assert.is(
        report.exitCode,
        0,
        report.rows
          .filter((candidate) => candidate.verdict !== 'ok')
          .map((candidate) => candidate.id)
          .join(', '),
      );
      assert.match(row.observed, /subjects are offered as they are/);
      assert.match(row.observed, /subjects our rules know are not in this ISP’s catalogue/);
      if (catalogue === 'own')
        assert.match(row.observed, /have no priority rule here and get DEFAULT_SUBJECT_PRIORITY \("Sin Señal en la Antena"/);
      assert.not.match(row.observed, /TICKET_SUBJECTS_FILE/, 'no advice to replace what already works');
    },
  );
}

probe('no catalogue endpoint: the fallback list is checked against the subjects of the ISP’s own tickets', async () => {
  sim.setDialect({ subjectCatalogue: 'absent' });
  const covered = await run();
  assert.is(verdictOf(covered, 'subject-catalogue').verdict, 'ok', verdictOf(covered, 'subject-catalogue').observed);
  assert.match(verdictOf(covered, 'subject-catalogue').observed, /the fallback list of \d+ covers the \d+ subjects seen/);
  const narrow = await runProbe({
    host: sim.url,
    apiKey: sim.apiKey,
    subjects: { 1: [], 2: ['Internet Lento'], 3: [], 4: [] },
    pageSize: 1000,
    timeoutMs: 5000,
    maxCalls: 60,
    maxDurationMs: 60_000,
  });
  const row = verdictOf(narrow, 'subject-catalogue');
  assert.is(row.verdict, 'differs');
  assert.match(row.observed, /not in the fallback list .*set TICKET_SUBJECTS_FILE/);
  assert.is(narrow.exitCode, 1);
});

probe('ticket comments: a list is read; a 404 means "not offered here" (ok, not blocking); one invoice reads as an object', async () => {
  const offered = await run();
  assert.is(verdictOf(offered, 'ticket-comments').verdict, 'ok');
  assert.match(verdictOf(offered, 'invoice-endpoint').observed, /200 JSON object with fields: .*total/);
  sim.setDialect({ ticketComments: false });
  const absent = await run();
  const row = verdictOf(absent, 'ticket-comments');
  assert.is(row.verdict, 'ok');
  assert.is(row.blocking, false);
  assert.match(row.observed, /not offered here/);
  assert.is(absent.exitCode, 0);
});

probe(
  'a tenant capping pages below our page size → page-size differs (not blocking: the gateway pages by what it gets) and names the size to set',
  async () => {
    sim.setDialect({ maxPageSize: 100 });
    const report = await run({ pageSize: 1000 });
    const row = verdictOf(report, 'page-size');
    assert.is(row.verdict, 'differs');
    assert.is(row.blocking, false);
    assert.is(verdictOf(report, 'pagination').verdict, 'ok');
    assert.is(report.exitCode, 0);
    assert.match(row.observed, /set UPSTREAM_PAGE_SIZE to 100/);
  },
);

probe('a key upstream refuses → auth differs ("the key was rejected"), every other check could not be checked, exit 1', async () => {
  const report = await run({ apiKey: 'wrong000.wrongwrongwrongwrongwrongwrongwron' });
  assert.is(verdictOf(report, 'auth').verdict, 'differs');
  assert.match(verdictOf(report, 'auth').observed, /the key was rejected/);
  assert.ok(report.rows.slice(1).every((row) => row.verdict === 'could not check'));
  assert.is(report.exitCode, 1);
  assert.is(report.calls, 1, 'stops calling once the key is refused');
});

probe('an upstream that stops answering → could not check, within the time and call budgets, exit 2', async () => {
  sim.setFaults({ stallRate: 1, stallMs: 3000, pathPrefix: '/api/tickets/' });
  const report = await runProbe({
    host: sim.url,
    apiKey: sim.apiKey,
    subjects: DEFAULT_SUBJECT_CATALOGUE,
    pageSize: 1000,
    timeoutMs: 300,
    maxCalls: 60,
    maxDurationMs: 60_000,
  });
  assert.is(verdictOf(report, 'ticket-shape').verdict, 'could not check');
  assert.match(verdictOf(report, 'ticket-shape').observed, /timed out/);
  assert.is(verdictOf(report, 'auth').verdict, 'ok');
  assert.is(report.exitCode, 2);
});

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const child = spawn(runtimeExecutable('node'), typescriptArgs('node', 'scripts/probe.ts', args), {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

probe('the CLI: host and key from the environment, a progress line per check, a masked report, exit 0', async () => {
  const result = await cli([], { WISPHUB_NET_HOST: sim.url, WISPHUB_NET_KEY: sim.apiKey });
  assert.is(result.code, 0, result.stderr);
  const progress = result.stderr.split('\n').filter((line) => /^\[\d+\/\d+\] /.test(line));
  assert.ok(progress.length >= 15, 'one progress line per check');
  assert.match(result.stdout, /Everything the gateway depends on holds/);
  assert.match(result.stdout, /nothing was written/);
  const output = result.stdout + result.stderr;
  for (const client of sim.data.clients.slice(0, 10)) {
    for (const value of [client.cedula, client.telefono, client.nombre, client.email]) {
      if (typeof value === 'string' && value.length >= 5) assert.not.ok(output.includes(value), 'no personal datum in the output');
    }
  }
  assert.not.ok(output.includes(sim.apiKey), 'the key is never printed');
});

probe('the CLI: --host/--key flags, a blocking difference → exit 1 naming it; bad usage → 64', async () => {
  sim.setDialect({ profileWithSlash: false });
  const differs = await cli(['--host', sim.url, '--key', sim.apiKey]);
  assert.is(differs.code, 1);
  assert.match(differs.stdout, /DIFFERS\s+spelling:perfil/);
  const missing = await cli([], { WISPHUB_NET_HOST: '', WISPHUB_NET_KEY: '' });
  assert.is(missing.code, 64);
  assert.match(missing.stderr, /missing --host/);
  const json = await cli(['--host', sim.url, '--key', sim.apiKey, '--json']);
  assert.is((JSON.parse(json.stdout) as ProbeReport).exitCode, 1);
});

probe.run();
