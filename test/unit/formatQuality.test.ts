/** The quality panel's figures in words and units. */
import { describe, expect, it } from 'vitest';
import { formatBitrate, formatMs, formatPercent, formatVideo } from '../../src/client/quality/formatQuality.js';

describe('formatQuality', () => {
  it('gives each figure its unit, and a dash where there is none', () => {
    expect(formatMs(12.6)).toBe('13 ms');
    expect(formatPercent(2.345)).toBe('2.3 %');
    expect(formatBitrate(48_400)).toBe('48 kbit/s');
    expect(formatBitrate(1_234_567)).toBe('1.23 Mbit/s');
    expect(formatVideo({ width: 640, height: 480, fps: 19.6 })).toBe('640×480, 20 fps');
    expect(formatVideo({ width: 640, height: 480, fps: null })).toBe('640×480');
    for (const none of [formatMs(null), formatPercent(null), formatBitrate(null), formatVideo(null)]) expect(none).toBe('–');
  });
});
