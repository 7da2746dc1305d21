/**
 * Lays out a machine graph as nested boxes: each state a box with its name and one row per
 * outgoing transition ("event [guard] → target"), compound states holding their children in
 * layers that follow the flow from the initial child. Text is monospace, so sizes are exact
 * arithmetic and no box or label can overlap another; no DOM is needed to compute it.
 */
import type { ChartState, ChartTransition, MachineGraph } from '../machine/machineGraph.js';

export const FONT_SIZE = 11;
/** Monospace advance width; 0.6em for the usual monospace fonts, rounded up for safety. */
export const CHAR_WIDTH = FONT_SIZE * 0.62;
const ROW_HEIGHT = 16;
const TITLE_HEIGHT = 20;
const PADDING = 8;
const GAP = 12;
/** Children wider than this together wrap onto another line. */
const MAX_ROW_WIDTH = 400;

export interface RowBox {
  transition: ChartTransition;
  text: string;
  x: number;
  /** Baseline of the text. */
  y: number;
  width: number;
}

export interface StateBox {
  state: ChartState;
  x: number;
  y: number;
  width: number;
  height: number;
  rows: RowBox[];
  children: StateBox[];
}

const textWidth = (text: string) => Math.ceil(text.length * CHAR_WIDTH);

/** Names targets by key, or by path where a key is not unique (e.g. two states called `failed`). */
function targetNamer(graph: MachineGraph) {
  const keyCount = new Map<string, number>();
  for (const state of graph.states.values()) {
    if (state.parentId !== null) keyCount.set(state.key, (keyCount.get(state.key) ?? 0) + 1);
  }
  return (id: string) => {
    const state = graph.states.get(id);
    if (!state) return id;
    return (keyCount.get(state.key) ?? 0) > 1 ? state.path : state.key;
  };
}

export function transitionLabel(transition: ChartTransition, name: (id: string) => string): string {
  const guard = transition.guard ? ` [${transition.guard}]` : '';
  const target = transition.targetIds.length ? ` → ${transition.targetIds.map(name).join(', ')}` : ' ↺';
  return `${transition.label}${guard}${target}`;
}

/** Is `id` the state `ancestor` or inside it? */
function within(graph: MachineGraph, id: string, ancestor: string): boolean {
  for (let current: string | null = id; current; current = graph.states.get(current)?.parentId ?? null) {
    if (current === ancestor) return true;
  }
  return false;
}

/** Orders a state's children into layers: breadth-first from the initial child along transitions. */
function layers(graph: MachineGraph, parent: ChartState): ChartState[][] {
  const children = parent.childIds.map((id) => graph.states.get(id)!);
  const next = new Map<string, Set<string>>(children.map((child) => [child.id, new Set()]));
  for (const transition of graph.transitions) {
    const from = children.find((child) => within(graph, transition.sourceId, child.id));
    if (!from) continue;
    for (const target of transition.targetIds) {
      const to = children.find((child) => within(graph, target, child.id));
      if (to && to !== from) next.get(from.id)!.add(to.id);
    }
  }
  const depth = new Map<string, number>();
  const queue = [parent.initialId ?? children[0]!.id];
  depth.set(queue[0]!, 0);
  while (queue.length) {
    const id = queue.shift()!;
    for (const to of next.get(id) ?? []) {
      if (!depth.has(to)) {
        depth.set(to, depth.get(id)! + 1);
        queue.push(to);
      }
    }
  }
  const deepest = Math.max(...depth.values());
  const result: ChartState[][] = [];
  for (const child of children) {
    // Children nothing leads to (only reachable from outside) go last, in document order.
    const layer = depth.get(child.id) ?? deepest + 1;
    (result[layer] ??= []).push(child);
  }
  return result.filter(Boolean);
}

export function layoutMachine(graph: MachineGraph): StateBox {
  const name = targetNamer(graph);
  const outgoing = new Map<string, ChartTransition[]>();
  for (const transition of graph.transitions) {
    const list = outgoing.get(transition.sourceId) ?? [];
    list.push(transition);
    outgoing.set(transition.sourceId, list);
  }

  // Sizes bottom-up at the origin; positions are shifted into place by `place`.
  const measure = (state: ChartState): StateBox => {
    const rows = (outgoing.get(state.id) ?? []).map((transition) => {
      const text = transitionLabel(transition, name);
      return { transition, text, x: 0, y: 0, width: textWidth(text) };
    });
    const title = state.parentId === null ? graph.rootId : state.key;
    let width = Math.max(textWidth(title), ...rows.map((row) => row.width));
    let y = TITLE_HEIGHT;
    for (const row of rows) {
      row.x = PADDING;
      row.y = y + ROW_HEIGHT - 4;
      y += ROW_HEIGHT;
    }

    const children: StateBox[] = [];
    if (state.childIds.length) {
      y += rows.length ? GAP / 2 : 0;
      for (const layer of layers(graph, state)) {
        let line: StateBox[] = [];
        const flush = () => {
          let x = PADDING;
          const height = Math.max(...line.map((box) => box.height));
          for (const box of line) {
            place(box, x, y);
            x += box.width + GAP;
          }
          width = Math.max(width, x - GAP - PADDING);
          y += height + GAP;
          line = [];
        };
        for (const child of layer) {
          const box = measure(child);
          const lineWidth = line.reduce((sum, b) => sum + b.width + GAP, 0);
          if (line.length && lineWidth + box.width > MAX_ROW_WIDTH) flush();
          line.push(box);
          children.push(box);
        }
        flush();
      }
      y -= GAP;
    }
    return { state, x: 0, y: 0, width: width + 2 * PADDING, height: y + PADDING, rows, children };
  };

  const place = (box: StateBox, dx: number, dy: number) => {
    box.x += dx;
    box.y += dy;
    for (const row of box.rows) {
      row.x += dx;
      row.y += dy;
    }
    for (const child of box.children) place(child, dx, dy);
  };

  const root = measure(graph.states.get(graph.rootId)!);
  place(root, 1, 1);
  return root;
}

/** Every box of the layout, parents before children. */
export function allBoxes(root: StateBox): StateBox[] {
  return [root, ...root.children.flatMap(allBoxes)];
}
