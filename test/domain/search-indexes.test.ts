import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ClientDirectory } from '../../server/domain/client-directory';
import { NearWords, withinOneEdit } from '../../server/domain/fuzzy';
import { compareClaims, prepareClaims, resolveIdentity } from '../../server/domain/identity';
import { smallestKeys } from '../../server/domain/smallest-keys';
import { generateSimulatorData } from '../../server/simulator/data';
import { SeededRandom } from '../../server/simulator/random';
import { toClient } from '../../server/wisphub/client-mapper';
import { upstreamClientSchema } from '../../server/wisphub/schemas';

/** The indexes that make search and resolve fast must answer exactly what a plain scan answers. */
const indexes = suite('domain: search indexes agree with plain scans');

const random = new SeededRandom(11);

indexes('smallestKeys equals a full sort cut to the page, for every size and depth', () => {
  for (const count of [0, 1, 2, 7, 100, 5000]) {
    const keys = Float64Array.from({ length: count }, () => random.int(0, 400) * 1000 + random.int(0, 999));
    const sorted = [...keys].sort((a, b) => a - b);
    for (const k of [0, 1, 3, 20, 150, count, count + 5]) {
      const got = [...smallestKeys(Float64Array.from(keys), count, k)];
      assert.equal(got, sorted.slice(0, k), `count ${count}, k ${k}`);
    }
  }
});

indexes('smallestKeys reads only the first `count` keys of a longer buffer', () => {
  const buffer = Float64Array.from([9, 3, 7, 1, 0, 0, 0]);
  assert.equal([...smallestKeys(buffer, 4, 2)], [1, 3]);
  assert.equal([...smallestKeys(buffer, 4, 10)], [1, 3, 7, 9]);
});

function randomWord(letters: string, min: number, max: number): string {
  const length = random.int(min, max);
  return Array.from({ length }, () => letters[random.int(0, letters.length - 1)]).join('');
}

indexes('NearWords finds exactly the words a scan with withinOneEdit finds', () => {
  // A small alphabet makes neighbours one edit apart common.
  const words = [...new Set(Array.from({ length: 3000 }, () => randomWord('abcde', 3, 8)))].sort();
  const near = new NearWords(words);
  for (let round = 0; round < 400; round++) {
    const token = round % 2 === 0 ? randomWord('abcde', 5, 8) : mutate(words[random.int(0, words.length - 1)]!);
    const expected = token.length < 5 ? [] : words.flatMap((word, position) => (withinOneEdit(token, word) ? [position] : []));
    assert.equal(near.positionsNear(token), expected, token);
  }
});

/** One random edit: substitution, insertion, deletion or a swap of neighbours. */
function mutate(word: string): string {
  const at = random.int(0, word.length - 1);
  switch (random.int(0, 3)) {
    case 0:
      return `${word.slice(0, at)}x${word.slice(at + 1)}`;
    case 1:
      return `${word.slice(0, at)}y${word.slice(at)}`;
    case 2:
      return `${word.slice(0, at)}${word.slice(at + 1)}`;
    default:
      return at + 1 < word.length ? `${word.slice(0, at)}${word[at + 1]}${word[at]}${word.slice(at + 2)}` : word;
  }
}

indexes('NearWords: typed Spanish misspellings, short words and digit words', () => {
  const words = ['1234567', 'benitez', 'esperanza', 'gomez', 'lopez', 'munoz', 'pena', 'speranza'];
  const near = new NearWords(words);
  const found = (token: string) => near.positionsNear(token).map((position) => words[position]);
  assert.equal(found('esperansa'), ['esperanza']);
  assert.equal(found('esepranza'), ['esperanza']); // neighbours swapped
  assert.equal(found('esperanzaa'), ['esperanza']);
  assert.equal(found('benites'), ['benitez']);
  assert.equal(found('gomes'), ['gomez']);
  assert.equal(
    found('epseranza'),
    ['esperanza', 'speranza'].filter((word) => withinOneEdit('epseranza', word)),
  );
  assert.equal(found('pena'), [], 'four letters: exact only');
  assert.equal(found('1234568'), [], 'digit words are never typos of one another');
  assert.equal(found(''), []);
});

