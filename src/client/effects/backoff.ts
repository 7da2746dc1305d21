/**
 * When to try the server again after the link dropped: at once the first time, then doubling
 * delays with jitter, so that many clients cut off together do not all return at the same instant.
 */
export interface Backoff {
  baseMs: number;
  maxMs: number;
  /** Attempts before giving up and telling the person. */
  maxAttempts: number;
}

// Capped low: after a server restart the call should be back within a few seconds.
export const RECONNECT: Backoff = { baseMs: 300, maxMs: 4_000, maxAttempts: 60 };

/** Delay before attempt `attempt` (0-based); `random` is in [0, 1). Null once attempts run out. */
export function reconnectDelay(attempt: number, random: number, policy: Backoff = RECONNECT): number | null {
  if (attempt >= policy.maxAttempts) return null;
  if (attempt === 0) return 0;
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  // "Equal jitter": never less than half the ceiling, so retries still back off.
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
