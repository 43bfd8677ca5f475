/**
 * An immutable, indexed view of one complete client collection. Indexes are built once per
 * loaded collection so lookups and searches never scan every client: the exact ones (id,
 * document, phone) as the pages arrive, the word ones on the first search or resolve.
 */

import { addressWords, informativeAddressWords, MIN_ADDRESS_WORDS } from './address';
import type { Client } from './client';
import { buildClientSearchIndex, type ClientSearchIndex, type Postings } from './client-search-index';
import { normalizeDocument } from './document';
import { NearWords, TYPO_MIN_LENGTH } from './fuzzy';
import { nameWords } from './person-name';
import { normalizePhone } from './phone';
import { smallestKeys } from './smallest-keys';
import { tokenize } from './text';

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
 * Builds a directory page by page: each page's clients are numbered in arrival order and indexed
 * for exact reads (service id, document, phone) as they arrive, while later pages are still in
 * flight. The word indexes search and resolve need are built by the directory (see
 * client-search-index.ts).
 */
export class ClientDirectoryBuilder {
  readonly clients: Client[] = [];
  readonly indexById = new Map<number, number>();
  readonly indexByDocument: IdentifierIndex = new Map();
  readonly indexByPhone: IdentifierIndex = new Map();

  add(clients: readonly Client[]): this {
    for (const client of clients) {
      const index = this.clients.length;
      this.clients.push(client);
      this.indexById.set(client.serviceId, index);
      const document = normalizeDocument(client.document);
      if (document) addIdentifier(this.indexByDocument, document, index);
      for (const phone of client.phones) addIdentifier(this.indexByPhone, phone, index);
    }
    return this;
  }

  build(): ClientDirectory {
    return new ClientDirectory(this);
  }
}

/** Scratch buffers for set operations; searches are synchronous so one of each is enough. */
class SearchScratch {
  readonly marks: Uint32Array;
  readonly nameMarks: Uint32Array;
  readonly nameCounts: Uint8Array;
  /** Sort keys of one search's hits. */
  readonly keys: Float64Array;

