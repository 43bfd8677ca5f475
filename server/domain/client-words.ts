/**
 * A client's name, address and plan split into the words identity rules compare, once per client
 * object: clients are immutable, the directory splits them when it indexes, and `resolve`, which
 * compares one claim with hundreds of candidates, reads the same split.
 */

import { type AddressParts, addressParts } from './address';
import type { Client } from './client';
import { nameWords, PARTICLES } from './person-name';
import { foldText } from './text';

export interface ClientWords {
  name: readonly string[];
  /**
   * How many of the name's words are given names, from upstream's separate given names when it
   * keeps them and they begin the name; undefined: guessed from the words (person-name.ts).
   */
  givenCount: number | undefined;
  address: AddressParts;
  plan: string;
}

const cache = new WeakMap<Client, ClientWords>();

/**
 * What an indexer already has: the name's folded words (tokenize) and a way to split an address
 * once for every neighbour who shares it. Both only save work; the words are the same.
 */
export interface KnownSplits {
  nameTokens: readonly string[];
  addressParts: (address: string | null) => AddressParts;
}

export function clientWords(client: Client, known?: KnownSplits): ClientWords {
  let words = cache.get(client);
  if (!words) {
    // tokenize and nameWords fold a name the same way unless it holds digits (tokenize joins "1.2").
    const name = known && !/\d/.test(client.name) ? withoutParticles(known.nameTokens) : nameWords(client.name);
    const address = known ? known.addressParts(client.address) : addressParts(client.address);
    words = { name, givenCount: givenCountOf(client.givenNames, name), address, plan: planKey(client.plan?.name) };
    cache.set(client, words);
  }
  return words;
}

function givenCountOf(givenNames: string | null, name: readonly string[]): number | undefined {
  if (!givenNames) return undefined;
  const given = nameWords(givenNames);
  // Only when they are the name's first words and leave a surname: otherwise the name says otherwise.
  const leads = given.length > 0 && given.length < name.length && given.every((word, index) => word === name[index]);
  return leads ? given.length : undefined;
}

/** Most names hold no particle ("de", "la"): their words are the indexer's own list, not a copy. */
function withoutParticles(words: readonly string[]): readonly string[] {
  return words.some((word) => PARTICLES.has(word)) ? words.filter((word) => !PARTICLES.has(word)) : words;
}

const planKeys = new Map<string, string>();

/** The comparison key of a plan name. An ISP has tens of plans: their keys are kept, not folded per comparison. */
export function planKey(name: string | null | undefined): string {
  if (!name) return '';
  let key = planKeys.get(name);
  if (key === undefined) {
    if (planKeys.size >= 1000) planKeys.clear();
    key = foldText(name);
    planKeys.set(name, key);
  }
  return key;
}
