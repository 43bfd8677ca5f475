/**
 * A customer's message, as typed on WhatsApp, turned into ranked ticket subjects of the
 * catalogue. Pure rules: Spanish phrases with their common misspellings and shorthand, no model
 * and no network. A message no rule reads well is answered `low`, with a sentence saying so,
 * never a confident guess.
 */

import { suggestByWords } from './subject-words';
import { foldText } from './text';
import { type CatalogueSubject, matchSubject, type SubjectCatalogue } from './ticket-subjects';

/** Shorthand and misspellings, word by word, to the word the rules are written with. */
const WORD_FORMS = new Map<string, string>(
  Object.entries({
    q: 'que',
    k: 'que',
    ke: 'que',
    xq: 'porque',
    pq: 'porque',
    porq: 'porque',
    tngo: 'tengo',
    tng: 'tengo',
    tego: 'tengo',
    tenemo: 'tenemos',
    nt: 'internet',
    inter: 'internet',
    internt: 'internet',
    intenet: 'internet',
    intrnet: 'internet',
    interne: 'internet',
    internett: 'internet',
    internel: 'internet',
    wify: 'wifi',
    wiffi: 'wifi',
    wiifi: 'wifi',
    guifi: 'wifi',
    wi: 'wifi',
    fi: '',
    ruter: 'router',
    rauter: 'router',
    routher: 'router',
    modem: 'router',
    moden: 'router',
    enrutador: 'router',
    contrasena: 'clave',
    contrasenia: 'clave',
    contracena: 'clave',
    password: 'clave',
    pass: 'clave',
    clav: 'clave',
    x: 'por',
    d: 'de',
    xfa: 'porfavor',
    pf: 'porfavor',
    tb: 'tambien',
    tmb: 'tambien',
    bn: 'bien',
    sta: 'esta',
    ta: 'esta',
    stoy: 'estoy',
    senal: 'senal',
    senial: 'senal',
    lentisimo: 'lento',
    lentisima: 'lento',
    lenta: 'lento',
    despacio: 'lento',
    rapido: 'rapido',
    nada: 'nada',
    ahorita: 'ahora',
    aorita: 'ahora',
    resetie: 'resetee',
    resetié: 'resetee',
    reseteo: 'resetee',
    antenna: 'antena',
    cable: 'cable',
    cables: 'cable',
  }),
);

/** A rule: a phrase pattern over the normalised message, the subject it implies, and how strongly. */
interface Rule {
  subject: string;
  pattern: RegExp;
  weight: number;
  /** The reading shown back, so a bot (and a person reviewing it) sees why. */
  reads: string;
}

const NO = '(?:no|ni|sin)';
const HAVE = '(?:tengo|tenemos|hay|llega|funciona|sirve|carga|navega|entra|conecta|abre|tiene)';
const SERVICE = '(?:internet|servicio|senal|conexion|wifi|red|datos)';

