import { type AddressParts, addressParts, addressWords, informativeAddressWords, MIN_ADDRESS_WORDS } from './address';
import { clientWords } from './client-words';
import type { Client } from './client';
import { normalizeDocument } from './document';
import { NearWords, TYPO_MIN_LENGTH } from './fuzzy';
import { nameWords } from './person-name';
import { normalizePhone } from './phone';
import { smallestKeys } from './smallest-keys';
import { tokenize } from './text';

/**
 * An immutable, indexed view of one complete client collection. Indexes are built once per
 * loaded collection so lookups and searches never scan every client.
 */

/**
 * Search ranks, best first: the document or phone itself; the whole name as typed; every word in
 * the name in the query's order ("pena munoz" puts Peña Muñoz before Muñoz Peña); every word in
 * the name; some words in the name; found through the address (or document, phone) only.
 */
export const SEARCH_RANKS = ['exact_identifier', 'exact_name', 'name_in_order', 'name', 'partial_name', 'other'] as const;
export type SearchRank = (typeof SEARCH_RANKS)[number];
const RANKS: readonly SearchRank[] = SEARCH_RANKS;

export interface SearchHit {
  client: Client;
  rank: SearchRank;
}

export interface Page<T> {
  total: number;
  items: T[];
}

function pushTo<K>(map: Map<K, number[]>, key: K, index: number): void {
  const list = map.get(key);
  if (list) {
    if (list[list.length - 1] !== index) list.push(index);
  } else {
    map.set(key, [index]);
  }
}

/** Binary search in an ascending posting list. */
function holds(list: readonly number[], index: number): boolean {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list[middle]! < index) low = middle + 1;
    else high = middle;
  }
  return list[low] === index;
}

/** True when, for each query word in turn, a later word of the name is one it stands for. */
function inQueryOrder(name: readonly string[], wordsPerToken: readonly ReadonlySet<string>[]): boolean {
  let at = 0;
  for (const words of wordsPerToken) {
    while (at < name.length && !words.has(name[at]!)) at++;
    if (at === name.length) return false;
    at++;
  }
  return true;
}

/** Query words; a query that is only a number (document or phone, any formatting) is one word. */
function queryTokens(query: string): string[] {
  const compact = query.replace(/[\s().+-]/g, '');
  if (/^\d{5,}$/.test(compact)) return [normalizePhone(compact)];
  return [...new Set(tokenize(query))];
}

/** Postings of many words in one buffer: the holders of word `w` are data[start[w]..start[w + 1]). */
interface Postings {
  start: Uint32Array;
  data: Uint32Array;
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

/** A document or phone held by one client is a number; by several (shared lines), a list. */
type IdentifierIndex = Map<string, number | number[]>;

function addIdentifier(map: IdentifierIndex, key: string, index: number): void {
  const held = map.get(key);
  if (held === undefined) map.set(key, index);
  else if (typeof held === 'number') {
    if (held !== index) map.set(key, [held, index]);
  } else if (held[held.length - 1] !== index) held.push(index);
}

function holdersOf(map: IdentifierIndex, key: string): readonly number[] {
  const held = map.get(key);
  return held === undefined ? [] : typeof held === 'number' ? [held] : held;
}

/**
 * Builds a directory page by page: each page's clients are folded, split and posted as they
 * arrive (while later pages are still in flight); `build` only sorts the word lists and packs
 * them. Clients are numbered in arrival order, so every posting list stays ascending.
 */
export class ClientDirectoryBuilder {
  readonly clients: Client[] = [];
  readonly indexById = new Map<number, number>();
  readonly indexByDocument: IdentifierIndex = new Map();
  readonly indexByPhone: IdentifierIndex = new Map();
  readonly identityNameWords = new Map<string, number[]>();
  readonly identityAddressWords = new Map<string, number[]>();
  readonly foldedNameWords: string[][] = [];
  readonly foldedNames: string[] = [];
  readonly wordPostings = new Map<string, number[]>();
  readonly namePostings = new Map<string, number[]>();
  /** One copy of each name word: thousands of clients are called "gomez", and each split makes its own. */
  private readonly sharedWords = new Map<string, string>();
  /** Neighbours share addresses ("Vereda San José"): each distinct one is split once. */
  private readonly addressTokens = new Map<string, string[]>();
  private readonly addressSplits = new Map<string, AddressParts>();
  private readonly partsOfAddress = (address: string | null): AddressParts => {
    if (!address) return addressParts(address);
    let parts = this.addressSplits.get(address);
    if (!parts) {
      parts = addressParts(address);
      this.addressSplits.set(address, parts);
    }
    return parts;
  };

