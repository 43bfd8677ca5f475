import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spanishDateTime } from '../../server/domain/spanish-dates';
import { nextStep } from '../../server/domain/ticket-next-step';
import { closestSubjects, DEFAULT_SUBJECT_CATALOGUE, mergeSubjectCatalogue } from '../../server/domain/ticket-subjects';

const tickets = suite('domain: the ISP’s subject catalogue and what happens next');

tickets('the ISP’s subjects keep their spelling, take our priority when known, the default otherwise; duplicates once', () => {
  const merged = mergeSubjectCatalogue(
    ['No Tiene Internet', 'internet lento', 'Instalacion Nueva', 'Instatalacion Nueva', ' Instalacion Nueva ', ''],
    DEFAULT_SUBJECT_CATALOGUE,
    2,
  );
  assert.equal(merged, { 1: [], 2: ['internet lento', 'Instalacion Nueva', 'Instatalacion Nueva'], 3: ['No Tiene Internet'], 4: [] });
  assert.equal(mergeSubjectCatalogue(['Visita'], DEFAULT_SUBJECT_CATALOGUE, 4)[4], ['Visita']);
  assert.equal(mergeSubjectCatalogue([], DEFAULT_SUBJECT_CATALOGUE, 2), { 1: [], 2: [], 3: [], 4: [] });
});

tickets('the closest subjects to a wrong one: shared words first, then spelling; nothing for noise', () => {
  assert.is(closestSubjects('Internet Lentoo', DEFAULT_SUBJECT_CATALOGUE)[0], 'Internet Lento');
  assert.ok(closestSubjects('cambio clave wifi', DEFAULT_SUBJECT_CATALOGUE).includes('Cambio de Contraseña en Router Wifi'));
  assert.is(closestSubjects('No tiene internett', DEFAULT_SUBJECT_CATALOGUE)[0], 'No Tiene Internet');
  assert.equal(closestSubjects('zzzzzzzzzzzzzzzzzzzz', DEFAULT_SUBJECT_CATALOGUE), []);
  assert.ok(closestSubjects('antena', DEFAULT_SUBJECT_CATALOGUE).length <= 3);
});

tickets('dates in Colombian Spanish: weekday, day, month, 12-hour clock with a. m. / p. m.; midnight and noon', () => {
  assert.is(spanishDateTime('2026-12-01T17:00:00-05:00'), 'martes 1 de diciembre a las 5:00 p. m.');
  assert.is(spanishDateTime('2026-12-31T23:59:00-05:00'), 'jueves 31 de diciembre a las 11:59 p. m.');
  assert.is(spanishDateTime('2027-01-01T00:05:00-05:00'), 'viernes 1 de enero a las 12:05 a. m.');
  assert.is(spanishDateTime('2026-11-23T12:00:00-05:00'), 'lunes 23 de noviembre a las 12:00 p. m.');
  assert.is(spanishDateTime('not a date'), null);
});

tickets('the sentence for each state, with and without a technician or a date', () => {
  const due = '2026-12-01T17:00:00-05:00';
  assert.is(
    nextStep({ status: 'in_progress', technicianName: 'Juan Pérez', startsAt: null, dueAt: due }).message,
    'Su caso está en progreso; el técnico Juan Pérez lo atenderá antes del martes 1 de diciembre a las 5:00 p. m.',
  );
  assert.is(
    nextStep({ status: 'new', technicianName: null, startsAt: null, dueAt: null }).message,
    'Su caso fue recibido; un técnico lo atenderá lo antes posible.',
  );
  assert.equal(nextStep({ status: 'new', technicianName: '  ', startsAt: null, dueAt: null }).technician, null);
  assert.equal(nextStep({ status: 'new', technicianName: null, startsAt: '2026-11-30T08:00:00-05:00', dueAt: due }).window, {
    from: '2026-11-30T08:00:00-05:00',
    until: due,
  });
  assert.match(nextStep({ status: 'resolved', technicianName: 'Juan', startsAt: null, dueAt: due }).message, /^Su caso fue resuelto/);
  assert.match(nextStep({ status: 'closed', technicianName: null, startsAt: null, dueAt: null }).message, /cerrado/);
  assert.match(nextStep({ status: 'unknown', technicianName: null, startsAt: null, dueAt: null }).message, /registrado/);
});

tickets.run();
