/**
 * Gateway keys created at run time by an admin (the seed's `/api/keys`), beside the ones the
 * environment configures: stored as SHA-256 digests (the key is shown once, when created or
 * rotated), read again by every instance every few seconds, so a revoked key stops working
 * everywhere within that interval. Only bot and operator keys: admin keys stay in the environment.
 */

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { GatewayKeysTable, Tables } from '../database/tables';
import { AppError } from '../errors';
import type { CallerKey } from './api-keys';

export const STORED_KEY_PREFIX = 'whk_';

export interface StoredKeyView {
  id: string;
  name: string;
  role: 'bot' | 'operator';
  /** The key's first characters and an ellipsis. */
  masked: string;
  createdAt: string;
  updatedAt: string;
  revokedAt: string | null;
}

const digestHex = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(Number(ms)).toISOString());

function viewOf(row: GatewayKeysTable): StoredKeyView {
  return {
    id: row.id,
    name: row.name,
    role: row.role as StoredKeyView['role'],
    masked: `${row.prefix}…`,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    revokedAt: iso(row.revoked_at),
  };
}

export class StoredKeys {
  private byDigest = new Map<string, CallerKey>();
  private rows: GatewayKeysTable[] = [];
  private lastSeen = '';
  /** Changes whenever a key stops working, so a connection's remembered key is checked again. */
  generation = 0;

  constructor(
    private readonly db: Kysely<Tables>,
    /** Names the environment's keys already use. */
    private readonly reservedNames: ReadonlySet<string>,
    private readonly now: () => number = Date.now,
  ) {}

  async refresh(): Promise<void> {
    const rows = await this.db.selectFrom('gateway_keys').selectAll().execute();
    const seen = rows.map((row) => `${row.id}:${row.digest}:${row.revoked_at ?? ''}`).join(',');
    if (seen === this.lastSeen) return;
    this.lastSeen = seen;
    this.rows = rows;
    this.byDigest = new Map(
      rows.filter((row) => row.revoked_at === null).map((row) => [row.digest, { name: row.name, role: row.role as CallerKey['role'] }]),
    );
    this.generation += 1;
  }

  /** The caller behind a stored key, or null. */
  identify(presented: string): CallerKey | null {
    if (!presented.startsWith(STORED_KEY_PREFIX) || this.byDigest.size === 0) return null;
    return this.byDigest.get(digestHex(presented)) ?? null;
  }

  list(): StoredKeyView[] {
    return this.rows.map(viewOf).sort((a, b) => a.name.localeCompare(b.name));
  }

  private static issue(): { key: string; digest: string; prefix: string } {
    const key = `${STORED_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    return { key, digest: digestHex(key), prefix: key.slice(0, STORED_KEY_PREFIX.length + 6) };
  }

  /** A new key: returned once, here, and never again. */
  async create(name: string, role: StoredKeyView['role']): Promise<{ key: string; view: StoredKeyView }> {
    if (this.reservedNames.has(name) || (await this.db.selectFrom('gateway_keys').select('id').where('name', '=', name).executeTakeFirst()))
      throw new AppError('already_exists', { message: 'Ya existe una clave con ese nombre.', details: { name } });
    const { key, digest, prefix } = StoredKeys.issue();
    const at = this.now();
    const row: GatewayKeysTable = { id: randomUUID(), name, role, digest, prefix, created_at: at, updated_at: at, revoked_at: null };
    await this.db.insertInto('gateway_keys').values(row).execute();
    await this.refresh();
    return { key, view: viewOf(row) };
  }

  /** A new secret for a key (same name, budget and role); the old one stops working. */
  async rotate(id: string): Promise<{ key: string; view: StoredKeyView } | null> {
    const row = await this.db.selectFrom('gateway_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || row.revoked_at !== null) return null;
    const { key, digest, prefix } = StoredKeys.issue();
    const updated = { ...row, digest, prefix, updated_at: this.now() };
    await this.db.updateTable('gateway_keys').set({ digest, prefix, updated_at: updated.updated_at }).where('id', '=', id).execute();
    await this.refresh();
    return { key, view: viewOf(updated) };
  }

  async revoke(id: string): Promise<StoredKeyView | null> {
    const row = await this.db.selectFrom('gateway_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    const at = row.revoked_at ?? this.now();
    await this.db.updateTable('gateway_keys').set({ revoked_at: at, updated_at: at }).where('id', '=', id).execute();
    await this.refresh();
    return viewOf({ ...row, revoked_at: at, updated_at: at });
  }

  /** Whether a key name is one an admin created (live or revoked) or the environment configures. */
  knows(name: string): boolean {
    return this.reservedNames.has(name) || this.rows.some((row) => row.name === name);
  }
}
