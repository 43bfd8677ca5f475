/** The agent's pure rules, edge by edge: what counts as a claim, what the model may read. */

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { unsupportedClaims } from '../../server/agent/claims';
import { maskForModel, saidNumbers } from '../../server/agent/masking';

const claims = suite('agent: the claim check');

claims('claims of tickets, payment reports and promises need their tool’s success this turn', () => {
  const none = new Set<string>();
  assert.equal(unsupportedClaims('Listo, su ticket quedó creado con el número 123.', none), ['ticket']);
  assert.equal(unsupportedClaims('Registré su pago de $50.000.', none), ['payment_report']);
  assert.equal(unsupportedClaims('Su promesa de pago quedó acordada hasta el viernes.', none), ['promise']);
  assert.equal(unsupportedClaims('Your ticket has been created.', none), ['ticket']);
  assert.equal(unsupportedClaims('Listo, su ticket quedó creado.', new Set(['tickets_create'])), []);
  assert.equal(unsupportedClaims('Registré su pago.', new Set(['tickets_create'])), ['payment_report'], 'another tool does not back it');
});

claims('denials, questions about the future and plain answers are not claims', () => {
  const none = new Set<string>();
  assert.equal(unsupportedClaims('Aún no he creado ningún ticket.', none), []);
  assert.equal(unsupportedClaims('No pude registrar su pago: el comprobante no se lee.', none), []);
  assert.equal(unsupportedClaims('Su saldo es de $45.000 y vence el 10.', none), []);
  assert.equal(unsupportedClaims('¿Quiere que abra un ticket?', none), []);
  assert.equal(unsupportedClaims('No tengo internet. Su ticket quedó creado.', none), ['ticket'], 'sentence by sentence');
});

const masking = suite('agent: what the model may read');

masking('documents and phones are masked unless the customer said them; tokens never pass; ids and amounts stay', () => {
  const said = saidNumbers(['mi cédula es 1.098.765.432', 'me llamo Ana']);
  const shown = maskForModel(
    {
      serviceId: 1234567,
      amount: 45000,
      document: '1098765432',
      phone: '+57 300 123 4567',
      email: 'ana.perez@example.com',
      note: 'Llamar al 3001234567 o al 6012345',
      verificationToken: 'v2.1.2.abc',
      nested: [{ token: 'secret' }],
    },
    said,
  ) as Record<string, unknown>;
  assert.is(shown.serviceId, 1234567);
  assert.is(shown.amount, 45000);
  assert.is(shown.document, '1098765432', 'the customer said it');
  assert.is(shown.phone, '+•••567');
  assert.is(shown.email, 'a•••@example.com');
  assert.is(shown.note, 'Llamar al •••567 o al •••345');
  assert.is(shown.verificationToken, '[guardado por el sistema]');
  assert.equal(shown.nested, [{ token: '[guardado por el sistema]' }]);
  assert.is(maskForModel('12345', said), '12345', 'short numbers are not identifiers');
});

claims.run();
masking.run();
