import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addressWords, matchAddress } from '../../server/domain/address';
import { withinOneEdit } from '../../server/domain/fuzzy';
import { givenNameCount, type MatchQuality, matchName, nameWords } from '../../server/domain/person-name';

const names = suite('domain: names as people type them');

/** [claimed, recorded, quality without typos, quality with one typo allowed]. */
const NAME_CASES: [string, string, MatchQuality, MatchQuality][] = [
  // The same words, any order, any case or accents: exact.
  ['Esperanza Benítez Ríos', 'Esperanza Benítez Ríos', 'exact', 'exact'],
  ['esperanza benitez rios', 'Esperanza Benítez Ríos', 'exact', 'exact'],
  ['ESPERANZA BENITEZ RIOS', 'Esperanza Benítez Ríos', 'exact', 'exact'],
  ['Benítez Ríos Esperanza', 'Esperanza Benítez Ríos', 'exact', 'exact'],
  ['José Peña Muñoz', 'Jose Pena Munoz', 'exact', 'exact'],
  ['María del Pilar de la Torre', 'Maria Pilar Torre', 'exact', 'exact'],
  ['Luz Dary Gómez', 'Luz Dary Gomez', 'exact', 'exact'],
  ['  Jhon   Fredy  Pérez  Ruiz ', 'Jhon Fredy Pérez Ruiz', 'exact', 'exact'],
  ["O'Neil Gómez", 'ONeil Gomez', 'none', 'none'],
  // Left-out second surname or middle name: partial, in order, first given name and a surname.
  ['Esperanza Benitez', 'Esperanza Benítez Ríos', 'partial', 'partial'],
  ['Esperanza Rios', 'Esperanza Benítez Ríos', 'partial', 'partial'],
  ['Jhon Pérez', 'Jhon Fredy Pérez Ruiz', 'partial', 'partial'],
  ['Jhon Fredy Pérez', 'Jhon Fredy Pérez Ruiz', 'partial', 'partial'],
  ['Jhon Ruiz', 'Jhon Fredy Pérez Ruiz', 'partial', 'partial'],
  ['Luz Gómez', 'Luz Dary Gómez', 'partial', 'partial'],
  ['Luz Dary Gómez', 'Luz Dary Gómez Arango', 'partial', 'partial'],
  ['Juan Ruiz', 'Juan Carlos Ruiz', 'partial', 'partial'],
  ['Juan Carlos Ruiz', 'Juan Carlos Ruiz Toro', 'partial', 'partial'],
  ['Ana Torres', 'Ana María Torres Vélez', 'partial', 'partial'],
  ['Ana María Vélez', 'Ana María Torres Vélez', 'partial', 'partial'],
  ['María Torre', 'María del Pilar de la Torre', 'partial', 'partial'],
  ['Pedro Pablo Gil', 'Pedro Pablo Gil', 'exact', 'exact'],
  ['José Muñoz', 'José Peña Muñoz', 'partial', 'partial'],
  ['José Peña', 'José Peña Muñoz', 'partial', 'partial'],
  ['Carlos Andrés Mejía', 'Carlos Andrés Mejía Ospina', 'partial', 'partial'],
  ['Carlos Ospina', 'Carlos Andrés Mejía Ospina', 'partial', 'partial'],
  ['Yeison Andrés Cárdenas', 'Yeison Andrés Cárdenas Mora', 'partial', 'partial'],
  ['Leidy Mora', 'Leidy Johana Cárdenas Mora', 'partial', 'partial'],
  // Never enough: one word, given names only, surnames only, out of order.
  ['Benitez', 'Esperanza Benítez Ríos', 'none', 'none'],
  ['Esperanza', 'Esperanza Benítez Ríos', 'none', 'none'],
  ['Benitez Rios', 'Esperanza Benítez Ríos', 'none', 'none'],
  ['Rios Esperanza', 'Esperanza Benítez Ríos', 'none', 'none'],
  ['Rios Benitez Esperanza Luz', 'Esperanza Benítez Ríos', 'none', 'none'],
  ['Jhon Fredy', 'Jhon Fredy Pérez Ruiz', 'none', 'none'],
  ['Luz Dary', 'Luz Dary Gómez', 'none', 'none'],
  ['Pérez Ruiz', 'Jhon Fredy Pérez Ruiz', 'none', 'none'],
  ['Fredy Pérez', 'Jhon Fredy Pérez Ruiz', 'none', 'none'],
  ['Gómez', 'Luz Dary Gómez', 'none', 'none'],
  ['de la', 'María del Pilar de la Torre', 'none', 'none'],
  ['', 'Esperanza Benítez Ríos', 'none', 'none'],
  ['   ', 'Esperanza Benítez Ríos', 'none', 'none'],
  ['Esperanza Benitez', '', 'none', 'none'],
  ['...', '...', 'none', 'none'],
  // Another person.
  ['Esperanza Gómez', 'Esperanza Benítez Ríos', 'none', 'none'],
  ['Carlos Benitez', 'Esperanza Benítez Ríos', 'none', 'none'],
  ['Esperanza Benítez Ríos Gómez', 'Esperanza Benítez Ríos', 'none', 'none'],
  ['María José Ruiz', 'María Ruiz', 'none', 'none'],
  // One typo, in words of five letters or more, only when allowed (resolve, search; never verify).
  ['Esperanza Benites', 'Esperanza Benítez Ríos', 'none', 'partial'],
  ['Esperanza Benites Rios', 'Esperanza Benítez Ríos', 'none', 'exact'],
  ['Esperansa Benitez', 'Esperanza Benítez Ríos', 'none', 'partial'],
  ['Espernaza Benitez', 'Esperanza Benítez Ríos', 'none', 'partial'],
  ['Esperanza Benitezz', 'Esperanza Benítez Ríos', 'none', 'partial'],
  ['Esperanza Beniez', 'Esperanza Benítez Ríos', 'none', 'partial'],
  ['Esperanza Bentiez Rios', 'Esperanza Benítez Ríos', 'none', 'exact'],
  ['Esperanza Benitos', 'Esperanza Benítez Ríos', 'none', 'none'],
  ['Jhon Peres', 'Jhon Fredy Pérez Ruiz', 'none', 'partial'],
  ['Jhon Pere', 'Jhon Fredy Pérez Ruiz', 'none', 'none'],
  ['Jon Pérez', 'Jhon Fredy Pérez Ruiz', 'none', 'none'],
  ['Luz Gomes', 'Luz Dary Gómez', 'none', 'partial'],
  ['Ana Torrez', 'Ana María Torres Vélez', 'none', 'partial'],
  ['Ana Toress', 'Ana María Torres Vélez', 'none', 'none'],
  ['Ama Torres', 'Ana María Torres Vélez', 'none', 'none'],
  ['Esprnza Bntz', 'Esperanza Benítez Ríos', 'none', 'none'],
];

