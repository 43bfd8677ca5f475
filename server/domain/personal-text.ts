/**
 * Masking of personal data in free text, wherever a reader needs the text but not the numbers in
 * it (the model, the console): any run of six or more digits (documents, phones) keeps its last
 * three, an e-mail address its first letter and domain. Ids and amounts stay as they are when they
 * are numbers, not text.
 */

const NUMBER_RUN = /\d(?:[\d .-]{4,}\d)/g;
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

export const digitsOf = (text: string): string => text.replace(/\D/g, '');

/** The digit runs (6+) in some texts: numbers a customer wrote themselves, which need no masking back to them. */
export function numberRuns(texts: readonly string[]): Set<string> {
  const runs = new Set<string>();
  for (const text of texts) for (const run of text.match(NUMBER_RUN) ?? []) if (digitsOf(run).length >= 6) runs.add(digitsOf(run));
  return runs;
}

/** `text` with its documents, phones and e-mail addresses masked, except the digit runs in `keep`. */
export function maskPersonalText(text: string, keep: ReadonlySet<string> = new Set()): string {
  return text
    .replace(NUMBER_RUN, (run) => {
      const digits = digitsOf(run);
      if (digits.length < 6 || keep.has(digits)) return run;
      return `•••${digits.slice(-3)}`;
    })
    .replace(EMAIL, (_, first: string, domain: string) => `${first}•••@${domain}`);
}
