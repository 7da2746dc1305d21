/**
 * A machine graph as a Mermaid `stateDiagram-v2`, so the README and docs show the statechart
 * the code runs rather than a drawing that drifts. Pure: the same graph gives the same text.
 */
import type { ChartState, ChartTransition, MachineGraph } from './machineGraph.js';

// Words the Mermaid state-diagram lexer reads as keywords, or ids it treats specially.
const RESERVED = new Set(['default', 'state', 'note', 'class', 'classdef', 'direction', 'end', 'hide', 'scale', 'root', 'click', 'style']);

/** Mermaid ids: the dotted path with every character outside `[A-Za-z0-9_]` as `_`, made unique. */
function mermaidIds(graph: MachineGraph, drawRoot: boolean): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const state of graph.states.values()) {
    if (state.id === graph.rootId && !drawRoot) continue;
    // The root's path is empty; its key is the machine's id.
    let base = (state.id === graph.rootId ? state.key : state.path).replace(/[^A-Za-z0-9_]/g, '_');
    if (RESERVED.has(base.toLowerCase())) base = `${base}_`;
    let id = base;
    for (let n = 2; taken.has(id); n += 1) id = `${base}_${n}`;
    taken.add(id);
    ids.set(state.id, id);
  }
  return ids;
}

// `"` ends a state label; `:` and `;` end a transition label; a line break ends the statement.
const clean = (text: string) => text.replace(/[":;\r\n]/g, ' ');

export function toMermaid(graph: MachineGraph): string {
  // The root is drawn as a box only when a transition starts or ends on it, which needs a node.
  const drawRoot = graph.transitions.some(
    (transition) => transition.sourceId === graph.rootId || transition.targetIds.includes(graph.rootId),
  );
  const ids = mermaidIds(graph, drawRoot);
  const idOf = (stateId: string) => ids.get(stateId) ?? stateId;
  const lines = ['stateDiagram-v2'];

  const body = (state: ChartState, depth: number) => {
    const indent = '  '.repeat(depth);
    if (state.initialId !== null) lines.push(`${indent}[*] --> ${idOf(state.initialId)}`);
    state.childIds.forEach((childId, index) => {
      const child = graph.states.get(childId);
      if (!child) return;
      // Mermaid draws the regions of a parallel state as lanes separated by `--`.
      if (state.parallel && index > 0) lines.push(`${indent}--`);
      const declaration = `${indent}state "${clean(child.key)}" as ${idOf(child.id)}`;
      if (child.childIds.length === 0) {
        lines.push(declaration);
      } else {
        lines.push(`${declaration} {`);
        body(child, depth + 1);
        lines.push(`${indent}}`);
      }
    });
  };
  const root = graph.states.get(graph.rootId);
  if (root && drawRoot) {
    lines.push(`  [*] --> ${idOf(root.id)}`, `  state "${clean(root.key)}" as ${idOf(root.id)} {`);
    body(root, 2);
    lines.push('  }');
  } else if (root) {
    body(root, 1);
  }

  // Every transition at the top level: Mermaid places a state in the block where it is first
  // declared, and an edge written inside a block would pull a state declared elsewhere into it.
  const label = (transition: ChartTransition) =>
    clean(transition.guard === null ? transition.label : `${transition.label} [${transition.guard}]`);
  for (const transition of graph.transitions) {
    const source = idOf(transition.sourceId);
    // A transition without a target only runs actions; a self-loop keeps it visible.
    const targets = transition.targetIds.length === 0 ? [transition.sourceId] : transition.targetIds;
    for (const target of targets) lines.push(`  ${source} --> ${idOf(target)} : ${label(transition)}`);
  }
  return `${lines.join('\n')}\n`;
}