const RULES: Rule[] = [
  {
    subject: 'No Tiene Internet',
    pattern: new RegExp(`\\b${NO} (?:me |nos |le )?${HAVE} (?:el |la |de |nada de )?(?:el |la )?${SERVICE}\\b`),
    weight: 0.9,
    reads: 'sin servicio',
  },
  { subject: 'No Tiene Internet', pattern: new RegExp(`\\b${NO} ${SERVICE}\\b`), weight: 0.8, reads: 'sin servicio' },
  {
    subject: 'No Tiene Internet',
    pattern: new RegExp(`\\b${SERVICE} (?:no (?:funciona|sirve|carga|prende|anda|llega)|se (?:fue|murio|cayo del todo))\\b`),
    weight: 0.85,
    reads: 'el servicio no funciona',
  },
  {
    subject: 'No Tiene Internet',
    pattern: /\b(?:no (?:carga|abre|navega) nada|se fue (?:el|la) (?:internet|senal|luz del router))\b/,
    weight: 0.75,
    reads: 'no navega',
  },
  {
    subject: 'Internet Intermitente',
    pattern:
      /\b(?:intermitente|se (?:me |nos )?(?:va|cae|corta|desconecta|pierde|quita)|va y viene|se va y (?:se )?viene|a cada (?:rato|momento|ratico)|a ratos|por momentos|cada (?:rato|nada|ratico)|se (?:me |nos )?desconecta)\b/,
    weight: 0.85,
    reads: 'el servicio se cae y vuelve',
  },
  {
    subject: 'Internet Lento',
    pattern:
      /\b(?:lento|muy lento|demora mucho|se demora|tarda(?:n)? (?:mucho|en cargar)|no (?:me )?da la velocidad|velocidad (?:baja|mala|muy baja)|poca velocidad|no carga rapido|carga muy lento|se pega|se congela|pesado)\b/,
    weight: 0.85,
    reads: 'el servicio va lento',
  },
  {
    subject: 'Cambio de Contraseña en Router Wifi',
    pattern:
      /\b(?:cambiar|cambio|cambien|cambiarle|poner|nueva|olvide|se me olvido|recuperar|no se) (?:(?:de |la |el |mi |una |del )+)?(?:clave|usuario|nombre de la red)\b/,
    weight: 0.9,
    reads: 'cambiar la clave del wifi',
  },
  {
    subject: 'Cambio de Contraseña en Router Wifi',
    pattern: /\bclave (?:del |de la )?(?:wifi|red|router)\b/,
    weight: 0.6,
    reads: 'la clave del wifi',
  },
  {
    subject: 'Cambio de Domicilio',
    pattern:
      /\b(?:me (?:voy a )?(?:mudo|mude|mudar|trasteo|traslado)|trasteo|mudanza|cambio de (?:casa|direccion|domicilio)|cambiar(?:me)? de (?:casa|direccion)|traslad(?:ar|o) (?:el|del) servicio|llevar(?:me)? el servicio)\b/,
    weight: 0.9,
    reads: 'se muda',
  },
  {
    subject: 'Cancelación',
    pattern:
      /\b(?:cancelar|cancelacion|retirar(?:me)?|dar de baja|no quiero (?:mas )?el servicio|terminar el contrato|quitar el servicio)\b/,
    weight: 0.85,
    reads: 'quiere cancelar',
  },
  {
    subject: 'Recolección De Equipos',
    pattern: /\b(?:recoger|recojan|retiren|devolver|recoleccion de) (?:los |el |la )?(?:equipos?|router|antena|aparatos)\b/,
    weight: 0.9,
    reads: 'recoger equipos',
  },
  {
    subject: 'Desconexión',
    pattern:
      /\b(?:suspender|suspension|desconectar|pausar) (?:el servicio )?(?:temporalmente|por (?:un tiempo|unos (?:dias|meses)|un mes|viaje))\b/,
    weight: 0.85,
    reads: 'suspender por un tiempo',
  },
  {
    subject: 'Reconexión',
    pattern:
      /\b(?:reconectar|reconexion|reactivar|activar(?:me)? (?:el|mi) servicio|me (?:cortaron|suspendieron)|ya pague (?:y|pero) (?:no|sigo sin))\b/,
    weight: 0.85,
    reads: 'reconexión',
  },
  {
    subject: 'No Responde el Router Wifi',
    pattern:
      /\brouter (?:no (?:prende|enciende|responde|funciona|sirve|da luces?)|esta apagado|tiene (?:una )?luz roja|con luz roja|parpadea(?:ndo)? (?:en )?rojo|muerto)\b/,
    weight: 0.9,
    reads: 'el router no responde',
  },
  {
    subject: 'No Responde el Router Wifi',
    pattern: /\b(?:luz roja|bombillo rojo|lucecita roja|luces? apagadas?)\b/,
    weight: 0.6,
    reads: 'una luz roja',
  },
  {
    subject: 'Router Wifi Reseteado (Valores de Fabrica)',
    pattern:
      /\b(?:resete(?:e|ar|ado|aron|o)|le (?:di|dieron|undi|hundi) (?:al )?reset|boton de reset|valores de fabrica|restablec(?:i|er) (?:el )?router)\b/,
    weight: 0.9,
    reads: 'el router se reseteó',
  },
  {
    subject: 'Cambio de Router Wifi',
    pattern:
      /\b(?:cambiar|cambio de|cambien|nuevo) (?:el |de )?router\b|\brouter (?:se )?(?:quemo|dano|rompio|esta (?:quemado|danado|roto))\b/,
    weight: 0.85,
    reads: 'cambiar el router',
  },
  {
    subject: 'Antena Desalineada',
    pattern:
      /\bantena (?:se (?:movio|corrio|torcio|ladeo)|(?:esta )?(?:torcida|movida|ladeada|desalineada|desviada))\b|\b(?:se movio|movieron|torcieron) la antena\b/,
    weight: 0.9,
    reads: 'la antena se movió',
  },
  {
    subject: 'Antena Dañada',
    pattern:
      /\bantena (?:se (?:dano|rompio|quemo|cayo)|(?:esta )?(?:danada|rota|quemada|caida))\b|\b(?:se cayo|tumbaron|rompieron) la antena\b/,
    weight: 0.9,
    reads: 'la antena está dañada',
  },
  {
    subject: 'No Responde la Antena',
    pattern: /\bantena (?:no (?:prende|enciende|responde|funciona|tiene luz)|esta apagada)\b/,
    weight: 0.9,
    reads: 'la antena no responde',
  },
  {
    subject: 'Cable Fibra Dañado',
    pattern: /\b(?:fibra (?:rota|cortada|danada|partida)|cable de (?:la )?fibra|se (?:rompio|corto|partio) la fibra)\b/,
    weight: 0.9,
    reads: 'la fibra está dañada',
  },
  {
    subject: 'Cable UTP Dañado',
    pattern:
      /\bcable (?:roto|cortado|danado|partido|mordido|pelado)|\b(?:se (?:rompio|corto|partio|reventaron?)|cortaron|mordio|rompieron) (?:el )?cable\b/,
    weight: 0.8,
    reads: 'un cable dañado',
  },
  {
    subject: 'Cables Mal Colocados',
    pattern: /\bcable (?:suelto|colgando|mal (?:puesto|colocado)|desconectado|caido)\b|\bcable (?:se )?(?:solto|cayo|desconecto)\b/,
    weight: 0.8,
    reads: 'un cable suelto',
  },
  {
    subject: 'Cableado Para Modem Extra',
    pattern: /\b(?:otro|segundo|extra|adicional) (?:router|punto de (?:red|wifi)|repetidor)\b|\b(?:cablear|cableado) (?:para )?otro\b/,
    weight: 0.85,
    reads: 'un punto adicional',
  },
  {
    subject: 'Eliminador Dañado',
    pattern: /\b(?:eliminador|cargador (?:del )?router|adaptador de (?:corriente|poder)|fuente de poder)\b/,
    weight: 0.95,
    reads: 'el eliminador',
  },
  { subject: 'PoE Dañado', pattern: /\bpoe\b/, weight: 0.85, reads: 'el PoE' },
  { subject: 'RJ45 Dañado', pattern: /\b(?:rj ?45|plug|ponchado)\b/, weight: 0.8, reads: 'el conector RJ45' },
  { subject: 'Conector Dañado', pattern: /\bconector\b/, weight: 0.75, reads: 'un conector' },
  {
    subject: 'Cambio A Fibra Óptica',
    pattern: /\b(?:cambiar(?:me)?|pasar(?:me)?|migrar) a (?:la )?fibra\b|\bquiero fibra\b/,
    weight: 0.9,
    reads: 'pasar a fibra',
  },
  { subject: 'Caja Nap Dañada', pattern: /\b(?:caja nap|nap)\b/, weight: 0.85, reads: 'la caja NAP' },
  {
    subject: 'Troncal Dañado',
    pattern: /\b(?:troncal|todo el (?:barrio|sector|conjunto) (?:esta )?sin)\b/,
    weight: 0.8,
    reads: 'el troncal o todo el sector',
  },
];

