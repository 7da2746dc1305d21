/**
 * The panel beside the call: the call machine's statechart, following a running actor through
 * XState's inspection events, and a log of the events it took (newest first, last 100).
 */
import type { AnyStateMachine, InspectionEvent } from 'xstate';
import { machineGraph, transitionId, type MachineGraph } from '../machine/machineGraph.js';
import { stateToString } from '../machine/stateToString.js';
import { layoutMachine } from './layout.js';
import { renderStatechart } from './renderStatechart.js';

const LOG_LIMIT = 100;

export interface StatechartPanel {
  /** Pass to `createActor(machine, { inspect })`. */
  inspect(event: InspectionEvent): void;
  /** Follow only this actor (the call), not its children. */
  follow(actor: unknown): void;
  graph: MachineGraph;
}

/** The active states (ancestors included) and the current leaves, one per parallel region. */
function activeIds(graph: MachineGraph, byPath: ReadonlyMap<string, string>, leafPaths: string[]) {
  const ids = new Set<string>([graph.rootId]);
  const leaves = new Set<string>();
  for (const path of leafPaths) {
    const parts = path.split('.');
    for (let i = 1; i <= parts.length; i += 1) {
      const id = byPath.get(parts.slice(0, i).join('.'));
      if (id) ids.add(id);
    }
    const leaf = byPath.get(path);
    if (leaf) leaves.add(leaf);
  }
  return { ids, leaves };
}

/** What changed between two state strings, e.g. `…call.inCall.negotiating → …call.inCall.connected`. */
function describeMove(from: string, to: string): string {
  const before = from.split(' ');
  const after = to.split(' ');
  const left = before.filter((path) => !after.includes(path));
  const entered = after.filter((path) => !before.includes(path));
  return left.length || entered.length ? `${left.join(', ')} → ${entered.join(', ')}` : `stays in ${to}`;
}

const clock = (date: Date) =>
  `${date.toLocaleTimeString('en-GB', { hour12: false })}.${String(date.getMilliseconds()).padStart(3, '0')}`;

export function createStatechartPanel(container: HTMLElement, machine: AnyStateMachine): StatechartPanel {
  const graph = machineGraph(machine);
  const byPath = new Map([...graph.states.values()].map((state) => [state.path, state.id]));
  const drawing = renderStatechart(layoutMachine(graph), 'Statechart of the call machine');
  const chart = container.querySelector<HTMLElement>('.chart');
  const log = container.querySelector<HTMLOListElement>('.event-log');
  if (!chart || !log) throw new Error('The statechart panel is missing .chart or .event-log.');
  chart.replaceChildren(drawing.element);

  let followed: unknown = null;
  let previous: string | null = null;

  const addLogEntry = (event: string, move: string) => {
    const item = document.createElement('li');
    const time = document.createElement('time');
    time.textContent = clock(new Date());
    const name = document.createElement('strong');
    name.textContent = event;
    const step = document.createElement('span');
    step.textContent = move;
    item.append(time, ' ', name, ' ', step);
    log.prepend(item);
    while (log.children.length > LOG_LIMIT) log.lastElementChild?.remove();
  };

  return {
    graph,
    follow(actor) {
      followed = actor;
    },
    inspect(inspection) {
      if (inspection.actorRef !== followed) return;
      if (inspection.type === '@xstate.microstep') {
        // `_transitions` is how XState's inspection reports which transitions a step took.
        const taken = (inspection as { _transitions?: Parameters<typeof transitionId>[0][] })._transitions ?? [];
        const last = taken.at(-1);
        drawing.showTaken(last ? transitionId(last) : null);
      }
      if (inspection.type === '@xstate.snapshot') {
        const snapshot = inspection.snapshot as { value?: unknown };
        if (snapshot.value === undefined) return;
        const now = stateToString(snapshot.value as Parameters<typeof stateToString>[0]);
        const { ids, leaves } = activeIds(graph, byPath, now.split(' '));
        drawing.showActive(ids, leaves);
        const event = inspection.event.type;
        if (previous !== null && !event.startsWith('xstate.')) addLogEntry(event, describeMove(previous, now));
        previous = now;
      }
    },
  };
}
