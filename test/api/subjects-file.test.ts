import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from '../../server/app';
import { ConfigError } from '../../server/config/settings';
import { startTestService, testConfig } from '../support/service';

/** TICKET_SUBJECTS_FILE overrides the catalogue, validated at start-up. */

const dir = mkdtempSync(join(tmpdir(), 'subjects-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const subjects = suite('config: ticket subject catalogue file');

subjects('a valid file gives the priorities of the ISP’s subjects, and is the catalogue when upstream has none', async () => {
  const path = file(
    'ok.json',
    JSON.stringify({ '1': ['Cambio de Clave'], '2': ['Sin Señal'], '3': ['Fibra Cortada'], '4': ['Internet Lento'] }),
  );
  const service = await startTestService({ TICKET_SUBJECTS_FILE: path });
  try {
    const fromUpstream = await service.client.tickets.subjects.query();
    assert.is(fromUpstream.source, 'upstream');
    assert.is(fromUpstream.all.find((entry) => entry.subject === 'Internet Lento')?.priority, 4, 'the file’s priority');
    assert.is(fromUpstream.all.find((entry) => entry.subject === 'No Tiene Internet')?.priority, 2, 'unknown to the file: the default');
    service.sim.setDialect({ subjectCatalogue: 'absent' });
    await service.services.gateway.catalogue.ticketSubjectsCache.invalidate('all');
    const fromFile = await service.client.tickets.subjects.query();
    assert.equal([fromFile.source, fromFile.fallbackReason], ['file', 'no_endpoint']);
    assert.equal(
      fromFile.all.map((entry) => entry.subject),
      ['Cambio de Clave', 'Sin Señal', 'Fibra Cortada', 'Internet Lento'],
    );
  } finally {
    await service.stop();
  }
});

subjects('a bad file stops start-up with a message naming the variable', async () => {
  const cases = [
    file('broken.json', '{"1": ['),
    file('missing.json', JSON.stringify({ '1': ['A'], '2': ['B'], '3': ['C'] })),
    file('duplicate.json', JSON.stringify({ '1': ['Cancelación'], '2': ['cancelacion'], '3': ['C'], '4': ['D'] })),
    join(dir, 'does-not-exist.json'),
  ];
  for (const path of cases) {
    const server = createServer(testConfig({ TICKET_SUBJECTS_FILE: path }));
    try {
      await server.start();
      assert.unreachable(`${path} should be refused`);
    } catch (error) {
      assert.instance(error, ConfigError, path);
      assert.ok((error as ConfigError).problems.every((problem) => problem.startsWith('TICKET_SUBJECTS_FILE:')));
    } finally {
      await server.stop();
    }
  }
});

subjects(
  'TICKET_SUBJECT_SYNONYMS_FILE: the ISP’s phrases reach tickets.suggestSubject; a malformed file stops start-up naming it',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synonyms-'));
    const good = join(dir, 'synonyms.json');
    writeFileSync(good, JSON.stringify({ 'Instalacion Nueva': ['quiero contratar', 'servicio nuevo'] }));
    const service = await startTestService({ TICKET_SUBJECT_SYNONYMS_FILE: good });
    try {
      const answer = await service.client.tickets.suggestSubject.mutate({ text: 'hola, quiero contratar el internet para mi finca' });
      assert.is(answer.suggestions[0]?.subject, 'Instalacion Nueva');
    } finally {
      await service.stop();
    }
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ 'Instalacion Nueva': 'quiero contratar' }));
    try {
      await createServer(testConfig({ TICKET_SUBJECT_SYNONYMS_FILE: bad })).start();
      assert.unreachable('a malformed synonyms file must stop start-up');
    } catch (error) {
      assert.instance(error, ConfigError);
      assert.match((error as ConfigError).problems.join('\n'), /TICKET_SUBJECT_SYNONYMS_FILE: Instalacion Nueva/);
    }
  },
);

subjects.run();
