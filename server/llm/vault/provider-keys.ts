/**
 * The provider key vault: keys for OpenAI, Anthropic, Google or an OpenAI-compatible server,
 * for every caller (`*`) or for one gateway key that brings its own, sealed in the database
 * (sealing.ts) and opened into this process's memory only. Every instance reads the table again
 * every few seconds, so a key added, rotated or deleted anywhere is in force everywhere without a
 * restart. A key is never returned, logged or put in an error: lists show its last four characters.
 */

import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ProviderKeysTable, Tables } from '../../database/tables';
import { AppError } from '../../errors';
import { KeyRing, SealingError } from './sealing';

export const EVERY_CALLER = '*';

export interface ProviderKeyView {
  id: string;
  provider: string;
  /** `*` for every caller, or the gateway key name that brought its own. */
  owner: string;
  label: string;
  /** `…` and the last four characters. */
  masked: string;
  /** The id of the ENCRYPTION_KEY entry that sealed it. */
  sealedWith: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewProviderKey {
  provider: string;
  key: string;
  owner?: string | undefined;
  label?: string | undefined;
}

const boundTo = (row: Pick<ProviderKeysTable, 'id' | 'provider' | 'owner'>): string => `${row.id}\u0000${row.provider}\u0000${row.owner}`;
const hintOf = (key: string): string => key.slice(-4);

function viewOf(row: ProviderKeysTable): ProviderKeyView {
  return {
    id: row.id,
    provider: row.provider,
    owner: row.owner,
    label: row.label,
    masked: `…${row.hint}`,
    sealedWith: KeyRing.sealedWith(row.sealed),
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

export class ProviderKeyVault {
  /** Opened keys by provider, then owner. */
  private opened = new Map<string, Map<string, string>>();
  private rows: ProviderKeysTable[] = [];
  /** Rows that did not open at the last read (sealed with a key no longer listed, or altered). */
  unreadable: string[] = [];

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly ring: KeyRing | null,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.ring !== null;
  }

  /** The id of the ENCRYPTION_KEY entry that seals new keys; null with the vault off. */
  get sealingKeyId(): string | null {
    return this.ring?.currentId ?? null;
  }

  private requireRing(): KeyRing {
    if (!this.ring) throw new AppError('vault_unavailable');
    return this.ring;
  }

  async refresh(): Promise<void> {
    if (!this.ring) return;
    const rows = await this.db.selectFrom('provider_keys').selectAll().execute();
    const opened = new Map<string, Map<string, string>>();
    const unreadable: string[] = [];
    for (const row of rows) {
      try {
        const key = this.ring.open(row.sealed, boundTo(row));
        let owners = opened.get(row.provider);
        if (!owners) opened.set(row.provider, (owners = new Map()));
        owners.set(row.owner, key);
      } catch (error) {
        if (!(error instanceof SealingError)) throw error;
        unreadable.push(row.id);
      }
    }
    this.rows = rows;
    this.opened = opened;
    this.unreadable = unreadable;
  }

  /** The key a caller's request to `provider` uses from the vault: its own, else everyone's; null when the vault has none. */
  keyFor(provider: string, keyName: string): string | null {
    const owners = this.opened.get(provider);
    return owners?.get(keyName) ?? owners?.get(EVERY_CALLER) ?? null;
  }

  list(): ProviderKeyView[] {
    return this.rows.map(viewOf).sort((a, b) => a.provider.localeCompare(b.provider) || a.owner.localeCompare(b.owner));
  }

  async add({ provider, key, owner = EVERY_CALLER, label = '' }: NewProviderKey): Promise<ProviderKeyView> {
    const ring = this.requireRing();
    const at = this.now();
    const row: ProviderKeysTable = {
      id: randomUUID(),
      provider,
      owner,
      label,
      hint: hintOf(key),
      sealed: '',
      created_at: at,
      updated_at: at,
    };
    row.sealed = ring.seal(key, boundTo(row));
    const taken = await this.db
      .selectFrom('provider_keys')
      .select('id')
      .where('provider', '=', provider)
      .where('owner', '=', owner)
      .executeTakeFirst();
    if (taken)
      throw new AppError('already_exists', {
        message: 'Ya hay una clave para ese proveedor y ese dueño: rótela o bórrela.',
        details: { id: taken.id, provider, owner },
      });
    await this.db.insertInto('provider_keys').values(row).execute();
    await this.refresh();
    return viewOf(row);
  }

  /** Replaces the secret of a stored key (the provider issued a new one). */
  async rotate(id: string, key: string): Promise<ProviderKeyView | null> {
    const ring = this.requireRing();
    const row = await this.db.selectFrom('provider_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    const updated = { ...row, hint: hintOf(key), sealed: ring.seal(key, boundTo(row)), updated_at: this.now() };
    await this.db
      .updateTable('provider_keys')
      .set({ hint: updated.hint, sealed: updated.sealed, updated_at: updated.updated_at })
      .where('id', '=', id)
      .execute();
    await this.refresh();
    return viewOf(updated);
  }

  async remove(id: string): Promise<boolean> {
    this.requireRing();
    const result = await this.db.deleteFrom('provider_keys').where('id', '=', id).executeTakeFirst();
    await this.refresh();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Seals again, under the first ENCRYPTION_KEY, every key sealed under another (the step of a
   * rotation after the new key went first). Keys that do not open are left as they are and named.
   */
  async reseal(): Promise<{ resealed: number; current: number; unreadable: string[] }> {
    const ring = this.requireRing();
    const rows = await this.db.selectFrom('provider_keys').selectAll().execute();
    let resealed = 0;
    const unreadable: string[] = [];
    for (const row of rows) {
      if (KeyRing.sealedWith(row.sealed) === ring.currentId) continue;
      let key: string;
      try {
        key = ring.open(row.sealed, boundTo(row));
      } catch {
        unreadable.push(row.id);
        continue;
      }
      await this.db
        .updateTable('provider_keys')
        .set({ sealed: ring.seal(key, boundTo(row)) })
        .where('id', '=', row.id)
        .where('sealed', '=', row.sealed)
        .execute();
      resealed += 1;
    }
    await this.refresh();
    return { resealed, current: rows.length - resealed - unreadable.length, unreadable };
  }
}
