/**
 * The audit trail in a Redis stream shared by every instance, with each event also on its service's
 * list (`audit:service:<id>`), so one customer's entries are read without the whole stream. A
 * settlement finds its service through `audit:owner` (record id → service id, dropped once finally
 * settled). While Redis is unreachable an event goes to this instance's file instead (never
 * dropped); reads merge both. A stream written before the lists existed is indexed once, by the
 * first instance that reads one customer's entries (a second one doing it too only adds
 * duplicates, which reading drops).
 */

import { AppendOnlyAuditTrail, type AuditEvent, AuditOwners, type FileAuditTrail } from '../observability/audit';
import type { RedisLink } from './redis-link';

/** Appends to the stream and to the service's list in one step; resolves the owner of a settlement. */
const APPEND = `
local sid = ARGV[2]
if ARGV[3] == 'record' then
  if sid ~= '' then redis.call('hset', KEYS[2], ARGV[4], sid) end
else
  sid = redis.call('hget', KEYS[2], ARGV[4]) or ''
  if ARGV[5] == 'final' then redis.call('hdel', KEYS[2], ARGV[4]) end
end
redis.call('xadd', KEYS[1], '*', 'event', ARGV[1])
if sid ~= '' then redis.call('rpush', KEYS[3] .. sid, ARGV[1]) end
return 1`;

const INDEX_VERSION = '1';
/** Where a receipt kept in Redis is said to be. */
const REDIS_RECEIPT = 'redis:';
/** Unconfirmed reports are checked by staff within days; a receipt is kept this long. */
const RECEIPT_KEEP_DAYS = 90;

export class SharedAuditTrail extends AppendOnlyAuditTrail {
  private indexed: Promise<void> | null = null;

  constructor(
    private readonly link: RedisLink,
    private readonly file: FileAuditTrail,
  ) {
    super();
  }

  private get stream(): string {
    return this.link.key('audit');
  }

  async append(event: AuditEvent): Promise<void> {
    const json = JSON.stringify(event);
    const serviceId = event.type === 'record' && event.serviceId !== null ? String(event.serviceId) : '';
    const final = event.type === 'settle' && event.outcome !== 'unknown' ? 'final' : '';
    const stored = await this.link.attempt(
      'audit.append',
      async (redis) =>
        (await redis.eval(
          APPEND,
          3,
          this.stream,
          this.link.key('audit-owner'),
          this.link.key('audit-service', ''),
          json,
          serviceId,
          event.type,
          event.id,
          final,
        )) === 1,
      () => false,
    );
    if (!stored) await this.file.append(event);
  }

  /**
   * Receipts kept in Redis, so staff reach them from any instance (and none stays on the disk of
   * the one that took it); this instance's disk while Redis is down. Kept RECEIPT_KEEP_DAYS.
   */
  protected async storeReceipt(id: string, bytes: Uint8Array, extension: string): Promise<string> {
    const key = this.link.key('receipt', `${id}.${extension}`);
    const stored = await this.link.attempt(
      'audit.receipt',
      async (redis) => (await redis.set(key, Buffer.from(bytes), 'EX', RECEIPT_KEEP_DAYS * 86_400)) === 'OK',
      () => false,
    );
    return stored ? `${REDIS_RECEIPT}${key}` : this.file.storeReceipt(id, bytes, extension);
  }

  async readReceipt(receiptFile: string): Promise<Buffer | null> {
    if (!receiptFile.startsWith(REDIS_RECEIPT)) return this.file.readReceipt(receiptFile);
    const key = receiptFile.slice(REDIS_RECEIPT.length);
    if (!key.startsWith(this.link.key('receipt', ''))) return null;
    return this.link.attempt(
      'audit.receipt-read',
      (redis) => redis.getBuffer(key),
      () => null,
    );
  }

  async events(since?: Date): Promise<AuditEvent[]> {
    const fromRedis = await this.link.attempt(
      'audit.read',
      async (redis) => parseRows(await redis.xrange(this.stream, since ? String(since.getTime()) : '-', '+')),
      () => [] as AuditEvent[],
    );
    return [...fromRedis, ...(await this.file.events())];
  }

  async prepare(): Promise<void> {
    await Promise.all([this.ensureIndexed(), this.file.prepare()]);
  }

  async eventsOf(serviceId: number): Promise<AuditEvent[]> {
    await this.ensureIndexed();
    const fromRedis = await this.link.attempt(
      'audit.read-service',
      async (redis) => parseJson(await redis.lrange(this.link.key('audit-service', String(serviceId)), 0, -1)),
      () => [] as AuditEvent[],
    );
    return [...fromRedis, ...(await this.file.eventsOf(serviceId))];
  }

  /** Indexes a stream written before the per-service lists, once. */
  private ensureIndexed(): Promise<void> {
    this.indexed ??= this.link
      .attempt(
        'audit.index',
        async (redis) => {
          const marker = this.link.key('audit-index-version');
          if ((await redis.get(marker)) === INDEX_VERSION) return;
          const owners = new AuditOwners();
          const lists = new Map<string, string[]>();
          for (const [, fields] of await redis.xrange(this.stream, '-', '+')) {
            const json = fields[1];
            const event = json ? parseJson([json])[0] : undefined;
            const owner = event ? owners.ownerOf(event) : null;
            if (owner === null || !json) continue;
            const list = lists.get(String(owner)) ?? [];
            list.push(json);
            lists.set(String(owner), list);
          }
          for (const [serviceId, events] of lists) await redis.rpush(this.link.key('audit-service', serviceId), ...events);
          await redis.set(marker, INDEX_VERSION);
        },
        () => undefined,
      )
      .catch(() => {
        this.indexed = null;
      });
    return this.indexed;
  }
}

function parseJson(texts: readonly string[]): AuditEvent[] {
  return texts.flatMap((json) => {
    try {
      return [JSON.parse(json) as AuditEvent];
    } catch {
      return [];
    }
  });
}

function parseRows(rows: [string, string[]][]): AuditEvent[] {
  return parseJson(rows.flatMap(([, fields]) => (fields[1] ? [fields[1]] : [])));
}
