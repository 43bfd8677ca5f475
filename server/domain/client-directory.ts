import { normalizeAddress } from './address';
import type { Client } from './client';
import { normalizeDocument } from './document';
import { normalizePhone } from './phone';
import { foldText, tokenize } from './text';

/**
 * An immutable, indexed view of one complete client collection. Indexes are built once per
 * loaded collection so lookups and searches never scan every client.
 */

export type SearchRank = 'exact_identifier' | 'name' | 'partial_name' | 'other';
const RANKS: readonly SearchRank[] = ['exact_identifier', 'name', 'partial_name', 'other'];

export interface SearchHit {
  client: Client;
  rank: SearchRank;
}

export interface Page<T> {
  total: number;
  items: T[];
}

/** The comparison key of a person's name: folded words in a fixed order. */
export function nameKey(name: string | null | undefined): string {
  return tokenize(name).sort().join(' ');
}

/** The comparison key of a plan name. */
export function planKey(name: string | null | undefined): string {
  return foldText(name);
}

function pushTo<K>(map: Map<K, number[]>, key: K, index: number): void {
  const list = map.get(key);
  if (list) {
    if (list[list.length - 1] !== index) list.push(index);
  } else {
    map.set(key, [index]);
  }
}

/** Query words; a query that is only a number (document or phone, any formatting) is one word. */
function queryTokens(query: string): string[] {
  const compact = query.replace(/[\s().+-]/g, '');
  if (/^\d{5,}$/.test(compact)) return [normalizePhone(compact)];
  return [...new Set(tokenize(query))];
}

export class ClientDirectory {
  readonly clients: readonly Client[];
  private readonly indexById = new Map<number, number>();
  private readonly indexByDocument = new Map<string, number[]>();
  private readonly indexByPhone = new Map<string, number[]>();
  private readonly indexByNameKey = new Map<string, number[]>();
  private readonly indexByAddressKey = new Map<string, number[]>();
  /** Sorted distinct search words (name, address, document, phones), and the clients holding each. */
  private readonly words: string[];
  private readonly postings: Uint32Array[];
  /** The same for name words only: ranks "matched in the name" without scanning names per hit. */
  private readonly nameWords: string[];
  private readonly namePostings: Uint32Array[];
  /** Each client's place in name order (folded name, then service id): ties in a rank sort by it. */
  private readonly namePosition: Uint32Array;
  private readonly clientAtNamePosition: Uint32Array;
  /** Scratch buffers for set operations; searches are synchronous so one of each is enough. */
  private readonly marks: Uint32Array;
  private readonly nameMarks: Uint32Array;
  private readonly nameCounts: Uint8Array;
  private generation = 0;

  private constructor(clients: readonly Client[]) {
    this.clients = clients;
    const wordPostings = new Map<string, number[]>();
    const namePostings = new Map<string, number[]>();
    const foldedNames: string[] = [];
    clients.forEach((client, index) => {
      this.indexById.set(client.serviceId, index);
      const document = normalizeDocument(client.document);
      if (document) pushTo(this.indexByDocument, document, index);
      for (const phone of client.phones) pushTo(this.indexByPhone, phone, index);
      const names = tokenize(client.name);
      foldedNames.push(names.join(' '));
      for (const word of new Set(names)) pushTo(namePostings, word, index);
      const key = [...names].sort().join(' '); // nameKey(client.name), from the words at hand
      if (key) pushTo(this.indexByNameKey, key, index);
      const address = normalizeAddress(client.address);
      if (address) pushTo(this.indexByAddressKey, address, index);
      const words = new Set([...names, ...tokenize(client.address), ...client.phones]);
      if (document) words.add(document.toLowerCase());
      for (const word of words) pushTo(wordPostings, word, index);
    });
    this.words = [...wordPostings.keys()].sort();
    this.postings = this.words.map((word) => Uint32Array.from(wordPostings.get(word) ?? []));
    this.nameWords = [...namePostings.keys()].sort();
    this.namePostings = this.nameWords.map((word) => Uint32Array.from(namePostings.get(word) ?? []));
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
  }

  static build(clients: readonly Client[]): ClientDirectory {
    return new ClientDirectory([...clients].sort((a, b) => a.serviceId - b.serviceId));
  }

  get size(): number {
    return this.clients.length;
  }

