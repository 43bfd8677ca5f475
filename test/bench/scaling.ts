/**
 * Bench child: in-process search and resolve latency over generated directories, run on the
 * runtime under test. Argv: client counts; `--quick` for fewer rounds. Reports over IPC.
 */
import type { Client } from '../../server/domain/client';
import { ClientDirectory } from '../../server/domain/client-directory';
import { resolveIdentity } from '../../server/domain/identity';
import { generateSimulatorData } from '../../server/simulator/data';
import { toClient } from '../../server/wisphub/client-mapper';
import { upstreamClientSchema } from '../../server/wisphub/schemas';
import { percentile, round3 } from './stats';

const quick = process.argv.includes('--quick');
const sizes = process.argv
  .slice(2)
  .filter((arg) => /^\d+$/.test(arg))
  .map(Number);

function fullClaims(client: Client) {
  return { name: client.name, address: client.address ?? '', planName: client.plan?.name ?? '', planPrice: client.planPrice ?? 0 };
}

/** What people type: the first given name and the last surname, its last letter doubled (one edit) when long enough, and the address's first three words. */
function partialClaims(client: Client) {
  const words = client.name.split(' ');
  const surname = words.at(-1) ?? '';
  return {
    name: `${words[0]} ${surname.length >= 5 ? `${surname}${surname.at(-1)}` : surname}`,
    address: (client.address ?? '').split(' ').slice(0, 3).join(' '),
    planName: client.plan?.name ?? '',
    planPrice: client.planPrice ?? 0,
  };
}

function scaling(clients: number): Record<string, unknown> {
  const data = generateSimulatorData({ seed: 7, clients, plans: 55, tickets: 0, zones: 20 });
  const directory = ClientDirectory.build(data.clients.map((raw) => toClient(upstreamClientSchema.parse(raw))));
  const queries = ['pena', 'jose munoz', 'vereda esperanza', 'maria', 'gomez lopez', '300', 'barrio san', 'ana', 'cra 12', 'peñas blancas'];
  // Untimed warm-up on other clients, with the claim shapes measured below (full and partial, with
  // a price), five passes: the figures are of steady state, not of the JIT compiling the code (one
  // pass without prices left the first size's resolve p99 at 4 ms, 0.2 ms at the next size).
  for (let pass = 0; pass < 5; pass++) {
    for (const client of directory.clients.slice(-200)) {
      directory.search(client.name.split(' ')[0] ?? '', 20, 0);
      resolveIdentity(directory, fullClaims(client));
      resolveIdentity(directory, partialClaims(client));
    }
  }
  const searchTimes: number[] = [];
  for (let round = 0; round < (quick ? 30 : 200); round++) {
    for (const query of queries) {
      const started = performance.now();
      directory.search(query, 20, 0);
      searchTimes.push(performance.now() - started);
    }
  }
  const resolveTimes: number[] = [];
  const sample = directory.clients.slice(0, quick ? 100 : 500);
  for (const client of sample) {
    const claims = fullClaims(client);
    const started = performance.now();
    resolveIdentity(directory, claims);
    resolveTimes.push(performance.now() - started);
  }
  // What people type: a misspelt long word in a search, and partial names and addresses with a typo in resolve.
  const typoQueries = ['esperansa', 'benites', 'gomes lopes', 'munos pena', 'vereda esperansa'];
  const searchTypoTimes: number[] = [];
  for (let round = 0; round < (quick ? 30 : 200); round++) {
    for (const query of typoQueries) {
      const started = performance.now();
      directory.search(query, 20, 0);
      searchTypoTimes.push(performance.now() - started);
    }
  }
  const resolvePartialTimes: number[] = [];
  for (const client of sample) {
    const claims = partialClaims(client);
    const started = performance.now();
    resolveIdentity(directory, claims);
    resolvePartialTimes.push(performance.now() - started);
  }
  for (const times of [searchTimes, resolveTimes, searchTypoTimes, resolvePartialTimes]) times.sort((a, b) => a - b);
  return {
    clients,
    searchP50Ms: round3(percentile(searchTimes, 50)),
    searchP99Ms: round3(percentile(searchTimes, 99)),
    resolveP50Ms: round3(percentile(resolveTimes, 50)),
    resolveP99Ms: round3(percentile(resolveTimes, 99)),
    searchTypoP99Ms: round3(percentile(searchTypoTimes, 99)),
    resolvePartialP99Ms: round3(percentile(resolvePartialTimes, 99)),
  };
}

process.send?.({ rows: sizes.map(scaling) }, () => process.exit(0));
