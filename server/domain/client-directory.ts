/**
 * An immutable, indexed view of one complete client collection. Indexes are built once per
 * loaded collection so lookups and searches never scan every client: the exact ones (id,
 * document, phone) as the pages arrive, the word ones (client-search.ts) on the first search or
 * resolve.
 */

import type { Client } from './client';
import { ClientSearch, type Page, type SearchHit } from './client-search';
import { normalizeDocument } from './document';
import { normalizePhone } from './phone';

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
 * client-search.ts).
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

export class ClientDirectory {
  /** In service id order. */
  readonly clients: readonly Client[];
  /** In arrival order: the numbering every index below uses. */
  private readonly numbered: readonly Client[];
  private readonly indexById: Map<number, number>;
  private readonly indexByDocument: IdentifierIndex;
  private readonly indexByPhone: IdentifierIndex;
  /** Built on first use (search, resolve, or `prepareSearch` once the caller is idle): a directory that only answers exact reads never pays for it. */
  private wordSearch: ClientSearch | null = null;

  /** Use ClientDirectory.build or a ClientDirectoryBuilder. */
  constructor(built: ClientDirectoryBuilder) {
    const clients = built.clients;
    this.numbered = clients;
    this.clients = [...clients].sort((a, b) => a.serviceId - b.serviceId);
    this.indexById = built.indexById;
    this.indexByDocument = built.indexByDocument;
    this.indexByPhone = built.indexByPhone;
  }

  /** The word search, built now if no search or resolve has needed it yet. */
  private get words(): ClientSearch {
    this.wordSearch ??= new ClientSearch(this.numbered, (digits) => [
      ...holdersOf(this.indexByDocument, digits),
      ...holdersOf(this.indexByPhone, digits),
    ]);
    return this.wordSearch;
  }

  /** Builds the word indexes ahead of the first search (call when idle); a no-op once built. */
  prepareSearch(): void {
    void this.words;
  }

  /** Whether the word indexes exist yet (for tests and diagnostics). */
  get searchReady(): boolean {
    return this.wordSearch !== null;
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
    return this.pick(this.words.identityCandidates(claims));
  }

  /** Ranked word search (SEARCH_RANKS); see ClientSearch.search. */
  search(query: string, limit: number, offset: number): Page<SearchHit> {
    return this.words.search(query, limit, offset);
  }

  /** Clients by number, in service id order. */
  private pick(indexes: readonly number[]): Client[] {
    return indexes.map((index) => this.numbered[index]!).sort((a, b) => a.serviceId - b.serviceId);
  }
}
