import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { breakingChanges, type Contract, majorOf } from '../../client/api-compat';
import { BASELINE_FILE, currentContract } from '../../scripts/api-contract';
import { SERVICE_VERSION } from '../../server/http/version';

/**
 * The client package's compatibility guard: no breaking change to an existing procedure's input
 * or output since the recorded release (client/api-baseline.json) unless the major version went
 * up. Additions are fine. After a release, `npm run api:baseline` records the new contract.
 */

const compat = suite('house: the client contract stays compatible');
const baseline = JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Contract;

compat('no breaking change since the recorded release, unless the major version went up', () => {
  const problems = breakingChanges(baseline, currentContract());
  if (majorOf(SERVICE_VERSION) > majorOf(baseline.version)) return;
  assert.equal(problems, [], `breaking changes since ${baseline.version}: bump the major version or keep them compatible`);
});

compat('the version the service reports is package.json’s', () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  assert.is(SERVICE_VERSION, manifest.version);
});

const object = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', properties, required });
const contract = (input: Record<string, unknown>, output: Record<string, unknown>): Contract => ({
  version: '1.0.0',
  procedures: { 'clients.byId': { type: 'query', input, output } },
});

compat('what breaks a caller: removed procedures and fields, newly required input, narrowed input, widened output', () => {
  const base = contract(
    object({ serviceId: { type: 'number' }, state: { type: 'string', enum: ['new', 'closed'] } }, ['serviceId']),
    object({ name: { type: 'string' }, items: { type: 'array', items: object({ id: { type: 'number' } }, ['id']) } }, ['name', 'items']),
  );
  assert.equal(breakingChanges(base, base), []);
  assert.equal(breakingChanges(base, { version: '1.0.0', procedures: {} }), ['clients.byId: removed']);
  const cases: [Contract, string][] = [
    [
      contract(
        object({ serviceId: { type: 'number' }, state: { type: 'string', enum: ['new', 'closed'] }, zone: { type: 'number' } }, [
          'serviceId',
          'zone',
        ]),
        base.procedures['clients.byId']!.output!,
      ),
      'clients.byId input.zone: newly required',
    ],
    [
      contract(
        object({ serviceId: { type: 'string' }, state: { type: 'string', enum: ['new', 'closed'] } }, ['serviceId']),
        base.procedures['clients.byId']!.output!,
      ),
      'clients.byId input.serviceId: no longer accepts number',
    ],
    [
      contract(
        object({ serviceId: { type: 'number' }, state: { type: 'string', enum: ['new'] } }, ['serviceId']),
        base.procedures['clients.byId']!.output!,
      ),
      'clients.byId input.state: no longer accepts closed',
    ],
    [
      contract(
        base.procedures['clients.byId']!.input!,
        object({ items: { type: 'array', items: object({ id: { type: 'number' } }, ['id']) } }, ['items']),
      ),
      'clients.byId output.name: removed',
    ],
    [
      contract(
        base.procedures['clients.byId']!.input!,
        object({ name: { type: 'string' }, items: { type: 'array', items: object({ id: { type: 'number' } }, []) } }, ['name', 'items']),
      ),
      'clients.byId output.items[].id: no longer always present',
    ],
    [
      contract(
        base.procedures['clients.byId']!.input!,
        object(
          {
            name: { anyOf: [{ type: 'string' }, { type: 'null' }] },
            items: { type: 'array', items: object({ id: { type: 'number' } }, ['id']) },
          },
          ['name', 'items'],
        ),
      ),
      'clients.byId output.name: may now be null',
    ],
  ];
  for (const [changed, expected] of cases) assert.equal(breakingChanges(base, changed), [expected], expected);
  // Additions: a new optional input, a new output field, a new procedure.
  const added: Contract = {
    version: '1.1.0',
    procedures: {
      ...contract(
        object(
          { serviceId: { type: 'number' }, state: { type: 'string', enum: ['new', 'closed', 'resolved'] }, limit: { type: 'number' } },
          ['serviceId'],
        ),
        object(
          {
            name: { type: 'string' },
            email: { type: 'string' },
            items: { type: 'array', items: object({ id: { type: 'number' } }, ['id']) },
          },
          ['name', 'items', 'email'],
        ),
      ).procedures,
      'clients.other': { type: 'query', input: null, output: null },
    },
  };
  assert.equal(breakingChanges(base, added), []);
});

compat.run();
