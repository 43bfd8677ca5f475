/**
 * Verification tokens: proof that a customer passed `clients.verify` for one service id, through
 * one API key and one end user (the conversation behind a bot), a short while ago. Signed
 * (HMAC-SHA256) and stateless, so every instance that shares the secret accepts them. The token
 * names the service id and its expiry in clear (neither is secret); key and end user are inside
 * the signature only. One canonical grammar: no leading zeros, no expiry beyond now + TTL, so a
 * token can be neither re-spelled nor minted far into the future by whoever learns one.
 */

import { createHmac, timingSafeEqual } from 'node:crypto';

const VERSION = 'v2';
const TOKEN = /^v2\.([1-9]\d{0,11})\.([1-9]\d{0,11})\.([A-Za-z0-9_-]{43})$/;
/** Instances' clocks may differ this much; a token never lives longer than TTL plus this. */
const CLOCK_SKEW_S = 5;

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

/** Who a token speaks for: the key's name and the end user it sent (null when it sent none). */
export interface TokenHolder {
  keyName: string;
  endUser: string | null;
}

export class VerificationTokens {
  private readonly secret: Buffer;

  constructor(
    secret: string | Buffer,
    private readonly ttlSeconds: number,
  ) {
    this.secret = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    if (this.secret.length < 32) throw new Error('a verification secret has at least 32 bytes');
  }

  private mac(serviceId: number, holder: TokenHolder, expiresAtSeconds: number): string {
    // The end user is length-prefixed so no pair of (key, end user) can spell another's input.
    const endUser = holder.endUser ?? '';
    return createHmac('sha256', this.secret)
      .update(`${VERSION}|${serviceId}|${holder.keyName}|${endUser.length}:${endUser}|${expiresAtSeconds}`)
      .digest('base64url');
  }

  issue(serviceId: number, holder: TokenHolder, now: Date): IssuedToken {
    const expiresAtSeconds = Math.floor(now.getTime() / 1000) + this.ttlSeconds;
    return {
      token: `${VERSION}.${serviceId}.${expiresAtSeconds}.${this.mac(serviceId, holder, expiresAtSeconds)}`,
      expiresAt: new Date(expiresAtSeconds * 1000),
    };
  }

  /** Whether `token` proves this holder verified `serviceId`, and if not, why. */
  check(token: string | null, holder: TokenHolder, serviceId: number, now: Date): TokenCheck {
    if (token === null || token === '') return { status: 'missing' };
    const parts = TOKEN.exec(token);
    if (!parts) return { status: 'invalid' };
    const tokenServiceId = Number(parts[1]);
    const expiresAtSeconds = Number(parts[2]);
    const expected = Buffer.from(this.mac(tokenServiceId, holder, expiresAtSeconds));
    const given = Buffer.from(parts[3]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { status: 'invalid' };
    const nowSeconds = now.getTime() / 1000;
    // Signed, yet further out than any token this service issues: never valid.
    if (expiresAtSeconds > nowSeconds + this.ttlSeconds + CLOCK_SKEW_S) return { status: 'invalid' };
    if (expiresAtSeconds <= nowSeconds) return { status: 'expired', expiredAt: new Date(expiresAtSeconds * 1000) };
    if (tokenServiceId !== serviceId) return { status: 'other_service', serviceId: tokenServiceId };
    return { status: 'valid' };
  }

  /** The service id a token holds when it is valid for this holder now, else null. */
  verifiedServiceId(token: string | null, holder: TokenHolder, now: Date): number | null {
    const serviceId = token ? TOKEN.exec(token)?.[1] : undefined;
    if (serviceId === undefined) return null;
    return this.check(token, holder, Number(serviceId), now).status === 'valid' ? Number(serviceId) : null;
  }
}