  constructor(size: number) {
    this.marks = new Uint32Array(size);
    this.nameMarks = new Uint32Array(size);
    this.nameCounts = new Uint8Array(size);
    this.keys = new Float64Array(size);
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
  /** Built on first use (search, resolve, or `prepareSearch` once the caller is idle). */
  private searchIndex: ClientSearchIndex | null = null;
  /** Made with the word indexes: a directory that only answers exact reads never pays for them. */
  private scratchBuffers: SearchScratch | null = null;
  private generation = 0;

  /** Use ClientDirectory.build or a ClientDirectoryBuilder. */
  constructor(built: ClientDirectoryBuilder) {
    const clients = built.clients;
    this.numbered = clients;
    this.clients = [...clients].sort((a, b) => a.serviceId - b.serviceId);
    this.indexById = built.indexById;
    this.indexByDocument = built.indexByDocument;
    this.indexByPhone = built.indexByPhone;
  }

  private get scratch(): SearchScratch {
    this.scratchBuffers ??= new SearchScratch(this.numbered.length);
    return this.scratchBuffers;
  }

  /** The word indexes, built now if no search or resolve has needed them yet. */
  private get index(): ClientSearchIndex {
    this.searchIndex ??= buildClientSearchIndex(this.numbered);
    return this.searchIndex;
  }

  /** Builds the word indexes ahead of the first search (call when idle); a no-op once built. */
  prepareSearch(): void {
    void this.index;
  }

  /** Whether the word indexes exist yet (for tests and diagnostics). */
  get searchReady(): boolean {
    return this.searchIndex !== null;
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
    const wordIndex = this.index;
    const found = new Set<number>();
    const name = nameWords(claims.name);
    if (name.length > 0) for (const index of this.holdingAll(wordIndex.identityNameWords, name)) found.add(index);
    const address = informativeAddressWords(addressWords(claims.address));
    if (address.length >= MIN_ADDRESS_WORDS) for (const index of this.holdingAll(wordIndex.identityAddressWords, address)) found.add(index);
    return this.pick([...found]);
  }

  /** The word when the index has it; else, for words of five letters or more, the index words one edit away. */
  private spellings(word: string): string[] {
    const wordIndex = this.index;
    if (word.length < TYPO_MIN_LENGTH || wordIndex.identityNameWords.has(word) || wordIndex.identityAddressWords.has(word)) return [word];
    return this.nearWords(wordIndex.identityWords)
      .positionsNear(word)
      .map((position) => wordIndex.identityWords[position]!);
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
    const { marks } = this.scratch;
    let result = rarest!.lists.length === 1 ? [...rarest!.lists[0]!] : [...new Set(rarest!.lists.flat())];
    for (const other of others) {
      if (result.length * 16 < other.size) {
        // Few left against a long posting list: binary search in it.
        result = result.filter((index) => other.lists.some((list) => holds(list, index)));
      } else {
        // Comparable sizes: mark the other word's holders once, keep the marked.
        const generation = this.nextGeneration();
        for (const list of other.lists) for (const index of list) marks[index] = generation;
        result = result.filter((index) => marks[index] === generation);
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
    const wordIndex = this.index;
    const { marks, nameMarks, nameCounts, keys } = this.scratch;
    // Per query word, the positions of the index words it stands for (prefix, or one typo).
    const matches = tokens.map((token) => this.matchingWords(wordIndex.words, token));
    let candidates: number[] = [];
    matches.forEach((positions, position) => {
      if (position > 0 && candidates.length === 0) return;
      const generation = this.nextGeneration();
      if (position === 0) {
        this.forEachPosting(wordIndex.postings, positions, (index) => {
          if (marks[index] !== generation) {
            marks[index] = generation;
            candidates.push(index);
          }
        });
      } else {
        this.forEachPosting(wordIndex.postings, positions, (index) => {
          marks[index] = generation;
        });
        candidates = candidates.filter((index) => marks[index] === generation);
      }
    });
    if (candidates.length === 0) return { total: 0, items: [] };

    // How many query words start a word of each candidate's name, counted through the name index.
    const countGeneration = this.nextGeneration();
    for (const index of candidates) {
      nameMarks[index] = countGeneration;
      nameCounts[index] = 0;
    }
    const nameMatches = tokens.map((token) => this.matchingWords(wordIndex.nameWords, token));
    for (const positions of nameMatches) {
      const tokenGeneration = this.nextGeneration();
      this.forEachPosting(wordIndex.namePostings, positions, (index) => {
        // Each query word counts once per client, whichever of its name words it starts.
        if (nameMarks[index] === countGeneration && marks[index] !== tokenGeneration) {
          marks[index] = tokenGeneration;
          nameCounts[index]! += 1;
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
      tokens.length > 1 ? nameMatches.map((positions) => new Set(positions.map((position) => wordIndex.nameWords[position]!))) : [];
    const stride = this.clients.length;
    candidates.forEach((index, position) => {
      const inName = nameCounts[index]!;
      let rank: number;
      if (exactHolders?.has(index)) rank = 0;
      else if (inName >= tokens.length) {
        if (wordIndex.foldedNames[index] === typedName) rank = 1;
        else rank = tokens.length > 1 && inQueryOrder(wordIndex.foldedNameWords[index]!, nameWordSets) ? 2 : 3;
      } else rank = inName > 0 ? 4 : 5;
      keys[position] = rank * stride + wordIndex.namePosition[index]!;
    });
    // Only the page is ordered: the total is the count of hits, not of sorted keys.
    const page = smallestKeys(keys, candidates.length, offset + limit);
    const items: SearchHit[] = [];
    for (let position = offset; position < page.length; position++) {
      const key = page[position]!;
      const rank = Math.floor(key / stride);
      items.push({ client: this.numbered[wordIndex.clientAtNamePosition[key - rank * stride]!]!, rank: RANKS[rank]! });
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
      this.scratch.marks.fill(0);
      this.generation = 1;
    }
    return this.generation;
  }

  /** Clients by number, in service id order. */
  private pick(indexes: readonly number[]): Client[] {
    return indexes.map((index) => this.numbered[index]!).sort((a, b) => a.serviceId - b.serviceId);
  }
}
