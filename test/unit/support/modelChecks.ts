/**
 * What the model-based tests of both machines share: cheap checks (thousands of steps each
 * check dozens of things), taking a step on a running machine, and the coverage verdict.
 */
import { isDeepStrictEqual } from 'node:util';
import type { StateValue } from 'xstate';
import { expect } from 'vitest';
import type { MachineGraph } from '../../../src/client/machine/machineGraph.js';
import type { Delay, DelayedEvent } from './modelPaths.js';

/** `expect(actual, message).toEqual(expected)`, called only when the values differ: an `expect` costs far more than the comparison. */
export function same(actual: unknown, expected: unknown, message: string) {
  if (!isDeepStrictEqual(actual, expected)) expect(actual, message).toEqual(expected);
}

export function holds(condition: boolean, message: string) {
  if (!condition) expect(condition, message).toBe(true);
}

/** Every dotted state path active in `value`, e.g. `active`, `active.room`, `active.room.call.waiting`. */
export function activePaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [`${prefix}${value}`];
  return Object.entries(value).flatMap(([key, child]) =>
    child === undefined ? [`${prefix}${key}`] : [`${prefix}${key}`, ...activePaths(child, `${prefix}${key}.`)],
  );
}

interface Running<TEvent> {
  timeline: readonly unknown[];
  snapshot(): { value: StateValue };
  send(event: TEvent): void;
  advance(ms: number): void;
}

/** Takes one step on the running machine: sends the event, or lets the timer's delay pass. */
export function take<TEvent>(running: Running<TEvent>, step: { event: TEvent | DelayedEvent; delay: Delay | null }, at: string) {
  if (step.delay === null) {
    running.send(step.event as TEvent);
    return;
  }
  // The timer must not be due a millisecond early, and must be due exactly on time.
  const before = running.snapshot();
  const from = running.timeline.length;
  running.advance(step.delay.ms - 1);
  same(running.snapshot().value, before.value, `${at}: state 1 ms before ${step.delay.name}`);
  same(running.timeline.slice(from + 1), [], `${at}: effects 1 ms before ${step.delay.name}`);
  running.advance(1);
}

/** Fails, naming them, when some state of `graph` was not visited or some transition not taken; logs the figures. */
export function expectEverythingCovered(name: string, graph: MachineGraph, visited: ReadonlySet<string>, taken: ReadonlySet<string>, paths: number) {
  const states = [...graph.states.values()].filter((state) => state.id !== graph.rootId);
  const missingStates = states.filter((state) => !visited.has(state.path)).map((state) => state.path);
  const missingTransitions = graph.transitions.filter((transition) => !taken.has(transition.id)).map((transition) => transition.id);
  console.log(
    `${name} model coverage: states ${states.length - missingStates.length}/${states.length}, ` +
      `transitions ${graph.transitions.length - missingTransitions.length}/${graph.transitions.length}, paths ${paths}`,
  );
  expect(missingStates, 'states that no path visits').toEqual([]);
  expect(missingTransitions, 'transitions that no path takes').toEqual([]);
}
