import { AppendOnlyAuditTrail, type AuditEvent, type FileAuditTrail } from '../observability/audit';
import type { RedisLink } from './redis-link';

/**
 * The audit trail in a Redis stream shared by every instance. While Redis is unreachable an event
 * goes to this instance's file instead (never dropped); reads merge both.
 */
export class SharedAuditTrail extends AppendOnlyAuditTrail {
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
    const stored = await this.link.attempt(
      'audit.append',
      async (redis) => (await redis.xadd(this.stream, '*', 'event', json)) !== null,
      () => false,
    );
    if (!stored) await this.file.append(event);
  }

  /** Receipts stay on this instance's disk: the stream carries where. */
  protected storeReceipt(id: string, bytes: Uint8Array, extension: string): Promise<string> {
    return this.file.storeReceipt(id, bytes, extension);
  }

  async events(since?: Date): Promise<AuditEvent[]> {
    const fromRedis = await this.link.attempt(
      'audit.read',
      async (redis) => {
        const rows = await redis.xrange(this.stream, since ? String(since.getTime()) : '-', '+');
        return rows.flatMap(([, fields]) => {
          const json = fields[1];
          try {
            return json ? [JSON.parse(json) as AuditEvent] : [];
          } catch {
            return [];
          }
        });
      },
      () => [] as AuditEvent[],
    );
    return [...fromRedis, ...(await this.file.events())];
  }
}
