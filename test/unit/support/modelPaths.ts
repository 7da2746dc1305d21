/**
 * Paths through the call machine for model-based tests, found by `xstate/graph` over the sample
 * events: the shortest way to every state, then each event that state accepts, so that every
 * transition is taken at least once.
 */
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { callMachine, type CallInput } from '../../../src/client/machine/callMachine.js';
import type { CallEvent } from '../../../src/client/machine/events.js';
import { sampleEvents, type SampleEvent } from '../../../src/client/machine/sampleEvents.js';
import { stateToString } from '../../../src/client/machine/stateToString.js';

export type CallSnapshot = SnapshotFrom<typeof callMachine>;

export interface ModelStep {
  label: string;
  event: CallEvent;
  /** What the pure machine is in after the event. */
  after: CallSnapshot;
}

export interface ModelPath {
  name: string;
  /** What the pure machine is in before the first step. */
  start: CallSnapshot;
  steps: ModelStep[];
}

export const accepted = (snapshot: CallSnapshot): SampleEvent[] =>
  sampleEvents(snapshot.context).filter(({ event }) => snapshot.can(event));

export const refused = (snapshot: CallSnapshot): SampleEvent[] =>
  sampleEvents(snapshot.context).filter(({ event }) => !snapshot.can(event));

/**
 * Which snapshots count as one state when looking for paths. The state value alone would find
 * only the polite side of a call, and the whole context would multiply paths by error texts;
 * the role in a call and "the other one left" are what change what the effects are asked to do.
 */
export function stateKey(snapshot: CallSnapshot): string {
  const state = stateToString(snapshot.value);
  if (snapshot.matches({ active: { room: 'call' } })) return `${state} (${snapshot.context.polite ? 'polite' : 'impolite'})`;
  if (snapshot.matches({ active: { room: 'waiting' } }) && snapshot.context.peerLeft) return `${state} (after the other left)`;
  return state;
}

/**
 * Replays `events` on the pure machine. The graph's own snapshots are not reused: it keeps one
 * snapshot per key, which may come from another path whose context differs in unrelated ways.
 */
function pathOf(input: CallInput, events: CallEvent[]): ModelPath {
  const [start] = initialTransition(callMachine, input);
  let before = start;
  const steps = events.map((event) => {
    const label = sampleEvents(before.context).find((sample) => JSON.stringify(sample.event) === JSON.stringify(event))?.label;
    const [after] = transition(callMachine, before, event);
    before = after;
    return { label: label ?? event.type, event, after };
  });
  return { name: [stateToString(start.value), ...steps.map((step) => step.label)].join(' → '), start, steps };
}

/** The shortest path to every state (as told apart by `stateKey`). */
export function shortestPaths(input: CallInput): ModelPath[] {
  const found = getShortestPaths(callMachine, {
    input,
    events: (snapshot) => accepted(snapshot).map(({ event }) => event),
    serializeState: stateKey,
  });
  // The first step of a path found by xstate/graph is the initial state, entered by `xstate.init`.
  return found.map((path) => pathOf(input, path.steps.slice(1).map((step) => step.event)));
}

/** Each shortest path, continued by every event its last state accepts: every transition, once or more. */
export function transitionPaths(input: CallInput): ModelPath[] {
  return shortestPaths(input).flatMap((path) => {
    const end = path.steps.at(-1)?.after ?? path.start;
    const events = path.steps.map((step) => step.event);
    return accepted(end).map(({ event }) => pathOf(input, [...events, event]));
  });
}