  /** A new directory with this client added or replaced (read-your-writes after an update). */
  withClient(client: Client): ClientDirectory {
    const position = this.indexById.get(client.serviceId);
    const next = [...this.clients];
    if (position === undefined) next.push(client);
    else next[position] = client;
    return ClientDirectory.build(next);
  }

  get(serviceId: number): Client | undefined {
    const index = this.indexById.get(serviceId);
    return index === undefined ? undefined : this.clients[index];
  }

  list(limit: number, offset: number): Page<Client> {
    return { total: this.clients.length, items: this.clients.slice(offset, offset + limit) };
  }

  findByDocument(document: string): Client[] {
    return this.pick(this.indexByDocument.get(normalizeDocument(document)));
  }

  findByPhone(phone: string): Client[] {
    return this.pick(this.indexByPhone.get(normalizePhone(phone)));
  }

  /** Clients whose name key or address key equals one given: candidates for identity resolution. */
  findByIdentityKeys(keys: { name?: string; address?: string }): Client[] {
    const indexes = new Set<number>();
    const add = (list: number[] | undefined) => {
      for (const index of list ?? []) indexes.add(index);
    };
    if (keys.name) add(this.indexByNameKey.get(keys.name));
    if (keys.address) add(this.indexByAddressKey.get(keys.address));
    return this.pick([...indexes].sort((a, b) => a - b));
  }

  /**
   * Every query word must start a word of the client's name, address, document or phones.
   * Ranked: exact document/phone, then all words in the name, some in the name, the rest.
   */
  /**
   * Every query word must start a word of the client's name, address, document or phones.
   * Ranked: exact document/phone, then all words in the name, some in the name, the rest;
   * within a rank by name (folded) and service id.
   */
  search(query: string, limit: number, offset: number): Page<SearchHit> {
    const tokens = queryTokens(query);
    if (tokens.length === 0) return { total: 0, items: [] };
    let candidates: number[] = [];
    tokens.forEach((token, position) => {
      if (position > 0 && candidates.length === 0) return;
      const generation = this.nextGeneration();
      if (position === 0) {
        this.forEachPrefixPosting(this.words, this.postings, token, (index) => {
          if (this.marks[index] !== generation) {
            this.marks[index] = generation;
            candidates.push(index);
          }
        });
      } else {
        this.forEachPrefixPosting(this.words, this.postings, token, (index) => {
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
    for (const token of tokens) {
      const tokenGeneration = this.nextGeneration();
      this.forEachPrefixPosting(this.nameWords, this.namePostings, token, (index) => {
        // Each query word counts once per client, whichever of its name words it starts.
        if (this.nameMarks[index] === countGeneration && this.marks[index] !== tokenGeneration) {
          this.marks[index] = tokenGeneration;
          this.nameCounts[index]! += 1;
        }
      });
    }

    // Sort keys: rank, then name order. Numeric keys in a typed array sort natively and fast.
    const exactKey = tokens.length === 1 && /^\d+$/.test(tokens[0]!) ? tokens[0]! : null;
    const stride = this.clients.length;
    const keys = new Float64Array(candidates.length);
    candidates.forEach((index, position) => {
      const client = this.clients[index]!;
      const inName = this.nameCounts[index]!;
      const exact = exactKey !== null && (normalizeDocument(client.document) === exactKey || client.phones.includes(exactKey));
      const rank = exact ? 0 : inName >= tokens.length ? 1 : inName > 0 ? 2 : 3;
      keys[position] = rank * stride + this.namePosition[index]!;
    });
    keys.sort();
    const items: SearchHit[] = [];
    for (let position = offset; position < Math.min(keys.length, offset + limit); position++) {
      const key = keys[position]!;
      const rank = Math.floor(key / stride);
      items.push({ client: this.clients[this.clientAtNamePosition[key - rank * stride]!]!, rank: RANKS[rank]! });
    }
    return { total: candidates.length, items };
  }

  private forEachPrefixPosting(words: string[], postings: Uint32Array[], prefix: string, visit: (index: number) => void): void {
    let low = 0;
    let high = words.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (words[middle]! < prefix) low = middle + 1;
      else high = middle;
    }
    for (let position = low; position < words.length && words[position]!.startsWith(prefix); position++) {
      for (const index of postings[position]!) visit(index);
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

  private pick(indexes: readonly number[] | undefined): Client[] {
    return (indexes ?? []).map((index) => this.clients[index]!);
  }
}
