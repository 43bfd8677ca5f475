import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonRecord } from '../../server/simulator/data';
import { OPERATOR_KEY, type RestErrorBody, serviceFor } from '../support/service';

/**
 * Identity and search on what people type, against the simulator, on both surfaces: partial
 * names, street abbreviations, one typo, ranking, and the bypasses that must stay closed.
 */

const identity = suite('api: identity and search on what people type');
const service = serviceFor(identity, { RESOLVE_MAX_FAILURES_PER_KEY: '1000', VERIFY_MAX_FAILURES_PER_KEY: '1000' });

let nextId = 900_000;
/** A client added upstream, as an ISP's staff would create it in WispHub Net's own UI. */
function addClient(fields: { name: string; address: string; plan: string; price: number; document?: string }): number {
  const template = service.sim.data.clients[0]!;
  const serviceId = nextId++;
  const [given, ...surnames] = fields.name.split(' ');
  const client: JsonRecord = {
    ...template,
    id_servicio: serviceId,
    usuario: `cliente${serviceId}`,
    nombre: fields.name,
    nombres: given,
    apellidos: surnames.join(' '),
    cedula: fields.document ?? String(7_000_000_000 + serviceId),
    telefono: `31${String(serviceId).padStart(8, '0')}`,
    direccion: fields.address,
    plan_internet: { id: 9001, nombre: fields.plan },
    precio_plan: fields.price.toFixed(2),
  };
  service.sim.addClient(client);
  return serviceId;
}

const HOGAR = { plan: 'Plan Hogar 30 Megas', price: 85000 };
let esperanza = 0;
let pena = 0;
let munoz = 0;

identity.before(async () => {
  esperanza = addClient({ name: 'Esperanza Benítez Ríos', address: 'Vereda La Esperanza, casa 12', ...HOGAR });
  // Same surname, same plan and price, elsewhere: must not get in the way.
  addClient({ name: 'Rubiela Benítez Ríos', address: 'Barrio El Centro Cra 4 # 5-20', ...HOGAR });
  // A surname shared by hundreds, with the same plan and price.
  for (let index = 0; index < 200; index++) {
    addClient({
      name: `María ${['Luisa', 'Elena', 'José', 'Teresa'][index % 4]} Gómez ${index}`,
      address: `Vereda El Retiro casa ${index}`,
      ...HOGAR,
    });
  }
  pena = addClient({ name: 'Zacarías Peña Muñoz', address: 'Calle 8 # 3-10', plan: 'Plan Fibra 100M', price: 120000 });
  munoz = addClient({ name: 'Zacarías Muñoz Peña', address: 'Calle 9 # 3-10', plan: 'Plan Fibra 100M', price: 120000 });
  // Loaded after the additions: the directory holds every client above.
  await service.services.gateway.clientsCache.invalidate('all');
});

const EXAMPLE = { name: 'Esperanza Benitez', address: 'vereda la esperanza', planName: 'plan hogar 30 megas', planPrice: 85000 };

identity(
  'the issue’s example resolves: partial name, partial address, plan and price (both surfaces); staff get a score and per-field quality, bots masked hints only',
  async () => {
    const asBot = (await (await service.rest('/clients/resolve', { method: 'POST', json: EXAMPLE })).json()) as Record<string, unknown>;
    assert.equal(Object.keys(asBot).sort(), ['client', 'status']);
    assert.is((asBot.client as { view: string }).view, 'masked');
    const rest = await service.rest('/clients/resolve', { method: 'POST', json: EXAMPLE, headers: { 'x-api-key': OPERATOR_KEY } });
    assert.is(rest.status, 200);
    const body = (await rest.json()) as {
      status: string;
      client: { serviceId: number };
      score: number;
      fieldQuality: Record<string, string>;
    };
    assert.is(body.status, 'resolved');
    assert.is(body.client.serviceId, esperanza);
    assert.equal(body.fieldQuality, { name: 'partial', address: 'partial', planName: 'exact', planPrice: 'exact' });
    assert.ok(body.score > 0.7 && body.score < 1, `score ${body.score}`);
    const typed = await service.operator.clients.resolve.mutate({ ...EXAMPLE, name: 'Esperanza Benites Rios' });
    assert.is(typed.status, 'resolved', 'one typo in a long word is tolerated by resolve');
    if (typed.status === 'resolved') {
      assert.is(typed.client.serviceId, esperanza);
      assert.is(typed.fieldQuality?.name, 'exact');
    }
    const full = await service.operator.clients.resolve.mutate({
      name: 'Esperanza Benítez Ríos',
      address: 'Vda. La Esperanza Cs 12',
      planName: 'Plan Hogar 30 Megas',
      planPrice: 85000,
    });
    assert.equal(full.status === 'resolved' && [full.score, full.fieldQuality?.address], [1, 'exact']);
  },
);

