import { LocalPaymentReferences, type PaymentReferences } from '../guards/payment-references';
import type { RedisLink } from './redis-link';

/** Kept long past any dispute window: a reference is one payment for good. */
const REFERENCE_TTL_MS = 400 * 86_400_000;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Payment references in Redis (SET NX), so two bots on two instances cannot both use one. */
export class SharedPaymentReferences implements PaymentReferences {
  private readonly local = new LocalPaymentReferences();

  constructor(private readonly link: RedisLink) {}

  async claim(scope: string, reference: string, owner: string): Promise<string | null> {
    const key = this.link.key('payment-ref', scope, reference);
    return this.link.attempt(
      'references.claim',
      async (redis) => {
        const set = await redis.set(key, owner, 'PX', REFERENCE_TTL_MS, 'NX');
        if (set === 'OK') return null;
        const holder = await redis.get(key);
        return holder === owner ? null : (holder ?? null);
      },
      () => this.local.claim(scope, reference, owner),
    );
  }

  async release(scope: string, reference: string, owner: string): Promise<void> {
    const key = this.link.key('payment-ref', scope, reference);
    await this.link.attempt(
      'references.release',
      (redis) => redis.eval(RELEASE, 1, key, owner),
      () => this.local.release(scope, reference, owner),
    );
  }
}
