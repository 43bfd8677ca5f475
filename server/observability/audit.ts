/**
 * The audit trail of every action that moves money or changes a service's state. An entry is
 * written before the upstream call (outcome `unknown`) and settled after it, so a crash between
 * the two leaves `unknown`, never nothing. Append-only: a settlement is a second event, merged
 * with its record when read.
 */

import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { KeyRole } from '../config/settings';

export type AuditAction =
  | 'payment.register'
  | 'payment.report'
  | 'promise.create'
  | 'service.reconnect'
  | 'service.suspend'
  /** An end user accepted the ISP's data-treatment notice (the agent; `reference` is its version). */
  | 'consent.accept'
  /** Staff revealed masked personal data in the console (`reference` says which row and field). */
  | 'console.reveal';
export type AuditOutcome = 'confirmed' | 'refused' | 'unknown';

export interface AuditRecord {
  action: AuditAction;
  keyName: string;
  /** The key's role; `admin` for staff in the console. */
  role: KeyRole | 'admin';
  requestId: string;
  serviceId: number | null;
  invoiceId: string | null;
  amount: number | null;
  reference: string | null;
  /** A promise's date (YYYY-MM-DD). */
  until?: string | null;
  /** The end user it concerns, as a digest (consents). */
  endUser?: string | null;
}

export interface AuditEntry extends AuditRecord {
  id: string;
  /** When it was recorded (ISO 8601, UTC). */
  at: string;
  outcome: AuditOutcome;
  settledAt: string | null;
  /** Why it was refused or stayed unknown (an error reason); a receipt kept while unconfirmed. */
  detail: string | null;
  receiptFile: string | null;
}

export interface AuditQuery {
  serviceId?: number;
  /** Entries recorded at or after this instant. */
  since?: Date;
  limit?: number;
}

export interface AuditTrail {
  /** Written before the upstream call; answers the entry's id. */
  record(entry: AuditRecord): Promise<string>;
  settle(id: string, outcome: Exclude<AuditOutcome, 'unknown'>, detail?: string | null): Promise<void>;
  /** Keeps a receipt whose delivery upstream is unconfirmed, beside the trail; answers where. */
  keepReceipt(id: string, bytes: Uint8Array, extension: string): Promise<string>;
  /** A kept receipt's bytes, wherever it is kept (this disk, or Redis); null when gone. */
  readReceipt(receiptFile: string): Promise<Buffer | null>;
  /** Newest first. */
  list(query: AuditQuery): Promise<AuditEntry[]>;
  /** Builds what reads by service id need (at start-up, so no customer's request pays it). */
  prepare(): Promise<void>;
}

/** One line of the trail: a record, or the settlement of one. */
export type AuditEvent =
  | ({ type: 'record'; id: string; at: string } & AuditRecord)
  | { type: 'settle'; id: string; at: string; outcome: AuditOutcome; detail: string | null; receiptFile?: string };

/** Records with their settlements applied, filtered and newest first. */
export function mergeAuditEvents(events: Iterable<AuditEvent>, query: AuditQuery): AuditEntry[] {
  const entries = new Map<string, AuditEntry>();
  const settlements: Extract<AuditEvent, { type: 'settle' }>[] = [];
  for (const event of events) {
    if (event.type === 'settle') {
      settlements.push(event);
      continue;
    }
    const { type: _type, ...record } = event;
    entries.set(event.id, { ...record, outcome: 'unknown', settledAt: null, detail: null, receiptFile: null, until: record.until ?? null });
  }
  for (const settlement of settlements) {
    const entry = entries.get(settlement.id);
    if (!entry) continue;
    if (settlement.receiptFile) entry.receiptFile = settlement.receiptFile;
    if (settlement.outcome === 'unknown') {
      entry.detail = settlement.detail ?? entry.detail;
      continue;
    }
    entry.outcome = settlement.outcome;
    entry.settledAt = settlement.at;
    entry.detail = settlement.detail;
  }
  const since = query.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  return [...entries.values()]
    .filter((entry) => (query.serviceId === undefined || entry.serviceId === query.serviceId) && Date.parse(entry.at) >= since)
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, query.limit ?? 500);
}

