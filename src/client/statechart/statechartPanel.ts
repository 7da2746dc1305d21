/**
 * The panel beside the call: the call machine's statechart and, beside it, our local media
 * machine's and one chart per person in the call (their peer machine), following the running actors through XState's inspection
 * events, and a log of the events they took (newest first, last 100), each person's prefixed
 * with who they are. A person's chart comes when their peer machine is spawned and goes when it
 * stops. Each machine is laid out once, however many people use it.
 */
import type { AnyActorRef, AnyStateMachine, InspectionEvent, StateValue } from 'xstate';
import { machineGraph, transitionId, type MachineGraph } from '../machine/machineGraph.js';
import { stateToString } from '../machine/stateToString.js';
import { createChartZoom, type ZoomedChart } from './chartZoom.js';
import { layoutMachine, type StateBox } from './layout.js';
import { renderStatechart } from './renderStatechart.js';

const LOG_LIMIT = 100;

export interface StatechartPanel {
  /** Pass to `createActor(machine, { inspect })`. */
  inspect(event: InspectionEvent): void;
  /** Follow this actor (the call) and the peer machines it spawns. */
  follow(actor: unknown): void;
  graph: MachineGraph;
}

interface Model {
  graph: MachineGraph;
  root: StateBox;
  byPath: Map<string, string>;
}

const models = new WeakMap<AnyStateMachine, Model>();

function modelOf(machine: AnyStateMachine): Model {
  let model = models.get(machine);
  if (!model) {
    const graph = machineGraph(machine);
    model = { graph, root: layoutMachine(graph), byPath: new Map([...graph.states.values()].map((state) => [state.path, state.id])) };
    models.set(machine, model);
  }
  return model;
}

