import { describe, expect, it } from 'vitest';
import { callMachine } from '../../src/client/machine/callMachine.js';
import { machineGraph } from '../../src/client/machine/machineGraph.js';
import { allBoxes, layoutMachine, type StateBox } from '../../src/client/statechart/layout.js';

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const ROW_TEXT_HEIGHT = 12;
const rowRect = (row: StateBox['rows'][number]): Rect => ({ x: row.x, y: row.y - ROW_TEXT_HEIGHT + 2, width: row.width, height: ROW_TEXT_HEIGHT });
const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (inner: Rect, outer: Rect) =>
  inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;

describe('the statechart layout of the call machine', () => {
  const graph = machineGraph(callMachine);
  const root = layoutMachine(graph);
  const boxes = allBoxes(root);

  it('draws every state once and every transition as a labelled row', () => {
    expect(boxes.map((box) => box.state.id).sort()).toEqual([...graph.states.keys()].sort());
    const rows = boxes.flatMap((box) => box.rows);
    expect(rows.map((row) => row.transition.id).sort()).toEqual(graph.transitions.map((t) => t.id).sort());
    for (const row of rows) expect(row.text.startsWith(row.transition.label)).toBe(true);
    expect(rows.find((row) => row.transition.id === 'call.active.room.call.joining:signal.welcome:0')?.text).toBe(
      'signal.welcome → waiting',
    );
  });

  it('draws nested states inside their parent, and siblings apart', () => {
    for (const box of boxes) {
      for (const child of box.children) expect(inside(child, box), `${child.state.id} inside ${box.state.id}`).toBe(true);
      box.children.forEach((a, i) =>
        box.children.slice(i + 1).forEach((b) => expect(overlaps(a, b), `${a.state.id} / ${b.state.id}`).toBe(false)),
      );
    }
  });

  it('keeps every label inside its state and clear of other labels and boxes', () => {
    for (const box of boxes) {
      const rects = box.rows.map(rowRect);
      rects.forEach((rect, i) => {
        expect(inside(rect, box), `${box.rows[i]!.text} inside ${box.state.id}`).toBe(true);
        rects.slice(i + 1).forEach((other) => expect(overlaps(rect, other)).toBe(false));
        for (const child of box.children) expect(overlaps(rect, child), `${box.rows[i]!.text} / ${child.state.id}`).toBe(false);
      });
    }
  });
});
