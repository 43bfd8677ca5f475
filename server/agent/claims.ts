/**
 * A reply may not claim what no tool did: "su ticket quedó creado", "registré su pago", "su
 * promesa quedó acordada" must match a successful tool call of this turn. Patterns in Spanish and
 * English, as customers switch.
 */

export interface ClaimRule {
  kind: 'ticket' | 'payment_report' | 'promise';
  /** The tool whose success backs the claim. */
  tool: string;
  pattern: RegExp;
}

const DONE =
  '(cread[oa]|creé|abiert[oa]|abrí|registrad[oa]|registré|radicad[oa]|generad[oa]|reportad[oa]|report[ée]|acordad[oa]|acordé|quedó|created|opened|registered|recorded|logged|agreed|set up)';
// Word edges that know accented letters (\b does not: "registré" would never end).
const W = '(?<![\\p{L}])';
const E = '(?![\\p{L}])';
const rule = (nouns: string) =>
  new RegExp(`${W}(${nouns})${E}[^.!?]{0,60}${W}${DONE}${E}|${W}${DONE}${E}[^.!?]{0,40}${W}(${nouns})${E}`, 'iu');

export const CLAIM_RULES: readonly ClaimRule[] = [
  {
    kind: 'ticket',
    tool: 'tickets_create',
    pattern: rule('ticket|caso|radicado|solicitud de soporte|incidencia'),
  },
  {
    kind: 'payment_report',
    tool: 'payments_report',
    // "Promesa de pago" is a promise, not a payment report.
    pattern: rule('(?<!promesa de )pago|comprobante|payment'),
  },
  {
    kind: 'promise',
    tool: 'promises_create',
    pattern: rule('promesa|promise'),
  },
];

/** A sentence that denies rather than claims ("aún no he creado el ticket"). */
const NEGATED = /(?<![\p{L}])(no|aún no|todavía no|nunca|sin|not|never|haven't|hasn't|didn't|wasn't)(?![\p{L}])/iu;

/** The claims a reply makes that no successful tool call of this turn backs (sentence by sentence; denials are not claims). */
export function unsupportedClaims(reply: string, succeeded: ReadonlySet<string>): ClaimRule['kind'][] {
  const sentences = reply.split(/(?<=[.!?¡¿\n])\s*/).filter((sentence) => !NEGATED.test(sentence));
  return CLAIM_RULES.filter((rule) => !succeeded.has(rule.tool) && sentences.some((sentence) => rule.pattern.test(sentence))).map(
    (rule) => rule.kind,
  );
}
