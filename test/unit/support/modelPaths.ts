/**
 * Paths through the call machine for model-based tests, found by `xstate/graph` over the sample
 * events: the shortest way to every state, then each event that state accepts, so that every
 * transition is taken at least once.
 *
 * Delayed transitions (`after`) are events too: XState names the event a timer raises
 * `xstate.after.<delay>.<state id>`, and the pure machine takes that transition when it is sent
 * one. The traversal sends it like any other event; a replay on a running actor moves a simulated
 * clock on by the delay instead, so the timer itself is what fires.
 */
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { callMachine, TIMING, type CallInput } from '../../../src/client/machine/callMachine.js';
import type { CallEvent } from '../../../src/client/machine/events.js';
import { machineGraph } from '../../../src/client/machine/machineGraph.js';
import { sampleEvents, type SampleEvent } from '../../../src/client/machine/sampleEvents.js';
import { stateToString } from '../../../src/client/machine/stateToString.js';

export type CallSnapshot = SnapshotFrom<typeof callMachine>;

/** The event a timer of the machine raises when it is due. */
export interface DelayedEvent {
  type: `xstate.after.${string}`;
}

export type ModelEvent = CallEvent | DelayedEvent;

export interface Delay {
  name: keyof typeof TIMING;
  ms: number;
}

export interface ModelSample {
  label: string;
  event: ModelEvent;
}

export interface ModelStep {
  label: string;
  event: ModelEvent;
  /** Set when the step is a timer firing rather than an event from outside. */
  delay: Delay | null;
  /** What the pure machine is in after the event. */
  after: CallSnapshot;
}

export interface ModelPath {
  name: string;
  /** What the pure machine is in before the first step. */
  start: CallSnapshot;
  steps: ModelStep[];
}

const AFTER = 'xstate.after.';
const isDelayName = (name: string): name is Delay['name'] => Object.hasOwn(TIMING, name) && name !== 'maxRebuilds';

/** Every delayed transition's event, with its delay as the machine reads it from `TIMING`. */
export const DELAYS: ReadonlyMap<string, Delay> = new Map(
  machineGraph(callMachine)
    .transitions.filter((transition) => transition.event.startsWith(AFTER))
    .map((transition) => {
      const name = transition.event.slice(AFTER.length, -(transition.sourceId.length + 1));
      if (!isDelayName(name)) throw new Error(`The delay "${name}" of ${transition.sourceId} is not in TIMING.`);
      return [transition.event, { name, ms: TIMING[name] }];
    }),
);

export const isDelayed = (event: ModelEvent): event is DelayedEvent => DELAYS.has(event.type);

/** The same person back after the server restarted and forgot everyone: a welcome with new ids. */
const AFTER_SERVER_RESTART: SampleEvent = {
  label: 'signal.welcome (someone there, new ids)',
  event: { type: 'signal.welcome', selfId: 'peer-a2', peers: [{ peer_id: 'peer-b2', name: 'Bea' }], iceServers: [], iceTransportPolicy: 'all' },
};

/**
 * What the signaling actor can report now. The server answers a JOIN with a welcome or a full
 * room, so those come only while the link is being made; anything else it says only once the
 * link is up; the actor may give up (`signal.lost`) at any time. The machine itself would take
 * a welcome at any time.
 */
function serverCouldSay(snapshot: CallSnapshot, event: ModelEvent): boolean {
  if (!event.type.startsWith('signal.') || event.type === 'signal.disconnected' || event.type === 'signal.lost') return true;
  const linking = (['connecting', 'reconnecting'] as const).some((server) => snapshot.matches({ active: { room: { server } } }));
  return event.type === 'signal.welcome' || event.type === 'signal.roomFull' ? linking : snapshot.matches({ active: { room: { server: 'online' } } });
}

function samples(snapshot: CallSnapshot): ModelSample[] {
  const delayed = [...DELAYS].map(([type, delay]): ModelSample => ({ label: `after ${delay.name}`, event: { type } as DelayedEvent }));
  return [...sampleEvents(snapshot.context), AFTER_SERVER_RESTART, ...delayed];
}