/** One machine's chart in the panel, and what it showed last. */
interface Chart extends ZoomedChart {
  model: Model;
  figure: HTMLElement;
  state: HTMLElement;
  /** Who the log names for its events; null for the call machine. */
  who: string | null;
  previous: string | null;
  /** The log entry of the event being taken, whose move is known once the step is done. */
  pending: HTMLElement | null;
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
function describeMove(before: string[], after: string[]): string {
  const left = before.filter((path) => !after.includes(path));
  const entered = after.filter((path) => !before.includes(path));
  return left.length || entered.length ? `${left.join(', ')} → ${entered.join(', ')}` : `stays in ${after.join(' ')}`;
}

/** The event as the log names it: a timer reads `after iceGrace`; XState's own events are left out. */
function eventName(type: string): string | null {
  const timer = /^xstate\.after\.([^.]+)\./.exec(type);
  if (timer) return `after ${timer[1]}`;
  return type.startsWith('xstate.') ? null : type;
}

const clock = (date: Date) =>
  `${date.toLocaleTimeString('en-GB', { hour12: false })}.${String(date.getMilliseconds()).padStart(3, '0')}`;

type MachineSnapshotLike = { value?: StateValue; machine?: AnyStateMachine; children?: Record<string, AnyActorRef | undefined>; context?: unknown };

export function createStatechartPanel(container: HTMLElement, machine: AnyStateMachine): StatechartPanel {
  const area = container.querySelector<HTMLElement>('.chart');
  const tools = container.querySelector<HTMLElement>('.chart-tools');
  const log = container.querySelector<HTMLOListElement>('.event-log');
  if (!area || !tools || !log) throw new Error('The statechart panel is missing .chart, .chart-tools or .event-log.');
  const zoom = createChartZoom(tools, area);
  area.replaceChildren();

  const addChart = (of: AnyStateMachine, title: string, who: string | null): Chart => {
    const model = modelOf(of);
    const drawing = renderStatechart(model.root, `Statechart of ${title}`);
    const figure = document.createElement('figure');
    figure.className = 'machine-chart';
    const caption = document.createElement('figcaption');
    const name = document.createElement('strong');
    name.textContent = title;
    const state = document.createElement('span');
    state.className = 'chart-state';
    caption.append(name, ' ', state);
    const viewport = document.createElement('div');
    viewport.className = 'chart-viewport';
    viewport.append(drawing.element);
    figure.append(caption, viewport);
    area.append(figure);
    const chart: Chart = { model, drawing, viewport, figure, state, who, previous: null, pending: null };
    zoom.add(chart);
    return chart;
  };

  const callChart = addChart(machine, 'the call machine', null);
  callChart.figure.dataset.machine = 'call';
  const people = new Map<AnyActorRef, Chart>();
  /** Our own microphone, camera and screen: the local media machine, while the call is on. */
  let media: { actor: AnyActorRef; chart: Chart } | null = null;
  let followed: unknown = null;

  /**
   * An entry when the event arrives: a peer machine's event is logged before what the call
   * machine does about it, which happens before the peer machine's step ends.
   */
  const addLogEntry = (who: string | null, event: string): HTMLElement => {
    const item = document.createElement('li');
    const time = document.createElement('time');
    time.textContent = clock(new Date());
    const name = document.createElement('strong');
    name.textContent = event;
    const step = document.createElement('span');
    item.append(time, ' ');
    if (who !== null) {
      const person = document.createElement('span');
      person.className = 'who';
      person.textContent = `${who}:`;
      item.append(person, ' ');
    }
    item.append(name, ' ', step);
    log.prepend(item);
    while (log.children.length > LOG_LIMIT) log.lastElementChild?.remove();
    return step;
  };

  const show = (chart: Chart, value: StateValue) => {
    const now = stateToString(value);
    const paths = now.split(' ');
    const { ids, leaves } = activeIds(chart.model.graph, chart.model.byPath, paths);
    chart.drawing.showActive(ids, leaves);
    // Long paths may wrap after a dot, not inside a name.
    chart.state.replaceChildren(...now.split('.').flatMap((part, index) => (index ? ['.', document.createElement('wbr'), part] : [part])));
    const before = chart.previous?.split(' ') ?? [];
    // The state just entered is the one to keep in view (the first, when nothing was before).
    const entered = chart.previous === null ? paths[0] : paths.find((path) => !before.includes(path));
    const enteredId = entered === undefined ? undefined : chart.model.byPath.get(entered);
    if (enteredId) zoom.keepInView(chart, enteredId);
    if (chart.pending) chart.pending.textContent = describeMove(before, paths);
    chart.pending = null;
    chart.previous = now;
  };

  /** The local media machine's chart, after the people's, while it runs. */
  const followMedia = (children: Record<string, AnyActorRef | undefined>) => {
    const actor = children.media;
    if (media && media.actor !== actor) {
      zoom.remove(media.chart);
      media.chart.figure.remove();
      media = null;
    }
    const child = actor?.getSnapshot() as MachineSnapshotLike | undefined;
    if (!actor || media || !child?.machine || child.value === undefined) return;
    const chart = addChart(child.machine, 'your microphone, camera and screen', 'You');
    chart.figure.dataset.machine = 'media';
    media = { actor, chart };
    show(chart, child.value);
  };

  /** A chart for each person's peer machine that runs, none for those stopped. */
  const followPeople = (snapshot: MachineSnapshotLike) => {
    const children = snapshot.children ?? {};
    followMedia(children);
    const roster = ((snapshot.context as { people?: { key: string; name: string }[] } | undefined)?.people ?? []);
    for (const [actor, chart] of people) {
      if (children[actor.id] === actor) continue;
      zoom.remove(chart);
      chart.figure.remove();
      people.delete(actor);
    }
    for (const person of roster) {
      const actor = children[person.key];
      const child = actor?.getSnapshot() as MachineSnapshotLike | undefined;
      if (!actor || people.has(actor) || !child?.machine || child.value === undefined) continue;
      const who = `${person.name} (${person.key})`;
      const chart = addChart(child.machine, who, who);
      chart.figure.dataset.person = person.key;
      people.set(actor, chart);
      show(chart, child.value);
    }
    // The people's charts come right after the call's: the ones to follow most.
    if (media && media.chart.figure.nextElementSibling) area.append(media.chart.figure);
  };

  return {
    graph: callChart.model.graph,
    follow(actor) {
      followed = actor;
    },
    inspect(inspection) {
      const chart =
        inspection.actorRef === followed
          ? callChart
          : inspection.actorRef === media?.actor
            ? media.chart
            : people.get(inspection.actorRef as AnyActorRef);
      if (!chart) return;
      if (inspection.type === '@xstate.event') {
        const name = eventName(inspection.event.type);
        if (name !== null && chart.previous !== null) chart.pending = addLogEntry(chart.who, name);
      }
      if (inspection.type === '@xstate.microstep') {
        // `_transitions` is how XState's inspection reports which transitions a step took.
        const taken = (inspection as { _transitions?: Parameters<typeof transitionId>[0][] })._transitions ?? [];
        const last = taken.at(-1);
        chart.drawing.showTaken(last ? transitionId(last) : null);
      }
      if (inspection.type === '@xstate.snapshot') {
        const snapshot = inspection.snapshot as MachineSnapshotLike;
        if (snapshot.value === undefined) return;
        show(chart, snapshot.value);
        if (chart === callChart) followPeople(snapshot);
      }
    },
  };
}
