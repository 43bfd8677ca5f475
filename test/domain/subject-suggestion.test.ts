import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { normalizeMessage, SUGGESTIBLE_SUBJECTS, suggestSubjects } from '../../server/domain/subject-suggestion';
import { DEFAULT_SUBJECT_CATALOGUE, matchSubject } from '../../server/domain/ticket-subjects';

const suggest = suite('domain: a customer message → ticket subject');
const top = (text: string) => suggestSubjects(text, DEFAULT_SUBJECT_CATALOGUE);

/** [message as typed, the subject it must read as first]. */
const READS: [string, string][] = [
  ['no tengo internet', 'No Tiene Internet'],
  ['No tengo internet desde ayer 😡', 'No Tiene Internet'],
  ['buenas, no tngo nt', 'No Tiene Internet'],
  ['NO HAY SEÑAL', 'No Tiene Internet'],
  ['estamos sin internet en la casa', 'No Tiene Internet'],
  ['el internet no funciona', 'No Tiene Internet'],
  ['no me llega el wifi', 'No Tiene Internet'],
  ['no carga nada, ni whatsapp', 'No Tiene Internet'],
  ['se fue el internet', 'No Tiene Internet'],
  ['q pena pero no tenemos servicio', 'No Tiene Internet'],
  ['se me va el wifi a cada rato', 'Internet Intermitente'],
  ['el internet se cae a cada ratico', 'Internet Intermitente'],
  ['va y viene la señal', 'Internet Intermitente'],
  ['se desconecta cada nada', 'Internet Intermitente'],
  ['la conexion es intermitente', 'Internet Intermitente'],
  ['se corta por momentos', 'Internet Intermitente'],
  ['el internet esta muy lento', 'Internet Lento'],
  ['el internet está lentísimo', 'Internet Lento'],
  ['muy lentooo el inter', 'Internet Lento'],
  ['no me da la velocidad que pague', 'Internet Lento'],
  ['los videos se pegan, demora mucho', 'Internet Lento'],
  ['cambiar clave del wifi', 'Cambio de Contraseña en Router Wifi'],
  ['quiero cambiar la contraseña', 'Cambio de Contraseña en Router Wifi'],
  ['se me olvido la clave del wifi', 'Cambio de Contraseña en Router Wifi'],
  ['me pueden poner una nueva contraseña x fa', 'Cambio de Contraseña en Router Wifi'],
  ['el router tiene una luz roja', 'No Responde el Router Wifi'],
  ['el modem no prende', 'No Responde el Router Wifi'],
  ['el ruter esta apagado', 'No Responde el Router Wifi'],
  ['le di reset al router por error', 'Router Wifi Reseteado (Valores de Fabrica)'],
  ['resetee el modem', 'Router Wifi Reseteado (Valores de Fabrica)'],
  ['el router se quemo con la tormenta', 'Cambio de Router Wifi'],
  ['me voy a mudar el otro mes', 'Cambio de Domicilio'],
  ['necesito trasladar el servicio a mi nueva casa', 'Cambio de Domicilio'],
  ['quiero cancelar el servicio', 'Cancelación'],
  ['ya no quiero el servicio', 'Cancelación'],
  ['cuando vienen a recoger los equipos', 'Recolección De Equipos'],
  ['quiero suspender el servicio por un tiempo', 'Desconexión'],
  ['me cortaron el servicio y ya pague', 'Reconexión'],
  ['por favor reconexion', 'Reconexión'],
  ['la antena se movio con el viento', 'Antena Desalineada'],
  ['se cayo la antena', 'Antena Dañada'],
  ['la antena no prende', 'No Responde la Antena'],
  ['el perro mordio el cable', 'Cable UTP Dañado'],
  ['hay un cable suelto en el poste', 'Cables Mal Colocados'],
  ['se rompio la fibra', 'Cable Fibra Dañado'],
  ['el eliminador del router no sirve', 'Eliminador Dañado'],
  ['el poe esta malo', 'PoE Dañado'],
  ['quiero pasarme a fibra', 'Cambio A Fibra Óptica'],
  ['la caja nap esta abierta y dañada', 'Caja Nap Dañada'],
  ['necesito otro punto de wifi en el segundo piso, un repetidor', 'Cableado Para Modem Extra'],
];

suggest(`${READS.length} messages read as the subject a person would pick`, () => {
  assert.ok(READS.length >= 50);
  for (const [message, subject] of READS) {
    const result = top(message);
    assert.is(result.suggestions[0]?.subject, subject, `"${message}" → ${JSON.stringify(result.suggestions.map((s) => s.subject))}`);
    assert.ok(result.confidence !== 'low', `"${message}" read with some confidence`);
    assert.is(result.suggestions[0]!.priority, matchSubject(subject, DEFAULT_SUBJECT_CATALOGUE)!.priority, 'with the priority it implies');
  }
});