function directoryOf(clients: number): ClientDirectory {
  const data = generateSimulatorData({ seed: 5, clients, plans: 12, tickets: 0, zones: 6 });
  return ClientDirectory.build(data.clients.map((raw) => toClient(upstreamClientSchema.parse(raw))));
}

const directory = directoryOf(3000);

indexes('search: a page cut from the top hits equals the same page of the fully sorted hits', () => {
  for (const query of ['pena', 'maria', 'jose munoz', 'vereda', 'barrio san', '300', 'esperansa', 'cra 12', 'a', 'zzzz']) {
    const all = directory.search(query, 100_000, 0);
    assert.is(all.items.length, all.total, query);
    for (const [limit, offset] of [
      [1, 0],
      [20, 0],
      [20, 40],
      [5, Math.max(0, all.total - 3)],
      [20, all.total + 10],
    ] as const) {
      const page = directory.search(query, limit, offset);
      assert.is(page.total, all.total, `${query} total`);
      assert.equal(
        page.items.map((hit) => [hit.client.serviceId, hit.rank]),
        all.items.slice(offset, offset + limit).map((hit) => [hit.client.serviceId, hit.rank]),
        `${query} ${limit}@${offset}`,
      );
    }
  }
});

indexes('search: an exact document or phone ranks its holder first', () => {
  const holder = directory.clients.find((client) => client.phones.length > 0)!;
  const [first] = directory.search(holder.phones[0]!, 5, 0).items;
  assert.is(first?.client.serviceId, holder.serviceId);
  assert.is(first?.rank, 'exact_identifier');
});

indexes('resolve: dropping clients early on plan and price changes no answer', () => {
  // The reference compares every fact of every candidate, as resolve did before the early drop.
  for (const client of directory.clients.slice(0, 300)) {
    const words = client.name.split(' ');
    for (const claims of [
      { name: client.name, address: client.address ?? '', planName: client.plan?.name ?? '', planPrice: client.planPrice ?? 0 },
      { name: `${words[0]} ${words.at(-1)}x`, address: (client.address ?? '').split(' ').slice(0, 3).join(' '), planName: 'otro plan' },
      { name: words[0], address: client.address ?? '', planPrice: (client.planPrice ?? 0) + 10 },
    ]) {
      const prepared = prepareClaims(claims);
      const given = prepared.given.length;
      const reference = directory
        .identityCandidates(claims)
        .map((candidate) => ({ client: candidate, ...compareClaims(candidate, prepared, true) }))
        .filter(
          (entry) => ['exact', 'partial'].includes(entry.quality.name ?? '') || ['exact', 'partial'].includes(entry.quality.address ?? ''),
        );
      const full = reference.filter((entry) => entry.mismatchedFields.length === 0);
      const close = full.length > 1 ? full : reference.filter((entry) => entry.matchedFields.length >= Math.max(2, given - 1));
      const result = resolveIdentity(directory, claims);
      if (full.length === 1) {
        assert.is(result.status, 'resolved');
        if (result.status === 'resolved') assert.is(result.client.serviceId, full[0]!.client.serviceId);
      } else if (close.length === 0) {
        assert.is(result.status, 'not_found', JSON.stringify(claims));
      } else {
        assert.is(result.status, 'ambiguous', JSON.stringify(claims));
        if (result.status === 'ambiguous') {
          const ids = new Set(close.map((entry) => entry.client.serviceId));
          for (const candidate of result.candidates) assert.ok(ids.has(candidate.client.serviceId));
          assert.is(result.candidates.length, Math.min(5, close.length));
        }
      }
    }
  }
});

indexes.run();
