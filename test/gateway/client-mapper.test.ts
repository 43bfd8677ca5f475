import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generateSimulatorData } from '../../server/simulator/data';
import { toClient } from '../../server/wisphub/client-mapper';
import { upstreamClientSchema } from '../../server/wisphub/schemas';
import { SharedValues } from '../../server/wisphub/shared-values';

const mapping = suite('gateway: clients mapped in one load share repeated values');

const data = generateSimulatorData({ seed: 11, clients: 400, plans: 6, tickets: 0, zones: 4 });
const raw = data.clients.map((client) => upstreamClientSchema.parse(client));

mapping('a load maps each client as if alone, but holds each plan, zone, router and text once', () => {
  const shared = new SharedValues();
  const together = raw.map((item) => toClient(item, shared));
  const alone = raw.map((item) => toClient(item));
  assert.equal(together, alone);
  const distinct = <T>(pick: (client: (typeof together)[number]) => T) =>
    new Set(together.map(pick).filter((value) => value !== null)).size;
  const plans = new Set(raw.map((item) => item.plan_internet?.id)).size;
  assert.is(
    distinct((client) => client.plan),
    plans,
    'one plan object per plan',
  );
  assert.is(
    distinct((client) => client.zone),
    new Set(raw.map((item) => item.zona?.id)).size,
  );
  assert.is(
    distinct((client) => client.router),
    new Set(raw.map((item) => item.router?.id)).size,
  );
  assert.ok(distinct((client) => client.outage) <= distinct((client) => client.router));
  assert.ok(distinct((client) => client.plan) < 10, 'shared, not one per client');
  // Clients mapped alone share nothing.
  assert.is.not(alone[0]!.zone, alone.find((client, index) => index > 0 && client.zone?.id === alone[0]!.zone?.id)!.zone);
});

mapping('nombres and apellidos are kept when upstream has them, null when it does not', () => {
  const item = upstreamClientSchema.parse({
    ...data.clients[0],
    nombre: 'Yeimy  Katherine Rincón',
    nombres: ' Yeimy Katherine ',
    apellidos: 'Rincón',
  });
  const client = toClient(item);
  assert.equal([client.name, client.givenNames, client.surnames], ['Yeimy Katherine Rincón', 'Yeimy Katherine', 'Rincón']);
  const { nombres: _given, apellidos: _surnames, ...without } = data.clients[0]!;
  const bare = toClient(upstreamClientSchema.parse(without));
  assert.equal([bare.givenNames, bare.surnames], [null, null]);
});

mapping('equal ids with different names or outage texts are different objects', () => {
  const shared = new SharedValues();
  const first = raw[0]!;
  const router = first.router!;
  const renamed = { ...first, plan_internet: { ...first.plan_internet!, nombre: 'Plan renombrado' } };
  const outage = { ...first, router: { ...router, falla_general: true, falla_general_descripcion: 'Fibra cortada' } };
  const calm = { ...first, router: { ...router, falla_general: false, falla_general_descripcion: '' } };
  const [a, b, c, d] = [first, renamed, outage, calm].map((item) => toClient(item, shared));
  assert.is.not(a!.plan, b!.plan);
  assert.is(b!.plan!.name, 'Plan renombrado');
  assert.equal(c!.outage, { active: true, description: 'Fibra cortada' });
  assert.equal(d!.outage, { active: false, description: null });
  assert.is.not(c!.router, d!.router);
});

mapping('a shared text is the text itself (string identity cannot be observed; the heap snapshot shows it); null stays null', () => {
  const shared = new SharedValues();
  assert.is(shared.text(['Villa', 'vicencio'].join('')), 'Villavicencio');
  assert.is(shared.text('Villavicencio'), 'Villavicencio');
  assert.is(shared.text(null), null);
  assert.is(shared.text(''), '');
});

mapping.run();
