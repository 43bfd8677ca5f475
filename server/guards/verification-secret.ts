/**
 * The secret verification tokens are signed with. VERIFICATION_SECRET when set (required with a
 * real WispHub host); otherwise a random one generated once and kept where every instance finds
 * it: in Redis with REDIS_URL, else in a file only this user can read. Never derived from the API
 * keys: whoever holds a bot key must not be able to mint tokens offline.
 */

import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const SECRET_BYTES = 32;

/** Reads the secret file, or creates it (mode 0600) with a fresh random secret; a race keeps the first writer's. */
export function fileSecret(path: string): Buffer {
  const read = (): Buffer | null => {
    try {
      const text = readFileSync(path, 'utf8').trim();
      return /^[A-Za-z0-9_-]{43,}$/.test(text) ? Buffer.from(text, 'base64url') : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  };
  const existing = read();
  if (existing) return existing;
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, `${randomBytes(SECRET_BYTES).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
    chmodSync(path, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const written = read();
  if (!written) throw new Error(`${path} does not hold a verification secret (43+ base64url characters)`);
  return written;
}

/** Shared storage that keeps the first secret any instance offers (Redis SET NX, then GET). */
export type SecretStore = (candidate: Buffer) => Promise<Buffer | null>;

export async function resolveVerificationSecret(options: {
  configured: string | undefined;
  filePath: string;
  shared: SecretStore | null;
}): Promise<{ secret: Buffer; source: 'config' | 'redis' | 'file' }> {
  if (options.configured) return { secret: Buffer.from(options.configured, 'utf8'), source: 'config' };
  if (options.shared) {
    const secret = await options.shared(randomBytes(SECRET_BYTES));
    if (secret && secret.length >= SECRET_BYTES) return { secret, source: 'redis' };
  }
  return { secret: fileSecret(options.filePath), source: 'file' };
}
