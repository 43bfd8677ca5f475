import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { clientHint, nameHint } from '../../server/domain/client-hint';
import { makeClient } from './fixtures';

const hints = suite('domain: what a receptionist may say to an unidentified caller');

hints('the first given name in full, every other word as its initial', () => {
  assert.is(nameHint('Esperanza Benítez Ríos'), 'Esperanza B. R.');
  assert.is(nameHint('  josé   peña muñoz '), 'josé P. M.');
  assert.is(nameHint('Ñusta'), 'Ñusta');
  assert.is(nameHint('María de los Ángeles Úsuga'), 'María D. L. Á. Ú.');
  assert.is(nameHint(''), '');
});

hints('identifiers show their last three characters, never more; short ones show nothing', () => {
  const client = makeClient({
    serviceId: 10,
    name: 'José Peña Muñoz',
    document: '1.098.765.432',
    phones: ['3001234567', '3109876543', '3001234567'],
    email: 'jose@example.com',
    address: 'Vereda La Esperanza',
  });
  assert.equal(clientHint(client), { serviceId: 10, nameHint: 'José P. M.', documentEnding: '432', phoneEndings: ['567', '543'] });
  const sparse = makeClient({ serviceId: 11, name: 'Ana', document: '12345', phones: ['6082'] });
  assert.equal(clientHint(sparse), { serviceId: 11, nameHint: 'Ana', documentEnding: null, phoneEndings: [] });
  assert.is(clientHint(makeClient({ serviceId: 12, document: null })).documentEnding, null);
});

hints('a hint carries no other field: no address, email, money, status, dates, network', () => {
  const keys = Object.keys(clientHint(makeClient({ serviceId: 13 }))).sort();
  assert.equal(keys, ['documentEnding', 'nameHint', 'phoneEndings', 'serviceId']);
});

hints.run();
