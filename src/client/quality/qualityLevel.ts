/**
 * One word for how a connection is doing, from its figures: excellent, good, poor, or lost
 * (nothing arrives). Pure, like the figures it reads.
 */
import type { PairStatus } from '../machine/events.js';
import type { Quality } from './qualityStats.js';

export type QualityLevel = 'excellent' | 'good' | 'poor' | 'lost';

export const QUALITY_LEVELS: readonly QualityLevel[] = ['excellent', 'good', 'poor', 'lost'];

/**
 * The most a figure may be for each level; past "good" it is poor. Round trip: ITU-T G.114 finds
 * a one-way delay up to 150 ms (a 300 ms round trip) fine for most conversation; half of that
 * feels like being in the same room. Loss and jitter: where the usual call-quality warnings
 * begin (Twilio's SDK, for one, warns from 1 % loss and 30 ms jitter); Opus and the video
 * decoder hide about 1 % loss, 3 % is heard and seen, and jitter past 30 ms outgrows a usual
 * jitter buffer.
 */
export const QUALITY_LIMITS = {
  excellent: { rttMs: 150, lossPercent: 1, jitterMs: 15 },
  good: { rttMs: 300, lossPercent: 3, jitterMs: 30 },
} as const;

/** A connection in these states carries nothing, whatever its last figures said. */
const DEAD: ReadonlySet<PairStatus> = new Set(['interrupted', 'restarting', 'failed', 'unreachable']);

const within = (quality: Quality, limits: (typeof QUALITY_LIMITS)[keyof typeof QUALITY_LIMITS]) =>
  (quality.rttMs ?? 0) <= limits.rttMs && (quality.lossPercent ?? 0) <= limits.lossPercent && (quality.jitterMs ?? 0) <= limits.jitterMs;

/** Null while there is nothing to judge by yet: no connection, its first report, or no packet so far. */
export function qualityLevel(quality: Quality | null, status: PairStatus): QualityLevel | null {
  if (DEAD.has(status)) return 'lost';
  if (quality === null || quality.arriving === null || quality.received === 0) return null;
  if (!quality.arriving) return 'lost';
  if (within(quality, QUALITY_LIMITS.excellent)) return 'excellent';
  return within(quality, QUALITY_LIMITS.good) ? 'good' : 'poor';
}
