/**
 * A token bucket: up to `capacity` tokens, refilled continuously at `perSecond`; each event takes
 * one. The caller passes the time (milliseconds on a monotonic clock such as performance.now()),
 * so the arithmetic needs no timers and tests need no fake clock.
 */
export interface TokenBucket {
  /** Takes a token if there is one; false means the event is over the limit. */
  take(nowMs: number): boolean;
  /** Full again, so the bucket is no different from a new one and may be forgotten. */
  isFull(nowMs: number): boolean;
}

export function createTokenBucket(capacity: number, perSecond: number, nowMs: number): TokenBucket {
  let tokens = capacity;
  let last = nowMs;

  const refill = (now: number) => {
    // A clock that steps back (it should not, but) must not drain the bucket.
    const elapsed = Math.max(0, now - last);
    tokens = Math.min(capacity, tokens + (elapsed * perSecond) / 1000);
    last = Math.max(last, now);
  };

  return {
    take(now) {
      refill(now);
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    isFull(now) {
      refill(now);
      return tokens >= capacity;
    },
  };
}
