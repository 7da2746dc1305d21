/** The quality level a tile shows, from the figures of the connection with that person. */
import { describe, expect, it } from 'vitest';
import { QUALITY_LIMITS, qualityLevel } from '../../src/client/quality/qualityLevel.js';
import type { Quality } from '../../src/client/quality/qualityStats.js';

function measured(figures: Partial<Quality>): Quality {
  return {
    rttMs: 20, lossPercent: 0, jitterMs: 3, bitrateIn: 500_000, bitrateOut: 500_000, videoIn: null, videoOut: null,
    arriving: true, path: null, received: 1_000, lost: 0, bytesIn: 0, bytesOut: 0, framesDecoded: 0, at: 0, ...figures,
  };
}

describe('qualityLevel', () => {
  it('is excellent on a short, clean path', () => {
    expect(qualityLevel(measured({}), 'connected')).toBe('excellent');
  });

  it('is good, then poor, as any one figure passes its limit', () => {
    const { excellent, good } = QUALITY_LIMITS;
    expect(qualityLevel(measured({ rttMs: excellent.rttMs + 1 }), 'connected')).toBe('good');
    expect(qualityLevel(measured({ lossPercent: excellent.lossPercent + 0.5 }), 'connected')).toBe('good');
    expect(qualityLevel(measured({ jitterMs: excellent.jitterMs + 1 }), 'connected')).toBe('good');
    expect(qualityLevel(measured({ rttMs: good.rttMs + 1 }), 'connected')).toBe('poor');
    expect(qualityLevel(measured({ lossPercent: good.lossPercent + 1 }), 'connected')).toBe('poor');
    expect(qualityLevel(measured({ jitterMs: good.jitterMs + 1 }), 'connected')).toBe('poor');
  });

  it('is lost when packets stop arriving, or the connection with them is down', () => {
    expect(qualityLevel(measured({ arriving: false }), 'connected')).toBe('lost');
    expect(qualityLevel(measured({}), 'interrupted')).toBe('lost');
    expect(qualityLevel(null, 'failed')).toBe('lost');
    expect(qualityLevel(null, 'unreachable')).toBe('lost');
  });

  it('is not judged before there is a second report to compare with', () => {
    expect(qualityLevel(null, 'negotiating')).toBeNull();
    expect(qualityLevel(measured({ arriving: null }), 'connected')).toBeNull();
    // Still connecting: no packet has come yet, which is not a loss.
    expect(qualityLevel(measured({ arriving: false, received: 0 }), 'negotiating')).toBeNull();
  });

  it('judges by the figures it has when some are missing', () => {
    expect(qualityLevel(measured({ rttMs: null, lossPercent: null, jitterMs: null }), 'connected')).toBe('excellent');
    expect(qualityLevel(measured({ rttMs: null, lossPercent: 10 }), 'connected')).toBe('poor');
  });
});
