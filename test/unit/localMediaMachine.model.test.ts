/**
 * Model-based tests of the local media machine: xstate/graph finds the shortest way to every
 * state over the sample events, each path continued by every event its last state accepts is
 * replayed on a running machine (under a host that records what it tells the call machine, with
 * a fake devices actor that records what it is asked), and after every step what was sent must
 * match the state: the microphone, camera and screen (in place of the camera or beside it) the
 * call machine was last told about, and the last command the devices got for each. The suite
 * fails when a state or transition is on no path.
 */
import { createActor, createMachine, fromCallback, initialTransition, transition, type AnyActorRef, type SnapshotFrom } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { describe, expect, it } from 'vitest';
import type { CallEvent, DeviceCommand } from '../../src/client/machine/events.js';
import { localMediaMachine } from '../../src/client/machine/localMediaMachine.js';
import { machineGraph, transitionId } from '../../src/client/machine/machineGraph.js';
import { sampleLocalMediaEvents } from '../../src/client/machine/sampleEvents.js';
import { stateToString } from '../../src/client/machine/stateToString.js';

type MediaSnapshot = SnapshotFrom<typeof localMediaMachine>;
type MediaEventIn = ReturnType<typeof sampleLocalMediaEvents>[number]['event'];

const samples = sampleLocalMediaEvents();
/** For the pure traversal: with no call machine above it, what it would tell one goes nowhere. */
const alone = localMediaMachine.provide({ actions: { announce: () => {}, note: () => {}, passOn: () => {} } });
const graph = machineGraph(localMediaMachine);

/** Device events come only while the devices actor has something to report: the capture at first, then a request or a device. */
function devicesCouldSay(snapshot: MediaSnapshot, event: MediaEventIn): boolean {
  if (event.type.startsWith('media.')) return snapshot.matches('capturing');
  if (event.type.startsWith('device.')) return snapshot.matches('ready');
  return true;
}

const accepted = (snapshot: MediaSnapshot) => samples.filter(({ event }) => devicesCouldSay(snapshot, event) && snapshot.can(event));

interface Path {
  name: string;
  events: MediaEventIn[];
}

function allPaths(): Path[] {
  const shortest = getShortestPaths(alone, {
    events: (snapshot) => accepted(snapshot).map(({ event }) => event),
    serializeState: (snapshot) => stateToString(snapshot.value),
  }).map((path) => path.steps.slice(1).map((step) => step.event as MediaEventIn));
  return shortest.flatMap((events) => {
    let [end] = initialTransition(alone);
    for (const event of events) [end] = transition(alone, end, event);
    return accepted(end).map(({ label, event }) => ({
      name: [...events.map((e) => samples.find((s) => s.event === e)?.label ?? e.type), label].join(' → ') || label,
      events: [...events, event],
    }));
  });
}

/** Runs the machine under a host that records what it sends its parent. */
function run() {
  const told: CallEvent[] = [];
  const commands: DeviceCommand[] = [];
  const taken = new Set<string>();
  const visited = new Set<string>();
  const media = localMediaMachine.provide({
    actors: { devices: fromCallback<DeviceCommand>(({ receive }) => receive((command) => commands.push(command))) },
  });
  const host = createMachine({
    types: {} as { events: CallEvent },
    invoke: { id: 'media', src: media },
    on: { '*': { actions: ({ event }) => told.push(event) } },
  });
  const actor = createActor(host, {
    inspect: (inspection) => {
      if (inspection.type !== '@xstate.microstep' || inspection.actorRef === actor) return;
      for (const step of (inspection as { _transitions?: Parameters<typeof transitionId>[0][] })._transitions ?? []) taken.add(transitionId(step));
    },
  });
  actor.start();
  const child = () => actor.getSnapshot().children.media as AnyActorRef;
  const note = () => {
    const parts = stateToString((child().getSnapshot() as MediaSnapshot).value).split(' ');
    for (const part of parts) for (let i = 1; i <= part.split('.').length; i += 1) visited.add(part.split('.').slice(0, i).join('.'));
  };
  note();
  return {
    told,
    commands,
    taken,
    visited,
    send(event: MediaEventIn) {
      child().send(event);
      note();
    },
    snapshot: () => child().getSnapshot() as MediaSnapshot,
  };
}