  add(clients: readonly Client[]): this {
    for (const client of clients) {
      const index = this.clients.length;
      this.clients.push(client);
      this.indexById.set(client.serviceId, index);
      const document = normalizeDocument(client.document);
      if (document) addIdentifier(this.indexByDocument, document, index);
      for (const phone of client.phones) addIdentifier(this.indexByPhone, phone, index);
      const names = this.shareWords(tokenize(client.name));
      this.foldedNames.push(names.join(' '));
      this.foldedNameWords.push(names);
      // pushTo skips a repeat of the same client, so no per-client set is needed.
      for (const word of names) pushTo(this.namePostings, word, index);
      const identity = clientWords(client, { nameTokens: names, addressParts: this.partsOfAddress });
      for (const word of identity.name) pushTo(this.identityNameWords, word, index);
      for (const word of identity.address.informative) pushTo(this.identityAddressWords, word, index);
      for (const word of names) pushTo(this.wordPostings, word, index);
      for (const word of this.tokensOfAddress(client.address)) pushTo(this.wordPostings, word, index);
      for (const phone of client.phones) pushTo(this.wordPostings, phone, index);
      if (document) pushTo(this.wordPostings, document.toLowerCase(), index);
    }
    return this;
  }

  build(): ClientDirectory {
    return new ClientDirectory(this);
  }

  private shareWords(words: string[]): string[] {
    for (let position = 0; position < words.length; position++) {
      const word = words[position]!;
      const known = this.sharedWords.get(word);
      if (known === undefined) this.sharedWords.set(word, word);
      else words[position] = known;
    }
    return words;
  }

  private tokensOfAddress(address: string | null): string[] {
    if (!address) return [];
    let tokens = this.addressTokens.get(address);
    if (!tokens) {
      tokens = tokenize(address);
      this.addressTokens.set(address, tokens);
    }
    return tokens;
  }
}

export class ClientDirectory {
  /** In service id order. */
  readonly clients: readonly Client[];
  /** In arrival order: the numbering every index below uses. */
  private readonly numbered: readonly Client[];
  private readonly indexById: Map<number, number>;
  private readonly indexByDocument: IdentifierIndex;
  private readonly indexByPhone: IdentifierIndex;
  /** Name words (no particles) and informative address words: identity candidates come from them. */
  private readonly identityNameWords: Map<string, number[]>;
  private readonly identityAddressWords: Map<string, number[]>;
  /** Distinct identity words (name and address), for one-typo lookups. */
  private readonly identityWords: string[];
  /** Each client's folded name words, in order: "in the query's order" is checked against them. */
  private readonly foldedNameWords: string[][];
  /** The same joined: "the whole name as typed" is one string comparison. */
  private readonly foldedNames: string[];
  /** Sorted distinct search words (name, address, document, phones), and the clients holding each. */
  private readonly words: string[];
  private readonly postings: Postings;
  /** The same for name words only: ranks "matched in the name" without scanning names per hit. */
  private readonly nameWords: string[];
  private readonly namePostings: Postings;
  /** Each client's place in name order (folded name, then service id): ties in a rank sort by it. */
  private readonly namePosition: Uint32Array;
  private readonly clientAtNamePosition: Uint32Array;
  /** Scratch buffers for set operations; searches are synchronous so one of each is enough. */
  private readonly marks: Uint32Array;
  private readonly nameMarks: Uint32Array;
  private readonly nameCounts: Uint8Array;
  /** Sort keys of one search's hits. */
  private readonly keys: Float64Array;
  private generation = 0;

  /** Use ClientDirectory.build or a ClientDirectoryBuilder. */
  constructor(built: ClientDirectoryBuilder) {
    const clients = built.clients;
    this.numbered = clients;
    this.clients = [...clients].sort((a, b) => a.serviceId - b.serviceId);
    this.indexById = built.indexById;
    this.indexByDocument = built.indexByDocument;
    this.indexByPhone = built.indexByPhone;
    this.identityNameWords = built.identityNameWords;
    this.identityAddressWords = built.identityAddressWords;
    this.foldedNameWords = built.foldedNameWords;
    this.foldedNames = built.foldedNames;
    this.identityWords = [...new Set([...this.identityNameWords.keys(), ...this.identityAddressWords.keys()])];
    ({ words: this.words, postings: this.postings } = packPostings(built.wordPostings));
    ({ words: this.nameWords, postings: this.namePostings } = packPostings(built.namePostings));
    const foldedNames = this.foldedNames;
    const order = clients.map((_, index) => index);
    order.sort((a, b) =>
      foldedNames[a]! < foldedNames[b]! ? -1 : foldedNames[a]! > foldedNames[b]! ? 1 : clients[a]!.serviceId - clients[b]!.serviceId,
    );
    this.clientAtNamePosition = Uint32Array.from(order);
    this.namePosition = new Uint32Array(clients.length);
    order.forEach((index, position) => {
      this.namePosition[index] = position;
    });
    this.marks = new Uint32Array(clients.length);
    this.nameMarks = new Uint32Array(clients.length);
    this.nameCounts = new Uint8Array(clients.length);
    this.keys = new Float64Array(clients.length);
  }

