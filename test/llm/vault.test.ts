/**
 * The vault's sealing and a rotation of ENCRYPTION_KEY without downtime, on a real (in-memory
 * SQLite) database: sealed under the old key, read with [new, old], re-sealed, read with [new]
 * alone; altered or moved values refused.
 */

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Database, openSqlite } from '../../server/database/connect';
import { migrate } from '../../server/database/migrations';
import { ProviderKeyVault } from '../../server/llm/vault/provider-keys';
import { KeyRing, parseEncryptionKey, SealingError } from '../../server/llm/vault/sealing';

const isSealingError = (error: unknown): boolean => error instanceof SealingError;
const vault = suite('books: the provider key vault (AES-256-GCM, rotation)');
const OLD = Buffer.alloc(32, 1);
const NEW = Buffer.alloc(32, 2);
let database: Database;

vault.before.each(async () => {
  database = await openSqlite(':memory:');
  await migrate(database.db, database.kind);
});
vault.after.each(async () => {
  await database.close();
});

vault('a sealed value opens only with its key and its row; altered bytes do not open', () => {
  const ring = new KeyRing([OLD]);
  const sealed = ring.seal('sk-secret-value-1234', 'row-1');
  assert.not.ok(sealed.includes('sk-secret'), 'the plaintext is not in the sealed form');
  assert.is(ring.open(sealed, 'row-1'), 'sk-secret-value-1234');
  assert.throws(() => ring.open(sealed, 'row-2'), isSealingError, 'bound to its row');
  assert.throws(() => new KeyRing([NEW]).open(sealed, 'row-1'), /no longer lists/);
  const parts = sealed.split('.');
  const flipped = Buffer.from(parts[4]!, 'base64url');
  flipped[0]! ^= 1;
  parts[4] = flipped.toString('base64url');
  assert.throws(() => ring.open(parts.join('.'), 'row-1'), isSealingError, 'tampered ciphertext');
  assert.is.not(ring.seal('same', 'row-1'), ring.seal('same', 'row-1'), 'a fresh IV each time');
});

vault('ENCRYPTION_KEY entries: 64 hex digits or base64 of 32 bytes, nothing else', () => {
  assert.equal(parseEncryptionKey('ab'.repeat(32)), Buffer.alloc(32, 0xab));
  assert.equal(parseEncryptionKey(Buffer.alloc(32, 9).toString('base64')), Buffer.alloc(32, 9));
  for (const bad of ['short', 'ab'.repeat(31), Buffer.alloc(16).toString('base64'), 'zz'.repeat(32)]) {
    assert.throws(() => parseEncryptionKey(bad), isSealingError, bad);
  }
  assert.is(KeyRing.fromSetting(`${NEW.toString('hex')},${OLD.toString('hex')}`).currentId, new KeyRing([NEW]).currentId);
});

vault('rotation: sealed under the old key, read with new+old, re-sealed, then read with the new key alone', async () => {
  const before = new ProviderKeyVault(database.db, new KeyRing([OLD]));
  await before.add({ provider: 'openai', key: 'sk-openai-0123456789' });
  await before.add({ provider: 'anthropic', key: 'sk-ant-abcdefghij', owner: 'bot-premium' });

  const during = new ProviderKeyVault(database.db, new KeyRing([NEW, OLD]));
  await during.refresh();
  assert.is(during.keyFor('openai', 'anyone'), 'sk-openai-0123456789', 'old seals still open');
  assert.is(during.keyFor('anthropic', 'bot-premium'), 'sk-ant-abcdefghij');
  assert.is(during.keyFor('anthropic', 'another-bot'), null, 'a caller’s own key is only theirs');
  const outcome = await during.reseal();
  assert.equal(outcome, { resealed: 2, current: 0, unreadable: [] });
  assert.equal((await during.reseal()).resealed, 0, 're-sealing again changes nothing');

  const after = new ProviderKeyVault(database.db, new KeyRing([NEW]));
  await after.refresh();
  assert.is(after.keyFor('openai', 'x'), 'sk-openai-0123456789');
  assert.equal(after.unreadable, []);
  assert.ok(after.list().every((view) => view.sealedWith === after.sealingKeyId));

  const stale = new ProviderKeyVault(database.db, new KeyRing([OLD]));
  await stale.refresh();
  assert.is(stale.unreadable.length, 2, 'an instance left on the old key alone reads nothing, and says so');
  assert.is(stale.keyFor('openai', 'x'), null);
});

vault('a sealed value moved to another row does not open there', async () => {
  const keys = new ProviderKeyVault(database.db, new KeyRing([OLD]));
  const a = await keys.add({ provider: 'openai', key: 'sk-openai-aaaaaaaaaa' });
  const b = await keys.add({ provider: 'google', key: 'AIza-google-bbbbbbbbb' });
  const sealedA = (await database.db.selectFrom('provider_keys').select('sealed').where('id', '=', a.id).executeTakeFirstOrThrow()).sealed;
  await database.db.updateTable('provider_keys').set({ sealed: sealedA }).where('id', '=', b.id).execute();
  await keys.refresh();
  assert.equal(keys.unreadable, [b.id]);
  assert.is(keys.keyFor('google', 'x'), null, 'the openai key is not served as google’s');
});

vault('without ENCRYPTION_KEY the vault refuses writes with 503 vault_unavailable', async () => {
  const off = new ProviderKeyVault(database.db, null);
  const error = await off.add({ provider: 'openai', key: 'sk-x-12345678' }).catch((caught: unknown) => caught);
  assert.is((error as { reason?: string }).reason, 'vault_unavailable');
});

vault.run();
