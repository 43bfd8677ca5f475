import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ClientDirectory } from '../../server/domain/client-directory';
import { resolveIdentity, verifyIdentity } from '../../server/domain/identity';
import { makeClient } from './fixtures';

const jose = makeClient({
  serviceId: 10,
  name: 'José Peña Muñoz',
  document: '1.098.765.432',
  phones: ['3001234567', '3109876543'],
  address: 'Vereda La Esperanza',
  plan: { id: 7, name: 'Plan Hogar 10M' },
  planPrice: 65000,
});

const verify = suite('domain: verify identity');
verify('valid when two or more facts all match, normalised', () => {
  const result = verifyIdentity(jose, { document: '1098765432', address: 'vda la esperanza' });
  assert.ok(result.isValid);
  assert.is(result.outcome, 'verified');
  assert.equal(result.matchedFields, ['document', 'address']);
  assert.equal(result.mismatchedFields, []);
});
verify('name ignores accents, case and word order; phone matches any number with +57', () => {
  const result = verifyIdentity(jose, { name: 'PEÑA MUÑOZ jose', phone: '+57 310 987 6543' });
  assert.ok(result.isValid);
});
verify('plan name and price never count: anyone can read the plan list; given, they must still match', () => {
  const plan = verifyIdentity(jose, { planName: 'Plan Hogar 10M', planPrice: 65000 });
  assert.not.ok(plan.isValid, 'plan + price (the public list) never verify');
  assert.is(plan.outcome, 'insufficient_facts');
  assert.is(verifyIdentity(jose, { document: '1098765432', planPrice: 65000 }).outcome, 'insufficient_facts', 'a document and a price');
  assert.ok(verifyIdentity(jose, { document: '1098765432', name: 'José Peña', planPrice: 65000.99 }).isValid, 'price within one peso');
  assert.is(verifyIdentity(jose, { document: '1098765432', name: 'José Peña', planPrice: 65002 }).outcome, 'mismatch');
});
verify('a private fact is required: name and address alone never verify, however exact', () => {
  const result = verifyIdentity(jose, { name: 'José Peña Muñoz', address: 'Vereda La Esperanza' });
  assert.not.ok(result.isValid);
  assert.is(result.outcome, 'insufficient_facts');
  assert.match(result.message, /documento o un teléfono/);
  assert.ok(verifyIdentity(jose, { phone: '3001234567', document: '1098765432' }).isValid, 'document + phone');
  assert.ok(verifyIdentity(jose, { phone: '3001234567', address: 'vda la esperanza' }).isValid, 'phone + address');
});
verify('one fact is never enough, even when it matches', () => {
  const result = verifyIdentity(jose, { document: '1098765432' });
  assert.not.ok(result.isValid);
  assert.is(result.outcome, 'insufficient_facts');
  assert.match(result.message, /y un dato más/);
});
verify('any mismatch makes it invalid and is reported', () => {
  const result = verifyIdentity(jose, { document: '1098765432', address: 'Barrio Centro', planName: 'plan hogar 10m' });
  assert.not.ok(result.isValid);
  assert.is(result.outcome, 'mismatch');
  assert.equal(result.mismatchedFields, ['address']);
  assert.equal(result.matchedFields, ['document', 'planName']);
});
verify('a value empty after normalisation never matches', () => {
  const noAddress = makeClient({ serviceId: 11, address: 'Vereda', document: '123456' });
  const result = verifyIdentity(noAddress, { document: '123456', address: 'vda' });
  assert.not.ok(result.isValid);
  assert.equal(result.mismatchedFields, ['address']);
  assert.not.ok(verifyIdentity(jose, { document: ' ... ', name: '' }).isValid);
});
verify('a client without a stored value cannot be matched on it', () => {
  const bare = makeClient({ serviceId: 12, document: null, phones: [], planPrice: null });
  const result = verifyIdentity(bare, { document: '', phone: '3001234567', planPrice: 65000 });
  assert.equal(result.matchedFields, []);
});
verify.run();

const resolve = suite('domain: resolve identity');
const twin = makeClient({
  serviceId: 20,
  name: 'Jose Pena Munoz',
  address: 'B/ Centro',
  plan: { id: 7, name: 'Plan Hogar 10M' },
  planPrice: 65000,
});
const twinSameAddress = makeClient({
  serviceId: 21,
  name: 'José Peña Muñoz',
  address: 'Vda. La Esperanza',
  plan: { id: 7, name: 'Plan Hogar 10M' },
  planPrice: 65000,
});
const other = makeClient({
  serviceId: 30,
  name: 'María Gómez',
  address: 'Barrio Centro',
  plan: { id: 8, name: 'Plan Rural 5M' },
  planPrice: 45000,
});