export function parseAuditLines(text: string): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line) as AuditEvent);
    } catch {
      // A line cut by a crash mid-write: the rest of the trail still reads.
    }
  }
  return events;
}

/**
 * A trail that appends events and reads them back: records, settlements and kept receipts are
 * events the same way whatever holds them (a file, a Redis stream).
 */
export abstract class AppendOnlyAuditTrail implements AuditTrail {
  /** Appends an event; resolves once it is stored. */
  abstract append(event: AuditEvent): Promise<void>;
  /** Every stored event at or after `since` (all of them without), in any order. */
  abstract events(since?: Date): Promise<AuditEvent[]>;
  /**
   * The events of one service id (its records and their settlements), in any order, read through an
   * index: a customer's promise or payment rules never read the whole trail.
   */
  abstract eventsOf(serviceId: number): Promise<AuditEvent[]>;
  abstract prepare(): Promise<void>;
  /** Writes a receipt where operators can reach it; answers its path. */
  protected abstract storeReceipt(id: string, bytes: Uint8Array, extension: string): Promise<string>;
  abstract readReceipt(receiptFile: string): Promise<Buffer | null>;

  async record(entry: AuditRecord): Promise<string> {
    const id = randomUUID();
    await this.append({ type: 'record', id, at: new Date().toISOString(), ...entry });
    return id;
  }

  settle(id: string, outcome: Exclude<AuditOutcome, 'unknown'>, detail: string | null = null): Promise<void> {
    return this.append({ type: 'settle', id, at: new Date().toISOString(), outcome, detail });
  }

  async keepReceipt(id: string, bytes: Uint8Array, extension: string): Promise<string> {
    const receiptFile = await this.storeReceipt(id, bytes, extension);
    await this.append({ type: 'settle', id, at: new Date().toISOString(), outcome: 'unknown', detail: null, receiptFile });
    return receiptFile;
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const events = query.serviceId === undefined ? await this.events(query.since) : await this.eventsOf(query.serviceId);
    return mergeAuditEvents(events, query);
  }
}

/**
 * Which service an event belongs to, while a trail is read in order: a record names its service; a
 * settlement names only its record's id, so the ids of records not yet finally settled are kept
 * (a settled one is forgotten: a trail of a million settled entries holds no id in memory).
 */
export class AuditOwners {
  private readonly open = new Map<string, number>();

  /** The service id of this event, or null (a record without one, or a settlement of an unknown record). */
  ownerOf(event: AuditEvent): number | null {
    if (event.type === 'record') {
      if (event.serviceId !== null) this.open.set(event.id, event.serviceId);
      return event.serviceId;
    }
    const owner = this.open.get(event.id) ?? null;
    if (event.outcome !== 'unknown') this.open.delete(event.id);
    return owner;
  }
}

/** Where one event's line is in the file. */
interface LineAt {
  offset: number;
  length: number;
}

/** The file's lines by service id, built by one pass over the file, then kept current by every append. */
interface FileIndex {
  byService: Map<number, LineAt[]>;
  owners: AuditOwners;
  /** Bytes of the file the index covers. */
  size: number;
}

/** The trail as an append-only JSON-lines file (one instance, or the fallback while Redis is down). */
export class FileAuditTrail extends AppendOnlyAuditTrail {
  /** Appends one after another, so two events never interleave within a line. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {
    super();
  }

  append(event: AuditEvent): Promise<void> {
    const line = `${JSON.stringify(event)}\n`;
    const written = this.queue.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, line, { encoding: 'utf8', mode: 0o600 });
      // Only an index already built follows appends; one built later reads them from the file.
      if (this.builtIndex) this.indexLine(this.builtIndex, event, Buffer.byteLength(line));
    });
    this.queue = written.catch(() => undefined);
    return written;
  }

  private index: Promise<FileIndex> | null = null;
  private builtIndex: FileIndex | null = null;

  private indexLine(index: FileIndex, event: AuditEvent, length: number): void {
    const owner = index.owners.ownerOf(event);
    if (owner !== null) {
      const lines = index.byService.get(owner) ?? [];
      lines.push({ offset: index.size, length });
      index.byService.set(owner, lines);
    }
    index.size += length;
  }

  /** Built in the append queue: no append lands between the read and the index following appends. */
  private buildIndex(): Promise<FileIndex> {
    const built = this.queue.then(() => this.readIndex());
    this.queue = built.then(
      () => undefined,
      () => undefined,
    );
    return built;
  }