const lastOf = <T extends { type: string }>(list: readonly T[], types: readonly string[]) => list.findLast((item) => types.includes(item.type));

/** What must hold after every step. */
function checkInvariants(media: ReturnType<typeof run>, step: string) {
  const snapshot = media.snapshot();
  if (snapshot.matches('unavailable')) {
    expect(lastOf(media.told, ['media.denied', 'media.missing', 'media.failed']), `${step}: the call machine is told why`).toBeDefined();
    return;
  }
  if (!snapshot.matches('ready')) {
    expect(media.told.filter((event) => event.type === 'media.changed'), `${step}: nothing announced before the camera is on`).toEqual([]);
    return;
  }
  const micOn = snapshot.matches({ ready: { microphone: 'on' } });
  const cameraOn = snapshot.matches({ ready: { camera: 'on' } });
  const screenOn = snapshot.matches({ ready: { screen: 'on' } });
  const screenBeside = snapshot.matches({ ready: { screen: { on: 'beside' } } });
  expect(media.told.some((event) => event.type === 'media.ready'), `${step}: media.ready passed on`).toBe(true);
  const announced = lastOf(media.told, ['media.changed']);
  const sent = { audio: micOn, video: cameraOn, screen: screenOn, screenBeside };
  expect(announced, `${step}: what is sent was announced`).toEqual({ type: 'media.changed', media: sent });
  expect(snapshot.context.media).toEqual(sent);
  expect(lastOf(media.commands, ['microphone']), `${step}: the microphone track follows`).toEqual({ type: 'microphone', enabled: micOn });
  const camera = lastOf(media.commands, ['camera.stop', 'camera.start'])?.type;
  if (snapshot.matches({ ready: { camera: 'off' } })) expect(camera, `${step}: camera off stops the track`).toBe('camera.stop');
  if (snapshot.matches({ ready: { camera: 'starting' } })) expect(camera, `${step}: camera starting captures`).toBe('camera.start');
  const screen = lastOf(media.commands, ['screen.stop', 'screen.start'])?.type;
  if (snapshot.matches({ ready: { screen: 'off' } })) expect(screen, `${step}: no screen shared`).toBe('screen.stop');
  if (snapshot.matches({ ready: { screen: 'starting' } })) expect(screen, `${step}: the browser is asked for a screen`).toBe('screen.start');
  if (screenOn) expect(screen, `${step}: the screen shared is the one asked for`).toBe('screen.start');
}

const paths = allPaths();

describe('the local media machine, path by path', () => {
  for (const path of paths) {
    it(path.name, () => {
      const media = run();
      checkInvariants(media, 'start');
      path.events.forEach((event, index) => {
        media.send(event);
        checkInvariants(media, `step ${index + 1} (${event.type})`);
      });
    });
  }
});

describe('local media model coverage', () => {
  it('visits every state and takes every transition', () => {
    const visited = new Set<string>();
    const taken = new Set<string>();
    for (const path of paths) {
      const media = run();
      for (const event of path.events) media.send(event);
      for (const state of media.visited) visited.add(state);
      for (const id of media.taken) taken.add(id);
    }
    const states = [...graph.states.values()].filter((state) => state.id !== graph.rootId);
    const missingStates = states.filter((state) => !visited.has(state.path)).map((state) => state.path);
    const missingTransitions = graph.transitions.filter((t) => !taken.has(t.id)).map((t) => t.id);
    console.log(
      `local media model coverage: states ${states.length - missingStates.length}/${states.length}, transitions ${graph.transitions.length - missingTransitions.length}/${graph.transitions.length}, paths ${paths.length}`,
    );
    expect(missingStates).toEqual([]);
    expect(missingTransitions).toEqual([]);
  });
});