resolve('resolves the one client matching every fact', () => {
  const directory = ClientDirectory.build([jose, twin, other]);
  const result = resolveIdentity(directory, {
    name: 'jose peña muñoz',
    address: 'Vereda La Esperanza',
    planName: 'PLAN HOGAR 10M',
    planPrice: 65000,
  });
  assert.is(result.status, 'resolved');
  if (result.status === 'resolved') {
    assert.is(result.client.serviceId, 10);
    assert.equal(result.matchedFields, ['name', 'address', 'planName', 'planPrice']);
  }
});
resolve('several full matches are ambiguous, ranked', () => {
  const directory = ClientDirectory.build([jose, twinSameAddress, other]);
  const result = resolveIdentity(directory, { name: 'Jose Pena Munoz', address: 'La Esperanza', planPrice: 65000 });
  assert.is(result.status, 'ambiguous');
  if (result.status === 'ambiguous')
    assert.equal(
      result.candidates.map((c) => c.client.serviceId),
      [10, 21],
    );
});
resolve('no full match but clients missing one fact are ambiguous candidates', () => {
  const directory = ClientDirectory.build([jose, twin, other]);
  const result = resolveIdentity(directory, { name: 'José Peña Muñoz', address: 'Barrio Las Flores', planName: 'Plan Hogar 10M' });
  assert.is(result.status, 'ambiguous');
  if (result.status === 'ambiguous') {
    assert.equal(
      result.candidates.map((c) => c.client.serviceId),
      [10, 20],
    );
    assert.equal(result.candidates[0]!.mismatchedFields, ['address']);
  }
});
resolve('not found when nothing comes close', () => {
  const directory = ClientDirectory.build([jose, twin, other]);
  assert.is(
    resolveIdentity(directory, { name: 'Pedro Pérez', address: 'Vereda El Tigre', planName: 'Plan Hogar 10M' }).status,
    'not_found',
  );
  assert.is(resolveIdentity(directory, { name: '', address: 'vereda', planName: '...' }).status, 'not_found');
});
resolve('plan name and price alone identify no one: not a candidate', () => {
  const directory = ClientDirectory.build([jose, twin, other]);
  const result = resolveIdentity(directory, { name: 'Pedro Pérez', planName: 'Plan Hogar 10M', planPrice: 65000 });
  assert.is(result.status, 'not_found');
});
resolve('at most five candidates', () => {
  const many = Array.from({ length: 8 }, (_, i) =>
    makeClient({ serviceId: 100 + i, name: 'Ana Díaz', address: 'Centro', planPrice: 50000 }),
  );
  const result = resolveIdentity(ClientDirectory.build(many), { name: 'ana diaz', address: 'centro', planPrice: 50000 });
  assert.is(result.status, 'ambiguous');
  if (result.status === 'ambiguous') assert.is(result.candidates.length, 5);
});
resolve.run();

const separate = suite('domain: given names and surnames kept apart upstream');
separate('upstream’s own split (nombres / apellidos) decides which words are given names; without it, the guess', () => {
  const guessed = makeClient({ serviceId: 30, name: 'Yeimy Katherine Rincón', document: '52123456' });
  const split = makeClient({ ...guessed, serviceId: 31, givenNames: 'Yeimy Katherine', surnames: 'Rincón' });
  // The guess reads one given name (Katherine is not a known second given name): two given names pass as given + surname.
  assert.is(verifyIdentity(guessed, { document: '52123456', name: 'Yeimy Katherine' }).isValid, true);
  assert.is(verifyIdentity(split, { document: '52123456', name: 'Yeimy Katherine' }).isValid, false, 'two given names are no surname');
  assert.is(verifyIdentity(split, { document: '52123456', name: 'Yeimy Rincón' }).isValid, true);
  assert.is(verifyIdentity(split, { document: '52123456', name: 'Yeimy Katherine Rincón' }).isValid, true);
  // A split that does not begin the name is ignored (upstream's fields disagree with its own name).
  const inconsistent = makeClient({ ...guessed, serviceId: 32, givenNames: 'Katherine', surnames: 'Rincón' });
  assert.is(verifyIdentity(inconsistent, { document: '52123456', name: 'Yeimy Katherine' }).isValid, true);
});
separate.run();