  static build(clients: readonly Client[]): ClientDirectory {
    return new ClientDirectoryBuilder().add(clients).build();
  }

  get size(): number {
    return this.clients.length;
  }

  /** A new directory with this client added or replaced (read-your-writes after an update). */
  withClient(client: Client): ClientDirectory {
    const position = this.indexById.get(client.serviceId);
    const next = [...this.numbered];
    if (position === undefined) next.push(client);
    else next[position] = client;
    return ClientDirectory.build(next);
  }

  get(serviceId: number): Client | undefined {
    const index = this.indexById.get(serviceId);
    return index === undefined ? undefined : this.numbered[index];
  }

  list(limit: number, offset: number): Page<Client> {
    return { total: this.clients.length, items: this.clients.slice(offset, offset + limit) };
  }

  findByDocument(document: string): Client[] {
    return this.pick(holdersOf(this.indexByDocument, normalizeDocument(document)));
  }

  findByPhone(phone: string): Client[] {
    return this.pick(holdersOf(this.indexByPhone, normalizePhone(phone)));
  }

  /**
   * Clients holding every claimed name word, or every informative address word (one typo allowed
   * in words of five letters or more): the only candidates identity resolution considers, so a
   * plan or a price alone never reaches anyone.
   */
  identityCandidates(claims: { name?: string | undefined; address?: string | undefined }): Client[] {
    const found = new Set<number>();
    const name = nameWords(claims.name);
    if (name.length > 0) for (const index of this.holdingAll(this.identityNameWords, name)) found.add(index);
    const address = informativeAddressWords(addressWords(claims.address));
    if (address.length >= MIN_ADDRESS_WORDS) for (const index of this.holdingAll(this.identityAddressWords, address)) found.add(index);
    return this.pick([...found]);
  }

  /** The word when the index has it; else, for words of five letters or more, the index words one edit away. */
  private spellings(word: string): string[] {
    if (word.length < TYPO_MIN_LENGTH || this.identityNameWords.has(word) || this.identityAddressWords.has(word)) return [word];
    return this.nearWords(this.identityWords)
      .positionsNear(word)
      .map((position) => this.identityWords[position]!);
  }

  /**
   * Indexes of clients whose postings hold every word (each word through any of its spellings).
   * Starts from the rarest word and keeps those holding each other word: by binary search in its
   * (ascending) postings when few are left, by marking its holders when the sizes are comparable.
   */
  private holdingAll(postings: Map<string, number[]>, words: readonly string[]): number[] {
    const sorted = words.map((word) => {
      const lists = this.spellings(word).map((spelling) => postings.get(spelling) ?? []);
      return { lists, size: lists.reduce((sum, list) => sum + list.length, 0) };
    });
    if (sorted.some((entry) => entry.size === 0)) return [];
    sorted.sort((a, b) => a.size - b.size);
    const [rarest, ...others] = sorted;
    let result = rarest!.lists.length === 1 ? [...rarest!.lists[0]!] : [...new Set(rarest!.lists.flat())];
    for (const other of others) {
      if (result.length * 16 < other.size) {
        // Few left against a long posting list: binary search in it.
        result = result.filter((index) => other.lists.some((list) => holds(list, index)));
      } else {
        // Comparable sizes: mark the other word's holders once, keep the marked.
        const generation = this.nextGeneration();
        for (const list of other.lists) for (const index of list) this.marks[index] = generation;
        result = result.filter((index) => this.marks[index] === generation);
      }
      if (result.length === 0) return [];
    }
    return result;
  }