suggest('a clear message is high confidence; two readings at once are medium and say to confirm', () => {
  const clear = top('no tengo internet');
  assert.is(clear.confidence, 'high');
  assert.match(clear.message, /No Tiene Internet/);
  const mixed = top('el internet esta lento y se cae a cada rato');
  assert.equal(
    mixed.suggestions
      .slice(0, 2)
      .map((s) => s.subject)
      .sort(),
    ['Internet Intermitente', 'Internet Lento'],
  );
  assert.is(mixed.confidence, 'medium');
  assert.match(mixed.message, /confirme con el cliente/);
});

suggest('billing messages are not support tickets: low, with the topic and no subject', () => {
  for (const message of ['me cobraron doble', 'cuanto debo', 'ya pague la factura', 'me llego el recibo muy caro']) {
    const result = top(message);
    assert.equal(
      { confidence: result.confidence, topic: result.topic, suggestions: result.suggestions },
      {
        confidence: 'low',
        topic: 'billing',
        suggestions: [],
      },
      message,
    );
    assert.match(result.message, /saldo/);
  }
});

suggest('nothing to read: low, says to ask, never a guess', () => {
  for (const message of ['', '   ', 'hola', 'buenas tardes', '👍', 'ok gracias', 'asdfgh', 'internet', 'wifi', 'el router']) {
    const result = top(message);
    assert.is(result.confidence, 'low', message);
    assert.equal(result.suggestions, [], message);
  }
  assert.match(top('hola').message, /Pregunte al cliente/);
});

suggest('only subjects the ISP’s catalogue has are suggested', () => {
  const small = { 1: [], 2: ['Internet Lento'], 3: [], 4: [] };
  assert.equal(suggestSubjects('no tengo internet', small).suggestions, []);
  assert.is(suggestSubjects('muy lento', small).suggestions[0]?.subject, 'Internet Lento');
  for (const subject of SUGGESTIBLE_SUBJECTS)
    assert.ok(matchSubject(subject, DEFAULT_SUBJECT_CATALOGUE), `${subject} is in the shipped catalogue`);
});

suggest('normalising: accents, case, repeated letters, WhatsApp shorthand', () => {
  assert.is(normalizeMessage('NO TNGO INTERNETTTT!!!'), 'no tengo internet');
  assert.is(normalizeMessage('Wi Fi muuuy lentaaa'), 'wifi muy lento');
  assert.is(normalizeMessage('xq no me llega la señal'), 'porque no me llega la senal');
});

suggest.run();

const own = suite('domain: the ISP’s own subjects, by their words and the ISP’s synonyms');
const ispCatalogue = {
  1: ['Traslado de Servicio'],
  2: ['Internet Lento', 'Sin Señal en la Antena', 'Revisión de Potencia Óptica'],
  3: ['No Tiene Internet'],
  4: [],
};

own('a subject no rule knows is suggested by the words of its name, never with high confidence', () => {
  const result = suggestSubjects('la antena perdio la señal', ispCatalogue);
  const antenna = result.suggestions[0]!;
  assert.is(antenna.subject, 'Sin Señal en la Antena');
  assert.ok(antenna.confidence <= 0.7);
  assert.is.not(result.confidence, 'high');
  assert.ok(antenna.reads.some((reads) => /palabras del asunto/.test(reads)));
  // Beside a rule's reading, the word match makes it a question, not a certainty.
  const both = suggestSubjects('antena sin señal', ispCatalogue);
  assert.equal(
    both.suggestions.map((suggestion) => suggestion.subject),
    ['No Tiene Internet', 'Sin Señal en la Antena'],
  );
  assert.is(both.confidence, 'medium');
  // One word in common is not a reading ("servicio" alone does not make a move).
  assert.not.ok(suggestSubjects('el servicio está caro', ispCatalogue).suggestions.some((s) => s.subject === 'Traslado de Servicio'));
});

own('the ISP’s synonyms for its own subjects are read whole; a rule’s subject still wins when both apply', () => {
  const synonyms = new Map([['traslado de servicio', ['me voy a mudar', 'cambio de casa']]]);
  const moving = suggestSubjects('hola, me voy a mudar el otro mes', ispCatalogue, synonyms);
  assert.is(moving.suggestions[0]?.subject, 'Traslado de Servicio');
  assert.is(moving.suggestions[0]?.confidence, 0.65);
  assert.is(moving.confidence, 'medium');
  const slow = suggestSubjects('el internet esta muy lento y la antena sin señal', ispCatalogue);
  assert.is(slow.suggestions[0]?.subject, 'Internet Lento', 'a rule match outranks a word match');
});

own.run();