/** Messages about money: not a support ticket; the bot should go to balance and payments. */
const BILLING = /\b(?:cobr(?:aron|an|o)|cobro|factura|recibo|pago|pague|pagar|plata|debo|deuda|saldo|doble)\b/;

export type SuggestionConfidence = 'high' | 'medium' | 'low';

export interface SubjectSuggestion extends CatalogueSubject {
  /** 0-1: how strongly the message reads as this subject. */
  confidence: number;
  /** Why, in the words of the rules ("el servicio se cae y vuelve"). */
  reads: string[];
}

export interface SuggestionResult {
  confidence: SuggestionConfidence;
  suggestions: SubjectSuggestion[];
  /** The message reads as billing, not support: go to balance, invoices or payments instead. */
  topic: 'support' | 'billing' | 'unknown';
  /** A Spanish sentence a bot can act on. */
  message: string;
}

/** The message as the rules read it: folded, letters repeated for emphasis collapsed, shorthand spelt out. */
export function normalizeMessage(text: string): string {
  return foldText(text.replace(/ñ/gi, 'n'))
    .replace(/([a-z])\1{2,}/g, '$1')
    .split(' ')
    .map((word) => WORD_FORMS.get(word) ?? word)
    .filter((word) => word !== '')
    .join(' ');
}