names(`${NAME_CASES.length} name cases, matches and must-not-matches, with and without typos`, () => {
  assert.ok(NAME_CASES.length >= 60);
  for (const [claimed, recorded, strict, tolerant] of NAME_CASES) {
    assert.is(matchName(claimed, recorded), strict, `verify: "${claimed}" vs "${recorded}"`);
    assert.is(matchName(claimed, recorded, true), tolerant, `resolve: "${claimed}" vs "${recorded}"`);
  }
});

names('given names and surnames: two words are one of each; a second given name is known; four are two and two', () => {
  assert.is(givenNameCount(nameWords('Ana Torres')), 1);
  assert.is(givenNameCount(nameWords('Esperanza Benítez Ríos')), 1);
  assert.is(givenNameCount(nameWords('Luz Dary Gómez')), 2);
  assert.is(givenNameCount(nameWords('Jhon Fredy Pérez Ruiz')), 2);
  assert.is(givenNameCount(nameWords('María del Pilar de la Torre')), 2, 'María (del) Pilar: particles do not count');
  assert.is(givenNameCount(nameWords('Esperanza de la Torre Ríos')), 1);
  assert.equal(nameWords('María del Pilar de la Torre'), ['maria', 'pilar', 'torre']);
});

names('one edit: substitution, insertion, deletion, swapped neighbours; never two', () => {
  for (const [a, b] of [
    ['benites', 'benitez'],
    ['benitez', 'benitezz'],
    ['benitez', 'beniez'],
    ['bentiez', 'benitez'],
    ['a', 'b'],
    ['', 'a'],
  ]) {
    assert.ok(withinOneEdit(a!, b!), `${a} ~ ${b}`);
  }
  for (const [a, b] of [
    ['benitos', 'benitez'],
    ['benitez', 'benitezzz'],
    ['abc', 'cba'],
    ['', 'ab'],
  ]) {
    assert.not.ok(withinOneEdit(a!, b!), `${a} !~ ${b}`);
  }
});

names.run();

const addresses = suite('domain: addresses as people type them');

