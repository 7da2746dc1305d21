import { describe, expect, it } from 'vitest';
import { RECONNECT, reconnectDelay, type Backoff } from '../../../src/client/effects/backoff.js';

const POLICY: Backoff = { baseMs: 100, maxMs: 1_000, maxAttempts: 8 };
/** The largest value `Math.random()` can return. */
const ALMOST_ONE = 1 - Number.EPSILON;

describe('reconnectDelay', () => {
  it('tries again at once the first time, whatever the jitter', () => {
    expect(reconnectDelay(0, 0, POLICY)).toBe(0);
    expect(reconnectDelay(0, ALMOST_ONE, POLICY)).toBe(0);
  });

  it('doubles the ceiling with every attempt, up to maxMs', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7].map((attempt) => reconnectDelay(attempt, ALMOST_ONE, POLICY));
    expect(ceilings).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it('never waits less than half the ceiling, so retries still back off', () => {
    const floors = [1, 2, 3, 4, 5, 6, 7].map((attempt) => reconnectDelay(attempt, 0, POLICY));
    expect(floors).toEqual([50, 100, 200, 400, 500, 500, 500]);
  });

  it('spreads delays over [ceiling / 2, ceiling] with the jitter', () => {
    for (let attempt = 1; attempt < POLICY.maxAttempts; attempt += 1) {
      const ceiling = Math.min(POLICY.maxMs, POLICY.baseMs * 2 ** (attempt - 1));
      const delays = [0, 0.25, 0.5, 0.75, ALMOST_ONE].map((random) => reconnectDelay(attempt, random, POLICY));
      for (const delay of delays) {
        expect(delay, `attempt ${attempt}`).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay, `attempt ${attempt}`).toBeLessThanOrEqual(ceiling);
        expect(Number.isInteger(delay), `attempt ${attempt}: whole milliseconds`).toBe(true);
      }
      // Clients cut off together must not all come back at the same instant.
      expect(new Set(delays).size, `attempt ${attempt}: distinct delays`).toBe(delays.length);
      expect(delays, `attempt ${attempt}: more jitter, longer wait`).toEqual([...(delays as number[])].sort((a, b) => a - b));
    }
  });

  it('gives up (null) once maxAttempts attempts were made', () => {
    expect(reconnectDelay(POLICY.maxAttempts - 1, 0.5, POLICY)).not.toBeNull();
    expect(reconnectDelay(POLICY.maxAttempts, 0.5, POLICY)).toBeNull();
    expect(reconnectDelay(POLICY.maxAttempts + 5, 0, POLICY)).toBeNull();
  });

  it('uses the RECONNECT policy by default', () => {
    expect(reconnectDelay(1, ALMOST_ONE)).toBe(RECONNECT.baseMs);
    expect(reconnectDelay(RECONNECT.maxAttempts - 1, ALMOST_ONE)).toBe(RECONNECT.maxMs);
    expect(reconnectDelay(RECONNECT.maxAttempts, 0)).toBeNull();
    expect(reconnectDelay(RECONNECT.maxAttempts + 1, ALMOST_ONE)).toBeNull();
  });
});
