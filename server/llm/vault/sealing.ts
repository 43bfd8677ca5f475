/**
 * Provider keys sealed at rest with AES-256-GCM under ENCRYPTION_KEY. The setting is a list: the
 * first key seals, every key opens, so a rotation never stops a reader (add the new key second
 * everywhere, then first, then re-seal, then drop the old one: docs/operating.md). Each sealed
 * value names the key that sealed it and is bound to its row (provider, owner, id) as associated
 * data, so a value copied into another row does not open.
 */

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const FORMAT = 'v1';
const IV_BYTES = 12;
const KEY_BYTES = 32;

export class SealingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealingError';
  }
}

/** One 32-byte key from its setting: 64 hex digits or base64 (standard or URL-safe) of 32 bytes. */
export function parseEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (bytes.length !== KEY_BYTES || (!/^[0-9a-f]{64}$/i.test(trimmed) && !/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)))
    throw new SealingError('each ENCRYPTION_KEY entry is 32 bytes: 64 hex digits or 44 base64 characters (openssl rand -base64 32)');
  return bytes;
}

const keyIdOf = (key: Buffer): string => createHash('sha256').update('wisphub-vault-key:').update(key).digest('hex').slice(0, 8);

export class KeyRing {
  private readonly keys: { id: string; key: Buffer }[];

  constructor(keys: readonly Buffer[]) {
    if (keys.length === 0) throw new SealingError('a key ring needs at least one key');
    this.keys = keys.map((key) => ({ id: keyIdOf(key), key }));
  }

  /** From ENCRYPTION_KEY (comma-separated, sealing key first). */
  static fromSetting(setting: string): KeyRing {
    return new KeyRing(
      setting
        .split(',')
        .filter((entry) => entry.trim() !== '')
        .map(parseEncryptionKey),
    );
  }

  /** The id of the key that seals now. */
  get currentId(): string {
    return this.keys[0]!.id;
  }

  seal(plaintext: string, boundTo: string): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT, id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  /** The key that sealed a value (its id), without opening it. */
  static sealedWith(sealed: string): string | null {
    const parts = sealed.split('.');
    return parts.length === 5 && parts[0] === FORMAT ? parts[1]! : null;
  }

  open(sealed: string, boundTo: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== FORMAT) throw new SealingError('not a sealed value');
    const [, id, iv, tag, ciphertext] = parts as [string, string, string, string, string];
    const entry = this.keys.find((candidate) => candidate.id === id);
    if (!entry) throw new SealingError(`sealed with key ${id}, which ENCRYPTION_KEY no longer lists`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', entry.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(boundTo, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SealingError('the sealed value does not open (altered, or bound to another row)');
    }
  }
}
