import type { SecretStore } from '../guards/verification-secret';
import type { RedisLink } from './redis-link';

/** The verification secret every instance shares: the first instance's random secret wins (SET NX), the rest read it. */
export function sharedVerificationSecret(link: RedisLink): SecretStore {
  const key = link.key('verification-secret');
  return (candidate) =>
    link.attempt(
      'verification secret',
      async (redis) => {
        await redis.set(key, candidate.toString('base64url'), 'NX');
        const stored = await redis.get(key);
        return stored ? Buffer.from(stored, 'base64url') : null;
      },
      () => null,
    );
}
