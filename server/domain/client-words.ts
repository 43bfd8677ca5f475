import { type AddressParts, addressParts } from './address';
import type { Client } from './client';
import { nameWords } from './person-name';
import { foldText } from './text';

/**
 * A client's name, address and plan split into the words identity rules compare, once per client
 * object: clients are immutable, the directory splits them when it indexes, and `resolve`, which
 * compares one claim with hundreds of candidates, reads the same split.
 */

export interface ClientWords {
  name: string[];
  address: AddressParts;
  plan: string;
}

const cache = new WeakMap<Client, ClientWords>();

export function clientWords(client: Client): ClientWords {
  let words = cache.get(client);
  if (!words) {
    words = { name: nameWords(client.name), address: addressParts(client.address), plan: planKey(client.plan?.name) };
    cache.set(client, words);
  }
  return words;
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