const HIGH = 0.8;
const MEDIUM = 0.5;
/** A top subject this close to the next is not a clear reading. */
const CLEAR_MARGIN = 0.15;
const MAX_SUGGESTIONS = 3;

/**
 * `synonyms`: the ISP's own phrases for its own subjects (folded subject → phrases), read by
 * subject-words.ts for the subjects no rule targets.
 */
export function suggestSubjects(
  text: string,
  catalogue: SubjectCatalogue,
  synonyms: ReadonlyMap<string, readonly string[]> = new Map(),
): SuggestionResult {
  const message = normalizeMessage(text);
  const bySubject = new Map<string, { entry: CatalogueSubject; miss: number; reads: string[] }>();
  for (const rule of RULES) {
    if (!rule.pattern.test(message)) continue;
    // Only subjects this ISP's catalogue has.
    const entry = matchSubject(rule.subject, catalogue);
    if (!entry) continue;
    const current = bySubject.get(entry.subject) ?? { entry, miss: 1, reads: [] };
    current.miss *= 1 - rule.weight;
    if (!current.reads.includes(rule.reads)) current.reads.push(rule.reads);
    bySubject.set(entry.subject, current);
  }
  const byWords = suggestByWords(message, catalogue, (subject) => RULE_SUBJECT_KEYS.has(foldText(subject)), synonyms).map(
    ({ reads, ...entry }) => ({ ...entry, reads: [reads] }),
  );
  const suggestions = [...bySubject.values()]
    .map(({ entry, miss, reads }) => ({ ...entry, confidence: Math.round((1 - miss) * 100) / 100, reads }))
    .concat(byWords)
    // Stronger reading first; between equals, the more urgent subject.
    .sort((a, b) => b.confidence - a.confidence || b.priority - a.priority)
    .slice(0, MAX_SUGGESTIONS);
  const [top, second] = suggestions;
  const billing = BILLING.test(message);
  if (!top) {
    return {
      confidence: 'low',
      suggestions: [],
      topic: billing ? 'billing' : 'unknown',
      message: billing
        ? 'El mensaje parece sobre pagos o facturación, no una falla: consulte el saldo y las facturas del cliente.'
        : 'No reconocemos el problema en el mensaje. Pregunte al cliente qué falla (sin internet, lento, intermitente, clave del wifi...).',
    };
  }
  const clear = !second || top.confidence - second.confidence >= CLEAR_MARGIN;
  const confidence: SuggestionConfidence = top.confidence >= HIGH && clear ? 'high' : top.confidence >= MEDIUM ? 'medium' : 'low';
  return {
    confidence,
    suggestions,
    topic: 'support',
    message:
      confidence === 'high'
        ? `El mensaje corresponde a «${top.subject}».`
        : `Puede ser «${top.subject}»${second ? ` o «${second.subject}»` : ''}: confirme con el cliente antes de abrir el ticket.`,
  };
}

/** Every subject a rule can suggest, for the check that the shipped catalogue has them all. */
export const SUGGESTIBLE_SUBJECTS = [...new Set(RULES.map((rule) => rule.subject))];
const RULE_SUBJECT_KEYS = new Set(SUGGESTIBLE_SUBJECTS.map((subject) => foldText(subject)));