identity('resolve never works on plan and price alone, one name word, stopwords, "casa 12", or a surname hundreds share', async () => {
  const attempts: Record<string, unknown>[] = [
    { planName: HOGAR.plan, planPrice: HOGAR.price, name: 'Benitez' },
    { planName: HOGAR.plan, planPrice: HOGAR.price, name: 'Esperanza' },
    { planName: HOGAR.plan, planPrice: HOGAR.price, address: 'casa 12' },
    { planName: HOGAR.plan, planPrice: HOGAR.price, address: 'de la' },
    { planName: HOGAR.plan, planPrice: HOGAR.price, name: 'de la', address: 'la' },
    { planName: HOGAR.plan, planPrice: HOGAR.price, name: 'María Gómez' },
    { planName: HOGAR.plan, planPrice: HOGAR.price, name: 'Gómez', address: 'vereda el retiro' },
  ];
  for (const claims of attempts) {
    const response = await service.rest('/clients/resolve', { method: 'POST', json: claims });
    assert.is(response.status, 200, JSON.stringify(claims));
    const body = (await response.json()) as { status: string; candidates?: unknown[] };
    assert.is.not(body.status, 'resolved', JSON.stringify(claims));
    if (body.status === 'ambiguous') assert.ok((body.candidates?.length ?? 0) <= 5, 'at most five candidates');
  }
  // Two facts only: refused before any matching.
  const few = await service.rest('/clients/resolve', { method: 'POST', json: { planName: HOGAR.plan, planPrice: HOGAR.price } });
  assert.is(few.status, 400);
});

identity(
  'verify takes partial names and abbreviated addresses beside the document, but never a typo; documents and phones stay exact',
  async () => {
    const document = String(7_000_000_000 + esperanza);
    const ok = await service.operator.clients.verify.mutate({ serviceId: esperanza, document, name: 'Esperanza Rios' });
    assert.is(ok.isValid, true);
    assert.equal(ok.fieldQuality, { document: 'exact', name: 'partial' });
    const address = await service.client.clients.verify.mutate({ serviceId: esperanza, document, address: 'Vda La Esperanza' });
    assert.is(address.isValid, true, 'an abbreviated address as the second fact');
    const typo = await service.operator.clients.verify.mutate({ serviceId: esperanza, document, name: 'Esperanza Benites' });
    assert.is(typo.isValid, false);
    assert.equal(typo.mismatchedFields, ['name']);
    const rest = await service.staff(`/clients/${esperanza}/verify`, {
      method: 'POST',
      json: { document, name: 'Benitez', address: 'casa 12' },
    });
    const body = (await rest.json()) as { isValid: boolean; mismatchedFields: string[] };
    assert.is(body.isValid, false);
    assert.equal(body.mismatchedFields, ['name', 'address']);
    const publicFacts = await service.client.clients.verify.mutate({
      serviceId: esperanza,
      name: 'Esperanza Rios',
      address: 'Vda La Esperanza',
    });
    assert.is(publicFacts.outcome, 'insufficient_facts', 'name and address alone never verify');
    const offByOne = await service.client.clients.verify.mutate({
      serviceId: esperanza,
      document: String(7_000_000_000 + esperanza + 1),
      name: 'Esperanza Benítez Ríos',
    });
    assert.is(offByOne.isValid, false, 'a document one digit off is another document');
  },
);

identity(
  'search ranks the name as typed first, then names in the query’s order, on both surfaces; one typo finds a long word',
  async () => {
    const rest = await service.rest('/clients/search?q=zacarias%20pena%20munoz');
    const restBody = (await rest.json()) as { items: { rank: string; client: { serviceId: number } }[] };
    assert.equal(
      restBody.items.slice(0, 2).map((hit) => [hit.client.serviceId, hit.rank]),
      [
        [pena, 'exact_name'],
        [munoz, 'name'],
      ],
    );
    const inOrder = await service.client.clients.search.query({ q: 'pena munoz' });
    const positions = [pena, munoz].map((id) => inOrder.items.findIndex((hit) => hit.client.serviceId === id));
    assert.ok(positions[0]! >= 0 && positions[0]! < positions[1]!, `Peña Muñoz (${positions[0]}) before Muñoz Peña (${positions[1]})`);
    assert.is(inOrder.items[positions[0]!]!.rank, 'name_in_order');
    const typo = await service.client.clients.search.query({ q: 'esperanza benites' });
    assert.is(typo.items[0]?.client.serviceId, esperanza);
    const address = await service.client.clients.search.query({ q: 'esperanza' });
    const byName = address.items.findIndex((hit) => hit.client.serviceId === esperanza);
    assert.is(address.items[byName]!.rank, 'name');
  },
);

identity('tickets.suggestSubject on both surfaces: ranked catalogue subjects with the priority each implies; low says to ask', async () => {
  const rest = await service.rest('/tickets/suggest-subject', { method: 'POST', json: { text: 'se me va el wifi a cada rato' } });
  assert.is(rest.status, 200);
  const body = (await rest.json()) as { confidence: string; suggestions: { subject: string; level: string; priority: number }[] };
  assert.is(body.confidence, 'high');
  assert.equal(body.suggestions[0], { ...body.suggestions[0], subject: 'Internet Intermitente', level: 'normal', priority: 2 });
  const urgent = await service.client.tickets.suggestSubject.mutate({ text: 'buenas, no tngo internet desde ayer' });
  assert.equal([urgent.suggestions[0]?.subject, urgent.suggestions[0]?.level], ['No Tiene Internet', 'high']);
  const billing = await service.client.tickets.suggestSubject.mutate({ text: 'me cobraron doble' });
  assert.equal([billing.confidence, billing.topic, billing.suggestions.length], ['low', 'billing', 0]);
  const empty = await service.rest('/tickets/suggest-subject', { method: 'POST', json: { text: '   ' } });
  assert.is(empty.status, 400);
  assert.is(((await empty.json()) as RestErrorBody).error.reason, 'invalid_input');
});

identity.run();
