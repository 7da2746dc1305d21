/**
 * The per-socket limit on incoming frames (every frame counts: valid or not, text or binary).
 * Within the token bucket a frame is handled; over it, the frame is dropped. The sender hears
 * RATE_LIMITED at most once a second, so a flood is never answered frame for frame; each
 * dropped frame is a strike, strikes fade at one a second, and a socket that piles up more than
 * MAX_STRIKES is closed (1008): a client that has been told to slow down and does not.
 */
import { RefillingBucket } from './tokenBucket.js';

export interface FrameLimits {
  /** Frames a socket may send at once, e.g. the ICE candidates of a call set-up. */
  burst: number;
  /** Frames a second a socket may keep sending. */
  perSecond: number;
}

/** accept: handle it. refuse: drop it and say RATE_LIMITED. drop: drop it silently. close: close the socket. */
export type FrameVerdict = 'accept' | 'refuse' | 'drop' | 'close';

export interface FrameLimiter {
  admit(nowMs: number): FrameVerdict;
}

/** More dropped frames than this (net of fading) and the socket is closed. */
export const MAX_STRIKES = 20;
const STRIKES_FADE_PER_SECOND = 1;
/** The shortest time between two RATE_LIMITED answers to one socket. */
const ANSWER_INTERVAL_MS = 1_000;

// One per socket: the bucket and the strikes in one object with plain fields, no closures (see
// tokenBucket.ts), hence a bucket that also counts strikes rather than one that holds a bucket.
class StrikingLimiter extends RefillingBucket implements FrameLimiter {
  private strikes = 0;
  private struckAt: number;
  private answeredAt: number;

  constructor(limits: FrameLimits, nowMs: number) {
    super(limits.burst, limits.perSecond, nowMs);
    this.struckAt = nowMs;
    // Long enough ago that the first refusal is answered; a whole number (not -Infinity), so
    // that the field holds it in place rather than in a number object of its own.
    this.answeredAt = nowMs - ANSWER_INTERVAL_MS;
  }

  admit(now: number): FrameVerdict {
    if (this.take(now)) return 'accept';
    this.strikes = Math.max(0, this.strikes - (Math.max(0, now - this.struckAt) * STRIKES_FADE_PER_SECOND) / 1000) + 1;
    this.struckAt = now;
    if (this.strikes > MAX_STRIKES) return 'close';
    if (now - this.answeredAt < ANSWER_INTERVAL_MS) return 'drop';
    this.answeredAt = now;
    return 'refuse';
  }
}

export function createFrameLimiter(limits: FrameLimits, nowMs: number): FrameLimiter {
  return new StrikingLimiter(limits, nowMs);
}
