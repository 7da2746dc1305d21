/** The pure pieces of the rate limits: the token bucket, the per-socket frame policy, per-key buckets and counters. */
import { describe, expect, it } from 'vitest';
import { createConnectionCounter } from '../../src/server/connectionCounter.js';
import { createFrameLimiter, MAX_STRIKES, type FrameVerdict } from '../../src/server/frameLimiter.js';
import { createKeyedBuckets } from '../../src/server/keyedBuckets.js';
import { createTokenBucket } from '../../src/server/tokenBucket.js';

const takeMany = (take: () => boolean, times: number) => Array.from({ length: times }, take).filter(Boolean).length;

describe('createTokenBucket', () => {
  it('allows a full burst at once, then nothing until it refills', () => {
    const bucket = createTokenBucket(5, 10, 0);

    expect(takeMany(() => bucket.take(0), 8)).toBe(5);
    expect(bucket.take(50)).toBe(false);
    // 10 a second is one per 100 ms.
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(100)).toBe(false);
  });

  it('refills continuously but never beyond its capacity', () => {
    const bucket = createTokenBucket(5, 10, 0);
    takeMany(() => bucket.take(0), 5);

    expect(takeMany(() => bucket.take(250), 5)).toBe(2);
    expect(takeMany(() => bucket.take(60_000), 10)).toBe(5);
  });

  it('reports full only once every token is back', () => {
    const bucket = createTokenBucket(2, 1, 0);
    expect(bucket.isFull(0)).toBe(true);
    bucket.take(0);
    expect(bucket.isFull(500)).toBe(false);
    expect(bucket.isFull(1_000)).toBe(true);
  });

  it('is not drained by a clock that steps back', () => {
    const bucket = createTokenBucket(3, 1, 1_000);
    bucket.take(1_000);

    expect(takeMany(() => bucket.take(0), 5)).toBe(2);
    expect(bucket.take(1_000)).toBe(false);
  });
});

describe('createFrameLimiter', () => {
  const verdicts = (admit: (now: number) => FrameVerdict, count: number, now = 0) =>
    Array.from({ length: count }, () => admit(now));

  it('accepts a burst, answers the first frame over it, drops the rest quietly, and closes past the strikes', () => {
    const limiter = createFrameLimiter({ burst: 60, perSecond: 20 }, 0);

    const seen = verdicts((now) => limiter.admit(now), 60 + MAX_STRIKES + 1);

    expect(seen.slice(0, 60).every((v) => v === 'accept')).toBe(true);
    expect(seen[60]).toBe('refuse');
    expect(seen.slice(61, 60 + MAX_STRIKES)).toEqual(Array(MAX_STRIKES - 1).fill('drop'));
    expect(seen.at(-1)).toBe('close');
  });

  it('answers RATE_LIMITED at most once a second', () => {
    const limiter = createFrameLimiter({ burst: 1, perSecond: 1 }, 0);
    limiter.admit(0);

    expect(limiter.admit(10)).toBe('refuse');
    expect(limiter.admit(500)).toBe('drop');
    // A second later the bucket has one token again; the frame after it is over the limit.
    expect(limiter.admit(1_100)).toBe('accept');
    expect(limiter.admit(1_100)).toBe('refuse');
  });

  it('lets strikes fade, so a client that is only now and then over the limit is never closed', () => {
    const limiter = createFrameLimiter({ burst: 10, perSecond: 10 }, 0);
    const seen: FrameVerdict[] = [];
    // Eleven frames a second for a minute: one over the limit each second.
    for (let second = 0; second < 60; second += 1) {
      for (let n = 0; n < 11; n += 1) seen.push(limiter.admit(second * 1_000 + n));
    }

    expect(seen).not.toContain('close');
    expect(seen.filter((v) => v === 'accept').length).toBeGreaterThan(590);
  });

  it('closes a client that keeps sending at twice the rate', () => {
    const limiter = createFrameLimiter({ burst: 10, perSecond: 10 }, 0);
    let closedAt: number | undefined;
    for (let ms = 0; ms < 30_000 && closedAt === undefined; ms += 50) {
      if (limiter.admit(ms) === 'close') closedAt = ms;
    }

    expect(closedAt).toBeDefined();
    expect(closedAt).toBeLessThan(10_000);
  });
});

describe('createKeyedBuckets', () => {
  it('keeps one bucket per key', () => {
    const buckets = createKeyedBuckets(2, 2 / 60);

    expect(takeMany(() => buckets.take('10.0.0.1', 0), 3)).toBe(2);
    expect(takeMany(() => buckets.take('10.0.0.2', 0), 3)).toBe(2);
    // Two a minute: one back after 30 s.
    expect(takeMany(() => buckets.take('10.0.0.1', 30_000), 3)).toBe(1);
  });

  it('forgets keys whose bucket has refilled, so memory follows recent clients only', () => {
    const buckets = createKeyedBuckets(2, 2 / 60);
    for (let n = 0; n < 1_000; n += 1) buckets.take(`10.0.${n >> 8}.${n & 255}`, 0);
    expect(buckets.size()).toBe(1_000);

    buckets.take('10.9.9.9', 61_000);

    expect(buckets.size()).toBe(1);
  });
});

describe('createConnectionCounter', () => {
  it('counts per key up to the maximum and frees a place on close', () => {
    const counter = createConnectionCounter(2);

    expect([counter.tryOpen('a'), counter.tryOpen('a'), counter.tryOpen('a'), counter.tryOpen('b')]).toEqual([true, true, false, true]);
    counter.closed('a');
    expect(counter.tryOpen('a')).toBe(true);
    expect(counter.count('a')).toBe(2);
  });

  it('never counts below zero', () => {
    const counter = createConnectionCounter(1);
    counter.closed('a');
    counter.closed('a');

    expect(counter.count('a')).toBe(0);
    expect(counter.tryOpen('a')).toBe(true);
    expect(counter.tryOpen('a')).toBe(false);
  });
});
