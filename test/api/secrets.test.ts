import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SECRET_MARKER } from '../../server/simulator/data';
import { serviceFor } from '../support/service';

/** The simulator plants passwords, PPPoE credentials and coordinates; no output may carry one. */

const secrets = suite('api: no secret leaves the service');
const service = serviceFor(secrets);

secrets('every client output on both surfaces is free of planted secrets', async () => {
  const outputs: string[] = [];
  for (let offset = 0; offset < 1200; offset += 500) {
    outputs.push(await (await service.staff(`/clients?limit=500&offset=${offset}`)).text());
  }
  outputs.push(await (await service.rest('/clients/search?q=pena&limit=100')).text());
  const some = service.sim.data.clients.slice(0, 30);
  for (const raw of some) {
    outputs.push(await (await service.rest(`/clients/${String(raw.id_servicio)}`)).text());
    outputs.push(JSON.stringify(await service.client.clients.byServiceId.query({ serviceId: raw.id_servicio as number })));
  }
  outputs.push(JSON.stringify(await service.client.clients.search.query({ q: 'vereda', limit: 100 })));
  outputs.push(await (await fetch(`${service.url}/openapi.json`)).text());
  const all = outputs.join('\n');
  assert.ok(all.includes('"serviceId"'), 'outputs were collected');
  assert.not.ok(all.includes(SECRET_MARKER), 'a planted password or PPPoE credential leaked');
  const leaked = [...service.sim.data.secrets].filter((secret) => all.includes(secret));
  assert.equal(leaked, [], 'planted coordinates leaked');
});

secrets.run();
