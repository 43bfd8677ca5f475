import { randomUUID } from 'node:crypto';
import {
  type AuditEntry,
  type AuditEvent,
  type AuditOutcome,
  type AuditQuery,
  type AuditRecord,
  type AuditTrail,
  type FileAuditTrail,
  mergeAuditEvents,
} from '../observability/audit';
import type { RedisLink } from './redis-link';

/**
 * The audit trail in a Redis stream shared by every instance. While Redis is unreachable an event
 * goes to this instance's file instead (never dropped); reads merge both.
 */
export class SharedAuditTrail implements AuditTrail {
  constructor(
    private readonly link: RedisLink,
    private readonly file: FileAuditTrail,
  ) {}

  private get stream(): string {
    return this.link.key('audit');
  }

  private async append(event: AuditEvent): Promise<void> {
    const json = JSON.stringify(event);
    const stored = await this.link.attempt(
      'audit.append',
      async (redis) => (await redis.xadd(this.stream, '*', 'event', json)) !== null,
      () => false,
    );
    if (!stored) await this.file.append(event);
  }

  async record(entry: AuditRecord): Promise<string> {
    const id = randomUUID();
    await this.append({ type: 'record', id, at: new Date().toISOString(), ...entry });
    return id;
  }

  settle(id: string, outcome: Exclude<AuditOutcome, 'unknown'>, detail: string | null = null): Promise<void> {
    return this.append({ type: 'settle', id, at: new Date().toISOString(), outcome, detail });
  }

  async keepReceipt(id: string, bytes: Uint8Array, extension: string): Promise<string> {
    // Receipts stay on this instance's disk: the stream carries where.
    const path = await this.file.keepReceipt(id, bytes, extension);
    await this.append({ type: 'settle', id, at: new Date().toISOString(), outcome: 'unknown', detail: null, receiptFile: path });
    return path;
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const start = query.since ? String(query.since.getTime()) : '-';
    const fromRedis = await this.link.attempt(
      'audit.read',
      async (redis) => {
        const rows = await redis.xrange(this.stream, start, '+');
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
    return mergeAuditEvents([...fromRedis, ...(await this.file.events())], query);
  }
}
