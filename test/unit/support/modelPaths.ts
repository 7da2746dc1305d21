/**
 * Paths through a machine for model-based tests, found by `xstate/graph` over sample events: the
 * shortest way to every state (as a model tells states apart), then each event that state
 * accepts, so that every transition is taken at least once.
 *
 * Delayed transitions (`after`) are events too: XState names the event a timer raises
 * `xstate.after.<delay>.<state id>`, and the pure machine takes that transition when it is sent
 * one. The traversal sends it like any other event; a replay on a running actor moves a simulated
 * clock on by the delay instead, so the timer itself is what fires.
 */
import {
  createEmptyActor,
  initialTransition,
  transition,
  type AnyActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type EventObject,
} from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { machineGraph } from '../../../src/client/machine/machineGraph.js';
import type { SampleEvent } from '../../../src/client/machine/sampleEvents.js';
import { stateToString } from '../../../src/client/machine/stateToString.js';

/** The event a timer of the machine raises when it is due. */
export interface DelayedEvent {
  type: `xstate.after.${string}`;
}

export interface Delay {
  name: string;
  ms: number;
}

export interface ModelStep<TSnapshot, TEvent> {
  label: string;
  event: TEvent | DelayedEvent;
  /** Set when the step is a timer firing rather than an event from outside. */
  delay: Delay | null;
  /** What the pure machine is in after the event. */
  after: TSnapshot;
}

export interface ModelPath<TSnapshot, TEvent> {
  name: string;
  /** What the pure machine is in before the first step. */
  start: TSnapshot;
  steps: ModelStep<TSnapshot, TEvent>[];
}

export interface ModelSpec<TSnapshot extends AnyMachineSnapshot, TEvent extends EventObject> {
  machine: AnyStateMachine;
  /** How long each of the machine's delays is, by the name its `delays` give it. */
  timing: Readonly<Record<string, number>>;
  /** What the world could send the machine, shaped to its snapshot (the timers come on top). */
  samples(snapshot: TSnapshot): SampleEvent<TEvent>[];
  /** Whether the world could send `event` now: a machine may accept more than can happen. */
  couldHappen(snapshot: TSnapshot, event: TEvent | DelayedEvent): boolean;
  /** Which snapshots count as one state when looking for paths. */
  stateKey(snapshot: TSnapshot): string;
}

const AFTER = 'xstate.after.';

/**
 * `machine` with a parent that hears nothing, so that it can be walked without running it: a
 * machine that tells its parent things (`sendParent`) cannot take a step on its own otherwise,
 * and the walk does not run actions, so nothing is ever sent.
 */
export function withSilentParent<TMachine extends AnyStateMachine>(machine: TMachine): TMachine {
  const parent = createEmptyActor();
  const adopt = (scope: AnyActorScope): AnyActorScope => ({ ...scope, self: Object.create(scope.self, { _parent: { value: parent } }) });
  return Object.create(machine, {
    transition: { value: (snapshot: unknown, event: unknown, scope: AnyActorScope) => machine.transition(snapshot as never, event as never, adopt(scope)) },
    getInitialSnapshot: { value: (scope: AnyActorScope, input: unknown) => machine.getInitialSnapshot(adopt(scope), input) },
  }) as TMachine;
}

export function createModel<TSnapshot extends AnyMachineSnapshot, TEvent extends EventObject, TInput>(spec: ModelSpec<TSnapshot, TEvent>) {
  type Snapshot = TSnapshot;
  type Event = TEvent;
  type Path = ModelPath<Snapshot, Event>;
  type Sample = { label: string; event: Event | DelayedEvent };

  /** Every delayed transition's event, with its delay as the machine reads it from the timing. */
  const delays: ReadonlyMap<string, Delay> = new Map(
    machineGraph(spec.machine)
      .transitions.filter((definition) => definition.event.startsWith(AFTER))
      .map((definition) => {
        const name = definition.event.slice(AFTER.length, -(definition.sourceId.length + 1));
        const ms = spec.timing[name];
        if (ms === undefined) throw new Error(`The delay "${name}" of ${definition.sourceId} has no length in the model's timing.`);
        return [definition.event, { name, ms }];
      }),
  );
  const isDelayed = (event: Event | DelayedEvent): event is DelayedEvent => delays.has(event.type);

  const samples = (snapshot: Snapshot): Sample[] => [
    ...spec.samples(snapshot),
    ...[...delays].map(([type, delay]): Sample => ({ label: `after ${delay.name}`, event: { type } as DelayedEvent })),
  ];
  // `can` and `transition` take any event at run time; a delayed event is not in the machine's type.
  const asEvent = (event: Event | DelayedEvent) => event as Event;

  const accepted = (snapshot: Snapshot): Sample[] =>
    samples(snapshot).filter(({ event }) => spec.couldHappen(snapshot, event) && snapshot.can(asEvent(event)));

  /** The sample events (no timers: those only run while their state is active) the state does not accept. */
  const refused = (snapshot: Snapshot) => spec.samples(snapshot).filter(({ event }) => !snapshot.can(event));

  /**
   * `path` continued by `events` on the pure machine. The graph's own snapshots are not reused: it
   * keeps one snapshot per key, which may come from another path whose context differs in
   * unrelated ways.
   */
  function continued(path: Path, events: (Event | DelayedEvent)[]): Path {
    let before = path.steps.at(-1)?.after ?? path.start;
    const steps = events.map((event): ModelStep<Snapshot, Event> => {
      const label = samples(before).find((sample) => JSON.stringify(sample.event) === JSON.stringify(event))?.label;
      const after = transition(spec.machine, before, asEvent(event))[0] as Snapshot;
      before = after;
      return { label: label ?? event.type, event, delay: delays.get(event.type) ?? null, after };
    });
    return { name: [path.name, ...steps.map((step) => step.label)].join(' → '), start: path.start, steps: [...path.steps, ...steps] };
  }

  const found = new Map<string, Path[]>();

  /** The shortest path to every state (as told apart by `stateKey`). */
  function shortestPaths(input: TInput): Path[] {
    const key = JSON.stringify(input);
    const cached = found.get(key);
    if (cached) return cached;
    const start = initialTransition(spec.machine, input)[0] as Snapshot;
    const empty: Path = { name: stateToString(start.value), start, steps: [] };
    const paths = getShortestPaths(spec.machine, {
      input,
      events: (snapshot) => accepted(snapshot as Snapshot).map(({ event }) => asEvent(event)),
      serializeState: (snapshot) => spec.stateKey(snapshot as Snapshot),
    })
      // The first step of a path found by xstate/graph is the initial state, entered by `xstate.init`.
      .map((path) => continued(empty, path.steps.slice(1).map((step) => step.event as Event)));
    found.set(key, paths);
    return paths;
  }

  /** Each shortest path, continued by every event its last state accepts: every transition, once or more. */
  function transitionPaths(input: TInput): Path[] {
    return shortestPaths(input).flatMap((path) => {
      const end = path.steps.at(-1)?.after ?? path.start;
      return accepted(end).map(({ event }) => continued(path, [event]));
    });
  }

  return { delays, isDelayed, accepted, refused, shortestPaths, transitionPaths };
}
