/**
 * What the model may read of a tool's answer: documents and phone numbers (any run of six or more
 * digits in a text field; ids and amounts are JSON numbers and stay) masked to their last three, e-mail addresses to their first letter and domain, unless
 * the customer wrote that number themselves in this conversation; verification tokens never
 * (the gateway keeps them).
 */

const NUMBER_RUN = /\d(?:[\d .-]{4,}\d)/g;
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;
const SECRET_FIELDS = new Set(['verificationToken', 'token']);

const digitsOf = (text: string): string => text.replace(/\D/g, '');

/** The digit runs (6+) the customer wrote, for "beyond what the customer said themselves". */
export function saidNumbers(userTexts: readonly string[]): Set<string> {
  const said = new Set<string>();
  for (const text of userTexts) for (const run of text.match(NUMBER_RUN) ?? []) if (digitsOf(run).length >= 6) said.add(digitsOf(run));
  return said;
}

function maskText(text: string, said: ReadonlySet<string>): string {
  return text
    .replace(NUMBER_RUN, (run) => {
      const digits = digitsOf(run);
      if (digits.length < 6 || said.has(digits)) return run;
      return `•••${digits.slice(-3)}`;
    })
    .replace(EMAIL, (_, first: string, domain: string) => `${first}•••@${domain}`);
}

export function maskForModel(value: unknown, said: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return maskText(value, said);
  if (Array.isArray(value)) return value.map((item) => maskForModel(item, said));
  if (value !== null && typeof value === 'object') {
    const masked: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      masked[key] = SECRET_FIELDS.has(key) && item !== null ? '[guardado por el sistema]' : maskForModel(item, said);
    return masked;
  }
  return value;
}
