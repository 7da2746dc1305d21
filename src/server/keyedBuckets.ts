/**
 * One token bucket per key (a client IP), for limits such as "new rooms per minute". A key's
 * bucket is forgotten once it has refilled, because a full bucket is the same as a new one; the
 * sweep that forgets them runs at most once a minute, so memory follows the clients seen lately,
 * not every client ever seen.
 */
import { createTokenBucket, type TokenBucket } from './tokenBucket.js';

const SWEEP_EVERY_MS = 60_000;

export interface KeyedBuckets {
  take(key: string, nowMs: number): boolean;
  /** How many keys are remembered (for tests). */
  size(): number;
}

export function createKeyedBuckets(capacity: number, perSecond: number): KeyedBuckets {
  const buckets = new Map<string, TokenBucket>();
  let sweptAt = -Infinity;

  const sweep = (now: number) => {
    sweptAt = now;
    for (const [key, bucket] of buckets) if (bucket.isFull(now)) buckets.delete(key);
  };

  return {
    take(key, now) {
      if (now - sweptAt >= SWEEP_EVERY_MS) sweep(now);
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = createTokenBucket(capacity, perSecond, now);
        buckets.set(key, bucket);
      }
      return bucket.take(now);
    },
    size: () => buckets.size,
  };
}