  /** One pass over the file (a line cut by a crash is skipped, as when the trail is read whole). */
  private async readIndex(): Promise<FileIndex> {
    const index: FileIndex = { byService: new Map(), owners: new AuditOwners(), size: 0 };
    let text: Buffer;
    try {
      text = await readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      text = Buffer.alloc(0);
    }
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf(10, start);
      if (end === -1) end = text.length - 1;
      const length = end - start + 1;
      let event: AuditEvent | null = null;
      try {
        event = JSON.parse(text.toString('utf8', start, end + 1)) as AuditEvent;
      } catch {
        // skipped, but its bytes still count for the offsets after it
      }
      if (event) this.indexLine(index, event, length);
      else index.size += length;
      start = end + 1;
    }
    this.builtIndex = index;
    return index;
  }

  async prepare(): Promise<void> {
    await this.ensureIndex();
  }

  private ensureIndex(): Promise<FileIndex> {
    this.index ??= this.buildIndex().catch((error: unknown) => {
      this.index = null;
      throw error;
    });
    return this.index;
  }

  async eventsOf(serviceId: number): Promise<AuditEvent[]> {
    const index = await this.ensureIndex();
    await this.queue;
    const lines = index.byService.get(serviceId) ?? [];
    if (lines.length === 0) return [];
    const handle = await open(this.path, 'r');
    try {
      const events: AuditEvent[] = [];
      for (const { offset, length } of lines) {
        const buffer = Buffer.alloc(length);
        await handle.read(buffer, 0, length, offset);
        events.push(...parseAuditLines(buffer.toString('utf8')));
      }
      return events;
    } finally {
      await handle.close();
    }
  }

  async readReceipt(receiptFile: string): Promise<Buffer | null> {
    // Only files this trail wrote: beside the trail, never a path someone else named.
    if (!receiptFile.startsWith(`${this.path}.receipts/`) || receiptFile.includes('..')) return null;
    return readFile(receiptFile).catch(() => null);
  }

  /** Receipts stay on this instance's disk, beside the trail (the Redis trail keeps them in Redis). */
  async storeReceipt(id: string, bytes: Uint8Array, extension: string): Promise<string> {
    const directory = `${this.path}.receipts`;
    await mkdir(directory, { recursive: true });
    const file = join(directory, `${id}.${extension}`);
    await writeFile(file, bytes, { mode: 0o600 });
    return file;
  }

  async events(): Promise<AuditEvent[]> {
    await this.queue;
    try {
      return parseAuditLines(await readFile(this.path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }
}

/** One entry of the trail by its id, or null (reads the trail: staff actions, never a customer's hot path). */
export async function auditEntry(trail: AuditTrail, id: string): Promise<AuditEntry | null> {
  return (await trail.list({ limit: Number.MAX_SAFE_INTEGER })).find((entry) => entry.id === id) ?? null;
}

/** An entry's kept receipt: its bytes and extension, or null when none is kept (or it is gone). */
export async function keptReceipt(trail: AuditTrail, id: string): Promise<{ entry: AuditEntry; bytes: Buffer; extension: string } | null> {
  const entry = await auditEntry(trail, id);
  const bytes = entry?.receiptFile ? await trail.readReceipt(entry.receiptFile) : null;
  if (!entry?.receiptFile || !bytes) return null;
  return { entry, bytes, extension: entry.receiptFile.split('.').pop() ?? '' };
}
