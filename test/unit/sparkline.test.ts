/** The points of the quality panel's chart of the last minute. */
import { describe, expect, it } from 'vitest';
import { sparklinePoints } from '../../src/client/quality/sparkline.js';

describe('sparklinePoints', () => {
  it('puts the newest value at the right edge and the largest at the top', () => {
    expect(sparklinePoints([10, 20, 5], 100, 20, 5)).toBe('50,10 75,0 100,15');
  });

  it('leaves out gaps instead of drawing them as zero', () => {
    expect(sparklinePoints([null, 4, null, 2], 30, 10, 4)).toBe('10,0 30,5');
  });

  it('draws nothing without values, and a flat line at the bottom for zeros', () => {
    expect(sparklinePoints([], 100, 20, 60)).toBe('');
    expect(sparklinePoints([null, null], 100, 20, 60)).toBe('');
    expect(sparklinePoints([0, 0], 10, 20, 2)).toBe('0,20 10,20');
  });
});
