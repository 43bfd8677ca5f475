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
const RANK_ORDER: Record<SearchRank, number> = { exact_identifier: 0, name: 1, partial_name: 2, other: 3 };

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
  const compact = query.replace(/[\s().+\-]/g, '');
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
  private readonly nameTokens: string[][] = [];
  /** Sorted distinct search words and, at the same position, the clients holding each. */
  private readonly words: string[];
  private readonly postings: Uint32Array[];
  /** Scratch marks for set operations; searches are synchronous so one buffer is enough. */
  private readonly marks: Uint32Array;
  private generation = 0;

  private constructor(clients: readonly Client[]) {
    this.clients = clients;
    const wordPostings = new Map<string, number[]>();
    clients.forEach((client, index) => {
      this.indexById.set(client.serviceId, index);
      const document = normalizeDocument(client.document);
      if (document) pushTo(this.indexByDocument, document, index);
      for (const phone of client.phones) pushTo(this.indexByPhone, phone, index);
      const names = tokenize(client.name);
      this.nameTokens.push(names);
      const key = nameKey(client.name);
      if (key) pushTo(this.indexByNameKey, key, index);
      const address = normalizeAddress(client.address);
      if (address) pushTo(this.indexByAddressKey, address, index);
      const words = new Set([...names, ...tokenize(client.address), ...client.phones]);
      if (document) words.add(document.toLowerCase());
      for (const word of words) pushTo(wordPostings, word, index);
    });
    this.words = [...wordPostings.keys()].sort();
    this.postings = this.words.map((word) => Uint32Array.from(wordPostings.get(word) ?? []));
    this.marks = new Uint32Array(clients.length);
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
    const add = (list: number[] | undefined) => list?.forEach((index) => indexes.add(index));
    if (keys.name) add(this.indexByNameKey.get(keys.name));
    if (keys.address) add(this.indexByAddressKey.get(keys.address));
    return this.pick([...indexes].sort((a, b) => a - b));
  }

  /**
   * Every query word must start a word of the client's name, address, document or phones.
   * Ranked: exact document/phone, then all words in the name, some in the name, the rest.
   */
  search(query: string, limit: number, offset: number): Page<SearchHit> {
    const tokens = queryTokens(query);
    if (tokens.length === 0) return { total: 0, items: [] };
    let candidates: number[] = [];
    tokens.forEach((token, position) => {
      if (position > 0 && candidates.length === 0) return;
      const generation = this.nextGeneration();
      if (position === 0) {
        this.forEachPrefixPosting(token, (index) => {
          if (this.marks[index] !== generation) {
            this.marks[index] = generation;
            candidates.push(index);
          }
        });
      } else {
        this.forEachPrefixPosting(token, (index) => {
          this.marks[index] = generation;
        });
        candidates = candidates.filter((index) => this.marks[index] === generation);
      }
    });
    const exactKey = tokens.length === 1 && /^\d+$/.test(tokens[0]!) ? tokens[0]! : null;
    const hits = candidates.map((index) => {
      const client = this.clients[index]!;
      return { client, rank: this.rankOf(client, this.nameTokens[index] ?? [], tokens, exactKey) };
    });
    hits.sort(
      (a, b) =>
        RANK_ORDER[a.rank] - RANK_ORDER[b.rank] ||
        a.client.name.localeCompare(b.client.name, 'es') ||
        a.client.serviceId - b.client.serviceId,
    );
    return { total: hits.length, items: hits.slice(offset, offset + limit) };
  }

  private rankOf(client: Client, names: string[], tokens: string[], exactKey: string | null): SearchRank {
    if (exactKey !== null && (normalizeDocument(client.document) === exactKey || client.phones.includes(exactKey))) {
      return 'exact_identifier';
    }
    const inName = tokens.filter((token) => names.some((word) => word.startsWith(token))).length;
    if (inName === tokens.length) return 'name';
    return inName > 0 ? 'partial_name' : 'other';
  }

  private forEachPrefixPosting(prefix: string, visit: (index: number) => void): void {
    let low = 0;
    let high = this.words.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.words[middle]! < prefix) low = middle + 1;
      else high = middle;
    }
    for (let position = low; position < this.words.length && this.words[position]!.startsWith(prefix); position++) {
      for (const index of this.postings[position]!) visit(index);
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
