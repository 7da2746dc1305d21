import { describe, expect, it } from 'vitest';
import { callMachine } from '../../src/client/machine/callMachine.js';
import { machineGraph } from '../../src/client/machine/machineGraph.js';
import { peerMachine } from '../../src/client/machine/peerMachine.js';
import { fitScaleFor, fitsAt } from '../../src/client/statechart/chartFit.js';
import { layoutMachine } from '../../src/client/statechart/layout.js';

const sizeOf = (machine: Parameters<typeof machineGraph>[0]) => {
  const root = layoutMachine(machineGraph(machine));
  return { width: root.width + 2, height: root.height + 2 };
};
const CALL = sizeOf(callMachine);
const PEER = sizeOf(peerMachine);
/** The panel's chart area on a 1280×720 screen. */
const PANEL = { width: 456, height: 360 };

describe('zoom to fit', () => {
  it('leaves a chart that fits at its own size', () => {
    expect(fitScaleFor([PEER], { width: 1000, height: 1000 })).toBe(1);
  });

  it('shrinks the call chart and one to three people beside it just enough to fit the panel', () => {
    let previous = 1;
    for (const people of [1, 2, 3]) {
      const sizes = [CALL, ...Array.from({ length: people }, () => PEER)];
      const scale = fitScaleFor(sizes, PANEL);
      expect(fitsAt(sizes, PANEL, scale), `${people} people`).toBe(true);
      expect(fitsAt(sizes, PANEL, scale / 0.97), `${people} people, one step larger`).toBe(false);
      expect(scale).toBeLessThanOrEqual(previous);
      previous = scale;
    }
  });

  it('wraps charts onto another line where side by side each would be narrower than its caption', () => {
    const phone = { width: 250, height: 400 };
    const sizes = [CALL, PEER, PEER];
    const scale = fitScaleFor(sizes, phone);
    expect(scale).toBeGreaterThan(0.05);
    expect(fitsAt(sizes, phone, scale)).toBe(true);
  });
});