  /**
   * Every query word must start a word of the client's name, address, document or phones; a word
   * of five letters or more that starts none may be one typo away from one ("benites").
   * Ranked (SEARCH_RANKS): the document or phone itself, the whole name as typed, every word in
   * the name in the query's order, every word in the name, some, none; within a rank by name
   * (folded) and service id.
   */
  search(query: string, limit: number, offset: number): Page<SearchHit> {
    const tokens = queryTokens(query);
    if (tokens.length === 0) return { total: 0, items: [] };
    // Per query word, the positions of the index words it stands for (prefix, or one typo).
    const matches = tokens.map((token) => this.matchingWords(this.words, token));
    let candidates: number[] = [];
    matches.forEach((positions, position) => {
      if (position > 0 && candidates.length === 0) return;
      const generation = this.nextGeneration();
      if (position === 0) {
        this.forEachPosting(this.postings, positions, (index) => {
          if (this.marks[index] !== generation) {
            this.marks[index] = generation;
            candidates.push(index);
          }
        });
      } else {
        this.forEachPosting(this.postings, positions, (index) => {
          this.marks[index] = generation;
        });
        candidates = candidates.filter((index) => this.marks[index] === generation);
      }
    });
    if (candidates.length === 0) return { total: 0, items: [] };

    // How many query words start a word of each candidate's name, counted through the name index.
    const countGeneration = this.nextGeneration();
    for (const index of candidates) {
      this.nameMarks[index] = countGeneration;
      this.nameCounts[index] = 0;
    }
    const nameMatches = tokens.map((token) => this.matchingWords(this.nameWords, token));
    for (const positions of nameMatches) {
      const tokenGeneration = this.nextGeneration();
      this.forEachPosting(this.namePostings, positions, (index) => {
        // Each query word counts once per client, whichever of its name words it starts.
        if (this.nameMarks[index] === countGeneration && this.marks[index] !== tokenGeneration) {
          this.marks[index] = tokenGeneration;
          this.nameCounts[index]! += 1;
        }
      });
    }

    // Sort keys: rank, then name order. Numeric keys in a typed array sort natively and fast.
    const exactHolders =
      tokens.length === 1 && /^\d+$/.test(tokens[0]!)
        ? new Set([...holdersOf(this.indexByDocument, tokens[0]!), ...holdersOf(this.indexByPhone, tokens[0]!)])
        : null;
    const typedName = tokenize(query).join(' ');
    // Only a query of several words has an order to check.
    const nameWordSets =
      tokens.length > 1 ? nameMatches.map((positions) => new Set(positions.map((position) => this.nameWords[position]!))) : [];
    const stride = this.clients.length;
    const keys = this.keys;
    candidates.forEach((index, position) => {
      const inName = this.nameCounts[index]!;
      let rank: number;
      if (exactHolders?.has(index)) rank = 0;
      else if (inName >= tokens.length) {
        if (this.foldedNames[index] === typedName) rank = 1;
        else rank = tokens.length > 1 && inQueryOrder(this.foldedNameWords[index]!, nameWordSets) ? 2 : 3;
      } else rank = inName > 0 ? 4 : 5;
      keys[position] = rank * stride + this.namePosition[index]!;
    });
    // Only the page is ordered: the total is the count of hits, not of sorted keys.
    const page = smallestKeys(keys, candidates.length, offset + limit);
    const items: SearchHit[] = [];
    for (let position = offset; position < page.length; position++) {
      const key = page[position]!;
      const rank = Math.floor(key / stride);
      items.push({ client: this.numbered[this.clientAtNamePosition[key - rank * stride]!]!, rank: RANKS[rank]! });
    }
    return { total: candidates.length, items };
  }

  /** One-typo indexes of word lists, each built on the first typo looked up in it. */
  private readonly nearIndexes = new Map<readonly string[], NearWords>();

  private nearWords(words: readonly string[]): NearWords {
    let index = this.nearIndexes.get(words);
    if (!index) {
      index = new NearWords(words);
      this.nearIndexes.set(words, index);
    }
    return index;
  }

  /** Positions in `words` (sorted) a query word stands for: the words it starts, else those one typo away. */
  private matchingWords(words: readonly string[], token: string): number[] {
    let low = 0;
    let high = words.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (words[middle]! < token) low = middle + 1;
      else high = middle;
    }
    const positions: number[] = [];
    for (let position = low; position < words.length && words[position]!.startsWith(token); position++) positions.push(position);
    if (positions.length > 0 || token.length < TYPO_MIN_LENGTH || /\d/.test(token)) return positions;
    return this.nearWords(words).positionsNear(token);
  }

  private forEachPosting({ start, data }: Postings, positions: readonly number[], visit: (index: number) => void): void {
    for (const position of positions) {
      for (let at = start[position]!, end = start[position + 1]!; at < end; at++) visit(data[at]!);
    }
  }

  private nextGeneration(): number {
    this.generation += 1;
    if (this.generation === 0xffffffff) {
      this.marks.fill(0);
      this.generation = 1;
    }
    return this.generation;
  }

  /** Clients by number, in service id order. */
  private pick(indexes: readonly number[]): Client[] {
    return indexes.map((index) => this.numbered[index]!).sort((a, b) => a.serviceId - b.serviceId);
  }
}
