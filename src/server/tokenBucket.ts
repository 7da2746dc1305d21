/**
 * A token bucket: up to `capacity` tokens, refilled continuously at `perSecond`; each event takes
 * one. The caller passes the time in milliseconds (performance.now(), or Date.now() where a
 * clock that steps will do), so the arithmetic needs no timers and tests need no fake clock.
 *
 * A class rather than closures: every socket has one, and fields on one object cost a fraction
 * of what a closure per method and its context do.
 */
export interface TokenBucket {
  /** Takes a token if there is one; false means the event is over the limit. */
  take(nowMs: number): boolean;
  /** Full again, so the bucket is no different from a new one and may be forgotten. */
  isFull(nowMs: number): boolean;
}

export class RefillingBucket implements TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    nowMs: number,
  ) {
    this.tokens = capacity;
    this.last = nowMs;
  }

  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }

  private refill(now: number) {
    // A clock that steps back (it should not, but) must not drain the bucket.
    const elapsed = Math.max(0, now - this.last);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.perSecond) / 1000);
    this.last = Math.max(this.last, now);
  }
}

export function createTokenBucket(capacity: number, perSecond: number, nowMs: number): TokenBucket {
  return new RefillingBucket(capacity, perSecond, nowMs);
}
