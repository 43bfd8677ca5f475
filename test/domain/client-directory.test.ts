import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ClientDirectory } from '../../server/domain/client-directory';
import { makeClient } from './fixtures';

const clients = [
  makeClient({
    serviceId: 1,
    name: 'José Peña Muñoz',
    document: '1.098.765.432',
    phones: ['3001234567', '3109876543'],
    address: 'Vereda La Esperanza',
  }),
  makeClient({ serviceId: 2, name: 'Jose Pena Muñoz', document: '52123456', phones: ['3205550000'], address: 'B/ San José' }),
  makeClient({ serviceId: 3, name: 'María Gómez', document: '1098765432', phones: ['3001234567'], address: 'Barrio Peñalosa Cra 5' }),
  makeClient({ serviceId: 4, name: 'Ana Peñaranda', document: null, phones: [], address: null }),
  makeClient({ serviceId: 5, name: 'Luis Díaz', document: '79111222', phones: ['6086701234'], address: 'Calle 10 # 4-20 Vda Peña Blanca' }),
];
const directory = ClientDirectory.build(clients);

const lookup = suite('domain: client directory lookups');
lookup('by service id', () => {
  assert.is(directory.get(3)?.name, 'María Gómez');
  assert.is(directory.get(999), undefined);
});
lookup('by document ignores dots, spaces and dashes; several services can share one', () => {
  assert.equal(
    directory.findByDocument('1098765432').map((c) => c.serviceId),
    [1, 3],
  );
  assert.equal(
    directory.findByDocument('1.098.765-432').map((c) => c.serviceId),
    [1, 3],
  );
  assert.equal(directory.findByDocument('0000'), []);
  assert.equal(directory.findByDocument(''), []);
});
lookup('by phone matches any stored number and accepts +57 / 57', () => {
  assert.equal(
    directory.findByPhone('3109876543').map((c) => c.serviceId),
    [1],
  );
  assert.equal(
    directory.findByPhone('+57 310 987 6543').map((c) => c.serviceId),
    [1],
  );
  assert.equal(
    directory.findByPhone('573001234567').map((c) => c.serviceId),
    [1, 3],
  );
  assert.equal(directory.findByPhone('3000000000'), []);
});
lookup('list pages in service id order with the total', () => {
  const page = directory.list(2, 1);
  assert.is(page.total, 5);
  assert.equal(
    page.items.map((c) => c.serviceId),
    [2, 3],
  );
  assert.equal(directory.list(10, 10).items, []);
});
lookup('exact reads never build the word indexes; the first search or identity lookup builds them once', () => {
  const fresh = ClientDirectory.build(clients);
  fresh.get(3);
  fresh.findByDocument('1098765432');
  fresh.findByPhone('3001234567');
  fresh.list(10, 0);
  assert.is(fresh.searchReady, false);
  assert.equal(
    fresh.identityCandidates({ name: 'maria gomez' }).map((c) => c.serviceId),
    [3],
  );
  assert.is(fresh.searchReady, true);
  const other = ClientDirectory.build(clients);
  assert.equal(
    other.search('pena', 10, 0).items.map((hit) => hit.client.serviceId),
    directory.search('pena', 10, 0).items.map((hit) => hit.client.serviceId),
  );
  assert.is(other.searchReady, true);
  // prepareSearch ahead of time gives the same answers.
  const prepared = ClientDirectory.build(clients);
  prepared.prepareSearch();
  assert.is(prepared.searchReady, true);
  assert.equal(prepared.search('peña muñoz', 10, 0), directory.search('peña muñoz', 10, 0));
});
lookup.run();

const search = suite('domain: client search');
search('case- and accent-insensitive, prefix of a word', () => {
  const ids = directory.search('PEÑA', 10, 0).items.map((hit) => hit.client.serviceId);
  assert.equal(ids.sort(), [1, 2, 3, 4, 5]);
});
search('every word must match somewhere', () => {
  const result = directory.search('jose esperanza', 10, 0);
  assert.equal(
    result.items.map((hit) => hit.client.serviceId),
    [1],
  );
  assert.is(directory.search('jose nadie', 10, 0).total, 0);
});
search('ranking: exact document/phone, then name, then partial name, then address', () => {
  const byDocument = directory.search('1.098.765.432', 10, 0);
  assert.equal(
    byDocument.items.map((hit) => [hit.client.serviceId, hit.rank]),
    [
      [1, 'exact_identifier'],
      [3, 'exact_identifier'],
    ],
  );
  const byName = directory.search('pena', 10, 0).items.map((hit) => [hit.client.serviceId, hit.rank]);
  // Name matches first (alphabetical), then address-only matches.
  assert.equal(
    byName.slice(0, 3).map(([, rank]) => rank),
    ['name', 'name', 'name'],
  );
  assert.equal(
    byName
      .slice(3)
      .map(([id]) => id)
      .sort(),
    [3, 5],
  );
  assert.equal(
    byName.slice(3).map(([, rank]) => rank),
    ['other', 'other'],
  );
});
search('phone with spaces and +57 is one number', () => {
  const result = directory.search('+57 300 123 4567', 10, 0);
  assert.equal(
    result.items.map((hit) => hit.client.serviceId),
    [1, 3],
  );
  assert.ok(result.items.every((hit) => hit.rank === 'exact_identifier'));
});
search('limit and offset page the ranked list; total counts all', () => {
  const first = directory.search('pena', 2, 0);
  const second = directory.search('pena', 2, 2);
  assert.is(first.total, 5);
  assert.is(first.items.length, 2);
  assert.not.equal(first.items[0]!.client.serviceId, second.items[0]!.client.serviceId);
});
search('blank or punctuation-only query finds nothing', () => {
  assert.is(directory.search('  ', 10, 0).total, 0);
  assert.is(directory.search('.,-', 10, 0).total, 0);
});
search('withClient replaces one client and re-indexes it', () => {
  const updated = directory.withClient({ ...directory.get(4)!, name: 'Ana Torres', phones: ['3151112222'] });
  assert.is(updated.get(4)?.name, 'Ana Torres');
  assert.equal(
    updated.findByPhone('3151112222').map((c) => c.serviceId),
    [4],
  );
  assert.is(updated.search('peñaranda', 10, 0).total, 0);
  // The original directory is untouched (immutable).
  assert.is(directory.get(4)?.name, 'Ana Peñaranda');
  const added = directory.withClient(makeClient({ serviceId: 99, name: 'Nuevo Cliente' }));
  assert.is(added.size, 6);
});
search.run();
