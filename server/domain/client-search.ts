/**
 * Word search over one client collection: the name, address, document and phone word indexes
 * (client-search-index.ts) and the set operations that rank a query's hits and find identity
 * candidates. Built once per collection, on the first search or resolve; the hot path of
 * `clients.search` and `verification.resolve` (measured by `npm run bench`, search 50k p99).
 */

import { addressWords, informativeAddressWords, MIN_ADDRESS_WORDS } from './address';
import type { Client } from './client';
import { buildClientSearchIndex, type ClientSearchIndex, type Postings } from './client-search-index';
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

/** The first position in an ascending list whose value is not below `value`. */
function lowerBound<T>(list: readonly T[], value: T): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Binary search in an ascending posting list. */
function holds(list: readonly number[], index: number): boolean {
  return list[lowerBound(list, index)] === index;
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

/** The word indexes of one numbered client list, and the searches over them. */
export class ClientSearch {
  private readonly index: ClientSearchIndex;
  private readonly scratch: SearchScratch;
  private generation = 0;

  /**
   * @param numbered the clients in the numbering the indexes use
   * @param exactHolders the numbers of clients whose document or phone is exactly these digits
   */
  constructor(
    private readonly numbered: readonly Client[],
    private readonly exactHolders: (digits: string) => readonly number[],
  ) {
    this.index = buildClientSearchIndex(numbered);
    this.scratch = new SearchScratch(numbered.length);
  }

  /**
   * Clients holding every claimed name word, or every informative address word (one typo allowed
   * in words of five letters or more): the only candidates identity resolution considers, so a
   * plan or a price alone never reaches anyone.
   */
  identityCandidates(claims: { name?: string | undefined; address?: string | undefined }): number[] {
    const wordIndex = this.index;
    const found = new Set<number>();
    const name = nameWords(claims.name);
    if (name.length > 0) for (const index of this.holdingAll(wordIndex.identityNameWords, name)) found.add(index);
    const address = informativeAddressWords(addressWords(claims.address));
    if (address.length >= MIN_ADDRESS_WORDS) for (const index of this.holdingAll(wordIndex.identityAddressWords, address)) found.add(index);
    return [...found];
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
    const exactHolders = tokens.length === 1 && /^\d+$/.test(tokens[0]!) ? new Set(this.exactHolders(tokens[0]!)) : null;
    const typedName = tokenize(query).join(' ');
    // Only a query of several words has an order to check.
    const nameWordSets =
      tokens.length > 1 ? nameMatches.map((positions) => new Set(positions.map((position) => wordIndex.nameWords[position]!))) : [];
    const stride = this.numbered.length;
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
    const positions: number[] = [];
    for (let position = lowerBound(words, token); position < words.length && words[position]!.startsWith(token); position++)
      positions.push(position);
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
}
