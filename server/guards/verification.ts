import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/settings';

/**
 * Verification tokens: proof that a customer passed `clients.verify` for one service id, through
 * one API key, a short while ago. Signed (HMAC-SHA256) and stateless, so every instance that
 * shares the secret accepts them without shared storage. The token names the service id and its
 * expiry in clear (neither is secret); the key name is inside the signature only.
 */

const VERSION = 'v1';
const TOKEN = /^v1\.(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

export type TokenCheck =
  | { status: 'valid' }
  | { status: 'missing' }
  | { status: 'invalid' }
  | { status: 'expired'; expiredAt: Date }
  | { status: 'other_service'; serviceId: number };

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

export class VerificationTokens {
  private readonly secret: Buffer;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.secret = Buffer.from(secret, 'utf8');
  }

  /**
   * The secret from VERIFICATION_SECRET, or derived from every configured key: instances that
   * share their key configuration accept each other's tokens, and rotating the keys retires them.
   */
  static fromConfig(config: Config, developmentKey: string): VerificationTokens {
    const keys = config.API_KEYS.map(({ name, key }) => `${name}=${key}`).sort();
    const derived = createHash('sha256')
      .update(['wisphub-gateway verification tokens', ...(keys.length > 0 ? keys : [developmentKey])].join('\n'))
      .digest('hex');
    return new VerificationTokens(config.VERIFICATION_SECRET ?? derived, config.VERIFICATION_TTL_S);
  }

  private mac(serviceId: number, keyName: string, expiresAtSeconds: number): string {
    return createHmac('sha256', this.secret).update(`${VERSION}|${serviceId}|${keyName}|${expiresAtSeconds}`).digest('base64url');
  }

  issue(serviceId: number, keyName: string, now: Date): IssuedToken {
    const expiresAtSeconds = Math.floor(now.getTime() / 1000) + this.ttlSeconds;
    return {
      token: `${VERSION}.${serviceId}.${expiresAtSeconds}.${this.mac(serviceId, keyName, expiresAtSeconds)}`,
      expiresAt: new Date(expiresAtSeconds * 1000),
    };
  }

  /** Whether `token` proves `keyName` verified `serviceId`, and if not, why. */
  check(token: string | null, keyName: string, serviceId: number, now: Date): TokenCheck {
    if (token === null || token === '') return { status: 'missing' };
    const parts = TOKEN.exec(token);
    if (!parts) return { status: 'invalid' };
    const tokenServiceId = Number(parts[1]);
    const expiresAtSeconds = Number(parts[2]);
    const expected = Buffer.from(this.mac(tokenServiceId, keyName, expiresAtSeconds));
    const given = Buffer.from(parts[3]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { status: 'invalid' };
    if (expiresAtSeconds * 1000 <= now.getTime()) return { status: 'expired', expiredAt: new Date(expiresAtSeconds * 1000) };
    if (tokenServiceId !== serviceId) return { status: 'other_service', serviceId: tokenServiceId };
    return { status: 'valid' };
  }
}
