/**
 * The word indexes behind search and identity resolution, built from a directory's clients in one
 * pass. They cost most of a directory's build, and exact reads (by id, document, phone, a list
 * page) never need them, so a directory builds them on the first search or resolve, or when it is
 * idle after a load, and a cold load answers exact reads without waiting for them.
 */

import { type AddressParts, addressParts } from './address';
import type { Client } from './client';
import { clientWords } from './client-words';
import { normalizeDocument } from './document';
import { tokenize } from './text';

/** Postings of many words in one buffer: the holders of word `w` are data[start[w]..start[w + 1]). */
export interface Postings {
  start: Uint32Array;
  data: Uint32Array;
}

export interface ClientSearchIndex {
  /** Name words (no particles) and informative address words: identity candidates come from them. */
  identityNameWords: Map<string, number[]>;
  identityAddressWords: Map<string, number[]>;
  /** Distinct identity words (name and address), for one-typo lookups. */
  identityWords: string[];
  /** Each client's folded name words, in order: "in the query's order" is checked against them. */
  foldedNameWords: string[][];
  /** The same joined: "the whole name as typed" is one string comparison. */
  foldedNames: string[];
  /** Sorted distinct search words (name, address, document, phones), and the clients holding each. */
  words: string[];
  postings: Postings;
  /** The same for name words only: ranks "matched in the name" without scanning names per hit. */
  nameWords: string[];
  namePostings: Postings;
  /** Each client's place in name order (folded name, then service id): ties in a rank sort by it. */
  namePosition: Uint32Array;
  clientAtNamePosition: Uint32Array;
}

function pushTo<K>(map: Map<K, number[]>, key: K, index: number): void {
  const list = map.get(key);
  if (list) {
    if (list[list.length - 1] !== index) list.push(index);
  } else {
    map.set(key, [index]);
  }
}

/** Sorted words with their postings in one buffer (thousands of small typed arrays cost more than their data). */
function packPostings(map: Map<string, number[]>): { words: string[]; postings: Postings } {
  const words = [...map.keys()].sort();
  const start = new Uint32Array(words.length + 1);
  let total = 0;
  words.forEach((word, position) => {
    start[position] = total;
    total += map.get(word)!.length;
  });
  start[words.length] = total;
  const data = new Uint32Array(total);
  words.forEach((word, position) => {
    data.set(map.get(word)!, start[position]!);
  });
  return { words, postings: { start, data } };
}

/** Indexes `clients` by their position in the array; walking it in order keeps every posting list ascending. */
export function buildClientSearchIndex(clients: readonly Client[]): ClientSearchIndex {
  const identityNameWords = new Map<string, number[]>();
  const identityAddressWords = new Map<string, number[]>();
  const foldedNameWords: string[][] = [];
  const foldedNames: string[] = [];
  const wordPostings = new Map<string, number[]>();
  const namePostings = new Map<string, number[]>();
  // One copy of each name word: thousands of clients are called "gomez", and each split makes its own.
  const sharedWords = new Map<string, string>();
  // Neighbours share addresses ("Vereda San José"): each distinct one is split once.
  const addressTokens = new Map<string, string[]>();
  const addressSplits = new Map<string, AddressParts>();
  const partsOfAddress = (address: string | null): AddressParts => {
    if (!address) return addressParts(address);
    let parts = addressSplits.get(address);
    if (!parts) {
      parts = addressParts(address);
      addressSplits.set(address, parts);
    }
    return parts;
  };
  const tokensOfAddress = (address: string | null): string[] => {
    if (!address) return [];
    let tokens = addressTokens.get(address);
    if (!tokens) {
      tokens = tokenize(address);
      addressTokens.set(address, tokens);
    }
    return tokens;
  };
  const shareWords = (words: string[]): string[] => {
    for (let position = 0; position < words.length; position++) {
      const word = words[position]!;
      const known = sharedWords.get(word);
      if (known === undefined) sharedWords.set(word, word);
      else words[position] = known;
    }
    return words;
  };

  clients.forEach((client, index) => {
    const names = shareWords(tokenize(client.name));
    foldedNames.push(names.join(' '));
    foldedNameWords.push(names);
    // pushTo skips a repeat of the same client, so no per-client set is needed.
    for (const word of names) pushTo(namePostings, word, index);
    const identity = clientWords(client, { nameTokens: names, addressParts: partsOfAddress });
    for (const word of identity.name) pushTo(identityNameWords, word, index);
    for (const word of identity.address.informative) pushTo(identityAddressWords, word, index);
    for (const word of names) pushTo(wordPostings, word, index);
    for (const word of tokensOfAddress(client.address)) pushTo(wordPostings, word, index);
    for (const phone of client.phones) pushTo(wordPostings, phone, index);
    const document = normalizeDocument(client.document);
    if (document) pushTo(wordPostings, document.toLowerCase(), index);
  });

  const order = clients.map((_, index) => index);
  order.sort((a, b) =>
    foldedNames[a]! < foldedNames[b]! ? -1 : foldedNames[a]! > foldedNames[b]! ? 1 : clients[a]!.serviceId - clients[b]!.serviceId,
  );
  const namePosition = new Uint32Array(clients.length);
  order.forEach((index, position) => {
    namePosition[index] = position;
  });
  const searchWords = packPostings(wordPostings);
  const nameIndex = packPostings(namePostings);
  return {
    identityNameWords,
    identityAddressWords,
    identityWords: [...new Set([...identityNameWords.keys(), ...identityAddressWords.keys()])],
    foldedNameWords,
    foldedNames,
    words: searchWords.words,
    postings: searchWords.postings,
    nameWords: nameIndex.words,
    namePostings: nameIndex.postings,
    namePosition,
    clientAtNamePosition: Uint32Array.from(order),
  };
}
