import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addressKey } from '../../server/domain/address';
import { normalizeDocument } from '../../server/domain/document';
import { extractPhoneNumbers, normalizePhone } from '../../server/domain/phone';
import { foldText, sameWords, tokenize } from '../../server/domain/text';

const text = suite('domain: text folding');
text('removes accents, ñ and case', () => {
  assert.is(foldText('José PEÑA Muñoz'), 'jose pena munoz');
  assert.is(foldText('Ángela Ibáñez Zúñiga'), 'angela ibanez zuniga');
});
text('punctuation becomes space, spaces collapse, ends trimmed', () => {
  assert.is(foldText('  B/  San   José, Mz-4 # 3 '), 'b san jose mz 4 3');
});
text('empty, blank and null fold to empty', () => {
  assert.is(foldText(''), '');
  assert.is(foldText('   '), '');
  assert.is(foldText(null), '');
  assert.is(foldText(undefined), '');
  assert.equal(tokenize('  .. '), []);
});
text('digit groups with dots or dashes stay one word', () => {
  assert.equal(tokenize('CC 1.098.765.432'), ['cc', '1098765432']);
  assert.equal(tokenize('300-123-4567'), ['3001234567']);
});
text('sameWords ignores order but not count; empty never equal', () => {
  assert.ok(sameWords(['pena', 'jose'], ['jose', 'pena']));
  assert.not.ok(sameWords(['jose'], ['jose', 'pena']));
  assert.not.ok(sameWords([], []));
});
text.run();

const phone = suite('domain: phones');
phone('normalises +57, 57 and separators', () => {
  assert.is(normalizePhone('+57 300 123 4567'), '3001234567');
  assert.is(normalizePhone('573001234567'), '3001234567');
  assert.is(normalizePhone('(300) 123-4567'), '3001234567');
  assert.is(normalizePhone(''), '');
  assert.is(normalizePhone(null), '');
});
phone('finds every number in a multi-number field', () => {
  assert.equal(extractPhoneNumbers('3001234567 / 3109876543'), ['3001234567', '3109876543']);
  assert.equal(extractPhoneNumbers('3001234567, 608 6701234'), ['3001234567', '6086701234']);
  assert.equal(extractPhoneNumbers('3001234567 3109876543'), ['3001234567', '3109876543']);
  assert.equal(extractPhoneNumbers('+57 300 123 4567 3109876543'), ['3001234567', '3109876543']);
  assert.equal(extractPhoneNumbers('300 123 4567 y 311 222 3333'), ['3001234567', '3112223333']);
});
phone('keeps old 7-digit landlines, drops junk and duplicates', () => {
  assert.equal(extractPhoneNumbers('6701234'), ['6701234']);
  assert.equal(extractPhoneNumbers('12345'), []);
  assert.equal(extractPhoneNumbers('3001234567 / +573001234567'), ['3001234567']);
  assert.equal(extractPhoneNumbers(''), []);
  assert.equal(extractPhoneNumbers(null), []);
  assert.equal(extractPhoneNumbers('sin teléfono'), []);
});
phone.run();

const documents = suite('domain: documents');
documents('dots, spaces and dashes are formatting', () => {
  assert.is(normalizeDocument('1.098.765.432'), '1098765432');
  assert.is(normalizeDocument('1098 765-432'), '1098765432');
  assert.is(normalizeDocument(1098765432), '1098765432');
});
documents('letters kept, upper-cased, accents removed; empty stays empty', () => {
  assert.is(normalizeDocument('pa-12345é'), 'PA12345E');
  assert.is(normalizeDocument(' .- '), '');
  assert.is(normalizeDocument(null), '');
});
documents.run();

const addresses = suite('domain: address keys');
addresses('street types and their abbreviations are one word; stopwords and unit words are not part of the key', () => {
  assert.is(addressKey('Vereda La Esperanza'), 'vereda esperanza');
  assert.is(addressKey('Vda. La Esperanza'), 'vereda esperanza');
  assert.is(addressKey('V/ la esperanza'), 'vereda esperanza');
  assert.is(addressKey('B/ San José'), 'barrio san jose');
  assert.is(addressKey('barrio san jose'), addressKey('B/ SAN JOSÉ'));
});
addresses('numbers in any format are the same numbers; the number sign is not a word of the key', () => {
  assert.is(addressKey('Cra 12 # 34-56'), 'carrera 12 34 56');
  assert.is(addressKey('Carrera 12 No. 34 - 56'), 'carrera 12 34 56');
  assert.is(addressKey('KR12 N° 34 56'), 'carrera 12 34 56');
  assert.is(addressKey('Calle 5 No. 3-20'), 'calle 5 3 20');
});
addresses('an address of unit words, stopwords or nothing has an empty key', () => {
  assert.is(addressKey('Casa # '), '');
  assert.is(addressKey('de la'), '');
  assert.is(addressKey(''), '');
});
addresses.run();