// `can` and `transition` take any event at run time; a delayed event is not in the machine's type.
const asCallEvent = (event: ModelEvent) => event as CallEvent;

export const accepted = (snapshot: CallSnapshot): ModelSample[] =>
  samples(snapshot).filter(({ event }) => serverCouldSay(snapshot, event) && snapshot.can(asCallEvent(event)));

/** The sample events (no timers: those only run while their state is active) the state does not accept. */
export const refused = (snapshot: CallSnapshot): SampleEvent[] =>
  sampleEvents(snapshot.context).filter(({ event }) => !snapshot.can(event));

/**
 * Which snapshots count as one state when looking for paths. The state value alone would find
 * only one side of a call, and the whole context would multiply paths by error texts. What is
 * told apart changes what the machine does next: the role in a call, whether the other person
 * is reachable, whether the relay refused the call or it never connected, and "the other one
 * left" (what waiting says). How many rebuilds are left is told apart only while the other
 * person is known, whether the server is online or coming back (a welcome that gives us a new
 * seat starts the call over without spending a rebuild, so it must be seen to keep a count
 * other than 0): while they are away, one road to the last rebuild is enough to cover what
 * happens there, and counting on every road would double the paths again and again.
 */
export function stateKey(snapshot: CallSnapshot): string {
  const state = stateToString(snapshot.value);
  const { context } = snapshot;
  if (snapshot.matches({ active: { room: { call: 'inCall' } } })) {
    const role = context.polite ? 'polite' : 'impolite';
    if (context.remote === null) return `${state} (${role}, remote away)`;
    // A relay that refused the call, or a call never connected, changes where a failed connection goes.
    const relay = context.relayRefused ? ', relay refused' : '';
    const never = context.connectedOnce ? '' : ', never connected';
    return `${state} (${role}, rebuilds ${context.rebuilds}${relay}${never})`;
  }
  if (snapshot.matches({ active: { room: { call: 'waiting' } } }) && context.peerLeft) return `${state} (after the other left)`;
  return state;
}

/**
 * `path` continued by `events` on the pure machine. The graph's own snapshots are not reused: it
 * keeps one snapshot per key, which may come from another path whose context differs in
 * unrelated ways.
 */
function continued(path: ModelPath, events: ModelEvent[]): ModelPath {
  let before = path.steps.at(-1)?.after ?? path.start;
  const steps = events.map((event): ModelStep => {
    const label = samples(before).find((sample) => JSON.stringify(sample.event) === JSON.stringify(event))?.label;
    const [after] = transition(callMachine, before, asCallEvent(event));
    before = after;
    return { label: label ?? event.type, event, delay: DELAYS.get(event.type) ?? null, after };
  });
  return { name: [path.name, ...steps.map((step) => step.label)].join(' → '), start: path.start, steps: [...path.steps, ...steps] };
}

const found = new Map<string, ModelPath[]>();

/** The shortest path to every state (as told apart by `stateKey`). */
export function shortestPaths(input: CallInput): ModelPath[] {
  const key = JSON.stringify(input);
  const cached = found.get(key);
  if (cached) return cached;
  const [start] = initialTransition(callMachine, input);
  const empty: ModelPath = { name: stateToString(start.value), start, steps: [] };
  const paths = getShortestPaths(callMachine, {
    input,
    events: (snapshot) => accepted(snapshot).map(({ event }) => asCallEvent(event)),
    serializeState: stateKey,
  })
    // The first step of a path found by xstate/graph is the initial state, entered by `xstate.init`.
    .map((path) => continued(empty, path.steps.slice(1).map((step) => step.event)));
  found.set(key, paths);
  return paths;
}

/** Each shortest path, continued by every event its last state accepts: every transition, once or more. */
export function transitionPaths(input: CallInput): ModelPath[] {
  return shortestPaths(input).flatMap((path) => {
    const end = path.steps.at(-1)?.after ?? path.start;
    return accepted(end).map(({ event }) => continued(path, [event]));
  });
}