/** [claimed, recorded, quality]. */
const ADDRESS_CASES: [string, string, MatchQuality][] = [
  ['vereda la esperanza', 'Vereda La Esperanza, casa 12', 'partial'],
  ['Vda La Esperanza', 'Vereda La Esperanza, casa 12', 'partial'],
  ['V/ la esperanza', 'Vereda La Esperanza, casa 12', 'partial'],
  ['vereda la esperanza casa 12', 'Vereda La Esperanza, casa 12', 'exact'],
  ['Vereda La Esperanza Cs 12', 'Vereda La Esperanza, casa 12', 'exact'],
  ['Cra 12 # 40-20', 'Carrera 12 No. 40 - 20', 'exact'],
  ['Kra 12 40 20', 'Carrera 12 # 40-20', 'exact'],
  ['KR12 N° 40-20', 'Carrera 12 # 40-20', 'exact'],
  ['carrera 12 #40 20', 'Cra. 12 Nro 40-20', 'exact'],
  ['Cl 5 No. 3-20', 'Calle 5 # 3 - 20', 'exact'],
  ['Cll 5 3 20', 'Calle 5 # 3 - 20', 'exact'],
  ['Dg 40 # 12-5', 'Diagonal 40 No 12 - 5', 'exact'],
  ['Tv 3 # 8-10', 'Transversal 3 No 8 - 10', 'exact'],
  ['Av Boyacá 80-12', 'Avenida Boyaca # 80 12', 'exact'],
  ['B/ San José Mz 4 Cs 7', 'Barrio San José Manzana 4 Casa 7', 'exact'],
  ['barrio san jose', 'Barrio San José Manzana 4 Casa 7', 'partial'],
  ['Brr San Jose manzana 4', 'Barrio San José Manzana 4 Casa 7', 'partial'],
  ['Calle 10 # 4-32 Apto 301', 'Cl 10 # 4 - 32 Ap 301', 'exact'],
  ['calle 10 4 32', 'Cl 10 # 4 - 32 Ap 301', 'partial'],
  ['calle 10 4', 'Cl 10 # 4 - 32 Ap 301', 'partial'],
  ['Carrera 12', 'Carrera 12 # 40-20', 'partial'],
  ['San José', 'Barrio San José Manzana 4 Casa 7', 'partial'],
  ['Esperanza Vereda', 'Vereda La Esperanza, casa 12', 'partial'],
  // Too little to identify a place: fewer than two informative words.
  ['casa 12', 'Vereda La Esperanza, casa 12', 'none'],
  ['Cs 12', 'Vereda La Esperanza, casa 12', 'none'],
  ['la esperanza', 'Vereda La Esperanza, casa 12', 'none'],
  ['esperanza', 'Vereda La Esperanza, casa 12', 'none'],
  ['de la', 'Vereda La Esperanza, casa 12', 'none'],
  ['# 12', 'Carrera 12 # 40-20', 'none'],
  ['apto 301', 'Cl 10 # 4 - 32 Ap 301', 'none'],
  ['Mz 4 Cs 7', 'Barrio San José Manzana 4 Casa 7', 'none'],
  ['', 'Carrera 12 # 40-20', 'none'],
  ['vereda', 'Vereda La Esperanza, casa 12', 'none'],
  // Somewhere else.
  ['vereda el porvenir', 'Vereda La Esperanza, casa 12', 'none'],
  ['Cra 13 # 40-20', 'Carrera 12 # 40-20', 'none'],
  ['Calle 12 # 40-20', 'Carrera 12 # 40-20', 'none'],
  ['Cra 12 # 40-21', 'Carrera 12 # 40-20', 'none'],
  ['barrio san jorge', 'Barrio San José Manzana 4 Casa 7', 'none'],
  ['vereda la esperanza', '', 'none'],
  ['Carrera 12 # 40-20', 'Carrera 1 # 240-20', 'none'],
  ['Avenida Boyacá 80-12', 'Avenida Boyaca 81-12', 'none'],
];

addresses(`${ADDRESS_CASES.length} address cases, matches and must-not-matches`, () => {
  assert.ok(ADDRESS_CASES.length >= 40);
  for (const [claimed, recorded, quality] of ADDRESS_CASES) {
    assert.is(matchAddress(claimed, recorded), quality, `"${claimed}" vs "${recorded}"`);
  }
});

addresses('one typo in long words when allowed; never in numbers or short words', () => {
  assert.is(matchAddress('vereda la esperansa', 'Vereda La Esperanza, casa 12'), 'none');
  assert.is(matchAddress('vereda la esperansa', 'Vereda La Esperanza, casa 12', true), 'partial');
  assert.is(matchAddress('Cra 12 # 40-21', 'Carrera 12 # 40-20', true), 'none');
  assert.is(matchAddress('barrio san jise', 'Barrio San José', true), 'none', '"jise" is too short for a typo');
});

addresses('the canonical words: street types spelt out, the number sign one mark, numbers apart', () => {
  assert.equal(addressWords('KR12 N° 40-20'), ['carrera', '12', '#', '40', '20']);
  assert.equal(addressWords('Vda. La Esperanza, Cs 12'), ['vereda', 'la', 'esperanza', 'casa', '12']);
  assert.equal(addressWords('Calle 10A # 4-32'), ['calle', '10a', '#', '4', '32']);
  assert.equal(addressWords(null), []);
});

addresses.run();
