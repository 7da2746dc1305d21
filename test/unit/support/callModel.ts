/**
 * The call machine as the model-based tests walk it: the sample events (the user, the camera,
 * the server, and what the peer machines tell it), what could happen in each state, with at
 * most MAX_PEOPLE others in the room, and which snapshots count as one state.
 */
import type { SnapshotFrom } from 'xstate';
import { CALL_TIMING, type CallContext, type CallInput, type callMachine } from '../../../src/client/machine/callMachine.js';
import type { CallEvent } from '../../../src/client/machine/events.js';
import { live } from '../../../src/client/machine/roster.js';
import { newcomer, sampleEvents, samplePairEvents, type SampleEvent } from '../../../src/client/machine/sampleEvents.js';
import { stateToString } from '../../../src/client/machine/stateToString.js';
import { createModel, type DelayedEvent } from './modelPaths.js';
import { recordingCallMachine } from './recordingCall.js';

export type CallSnapshot = SnapshotFrom<typeof callMachine>;
type ModelEvent = CallEvent | DelayedEvent;

/** The most other people the walk lets into the room: enough for every rule of a group. */
export const MAX_PEOPLE = 2;

const online = (snapshot: CallSnapshot) => snapshot.matches({ active: { room: { server: 'online' } } });

/**
 * The server restarted and forgot everyone: a welcome with new ids for us and for those who are
 * back already (all, the first only, or nobody), by the same names. The ids alternate between
 * two sets, so that two restarts in a row are two restarts.
 */
function afterServerRestart(context: CallContext): SampleEvent[] {
  const round = context.selfId === 'peer-r1' ? 'r2' : 'r1';
  const welcome = (label: string, back: CallContext['people']): SampleEvent => ({
    label: `signal.welcome (server restarted, ${label})`,
    event: {
      type: 'signal.welcome',
      selfId: `peer-${round}`,
      peers: back.map((person) => ({ peer_id: `${round}-${person.key}`, name: person.name })),
      iceServers: [],
      iceTransportPolicy: 'all',
    },
  });
  return [
    welcome('everyone back with new ids', context.people),
    ...(context.people.length > 1 ? [welcome('only the first back', context.people.slice(0, 1))] : []),
    ...(context.people.length > 0 ? [welcome('nobody back yet', [])] : []),
  ];
}

/** What the last of several people's peer machine says, so that a group's pairs differ. */
function lastPersonEvents(context: CallContext): SampleEvent[] {
  const last = context.people.at(-1);
  if (!last || context.people.length < 2) return [];
  return (['connected', 'failed'] as const).map((status) => ({
    label: `pair.status (${status}, from the last person)`,
    event: { type: 'pair.status', key: last.key, status, relayRefused: false, encryptionFailed: false, problem: status === 'failed' ? 'Their pair failed (simulated).' : null },
  }));
}

/**
 * What could happen now. The server answers a JOIN with a welcome or a full room, so those come
 * only while the link is being made; anything else it says only once the link is up; the actor
 * may give up (`signal.lost`) at any time. A peer machine speaks only while it runs and has not
 * given up. The walk lets nobody join past MAX_PEOPLE.
 */
function couldHappen(snapshot: CallSnapshot, event: ModelEvent): boolean {
  const { context } = snapshot;
  // A call may begin before the camera is on (the welcome lists someone); the walk does the rest
  // of a call with the camera on, which the unit tests cover the other way.
  const capturing = snapshot.matches({ active: { room: { media: 'capturing' } } });
  if (capturing && (event.type.startsWith('pair.') || event.type === 'signal.peerJoined')) return false;
  // While the link is down a pair's status may change too, but the call machine takes it the
  // same whatever the link is doing: the walk changes statuses with the link up only.
  if (event.type === 'pair.status' && !online(snapshot)) return false;
  if (event.type.startsWith('pair.')) {
    const key = (event as { key: string }).key;
    return context.people.some((person) => person.key === key && live([person]).length === 1);
  }
  if (event.type === 'signal.peerJoined' && context.people.length >= MAX_PEOPLE) return false;
  // The server says nothing more of someone who left (the call machine may still hold them).
  if (event.type === 'signal.peerLeft' || event.type === 'signal.description' || event.type === 'signal.candidate') {
    const from = event.type === 'signal.peerLeft' ? event.peerId : event.from;
    if (context.people.some((person) => person.peerId === from && person.leaving)) return false;
  }
  if (!event.type.startsWith('signal.') || event.type === 'signal.disconnected' || event.type === 'signal.lost') return true;
  const linking = (['connecting', 'reconnecting'] as const).some((server) => snapshot.matches({ active: { room: { server } } }));
  return event.type === 'signal.welcome' || event.type === 'signal.roomFull' ? linking : online(snapshot);
}

/** How a pair's status matters to the call machine: its guards tell only these apart. */
function statusClass(person: CallContext['people'][number]): string {
  if (person.status === 'failed' || person.status === 'unreachable') return 'gave up';
  // A pair whose encryption failed holds its person until the verdict, should they leave.
  const encryption = person.encryptionFailed ? `, encryption failed${person.leaving ? ', left' : ''}` : '';
  if (person.status === 'connected') return `connected${encryption}`;
  if (encryption) return `trying${encryption}`;
  // Only a pair still negotiating after the relay refused it makes its person's leaving final.
  return person.relayRefused && person.status === 'negotiating' ? 'trying, relay refused' : 'trying';
}

/**
 * Which snapshots count as one state. Told apart: whether our seat is the one the samples'
 * welcomes resume (`peer-a`), whether someone left (only what waiting says), and for each
 * person what the call machine's guards look at: whether they are away (and then whether the
 * next newcomer has their name), and how their pair is doing (with a relay refusal while it
 * still negotiates). Ids, keys and roles only name people or are passed on; the invariants
 * check them on every step.
 */
function stateKey(snapshot: CallSnapshot): string {
  const { context } = snapshot;
  const next = newcomer(context).name;
  const people = context.people.map((person) =>
    [
      person.peerId === null ? `away${person.name === next ? ' named like the next newcomer' : ''}` : 'here',
      statusClass(person),
    ].join(' '),
  );
  const waiting = snapshot.matches({ active: { room: { call: 'waiting' } } });
  return [
    stateToString(snapshot.value),
    context.selfId === null ? 'no seat' : context.selfId === 'peer-a' ? 'seat peer-a' : 'another seat',
    waiting && context.peerLeft ? 'someone left' : '',
    ...people,
  ].join(' | ');
}

export const callModel = createModel<CallSnapshot, CallEvent, CallInput>({
  machine: recordingCallMachine,
  timing: CALL_TIMING,
  samples: (snapshot) => [
    ...sampleEvents(snapshot.context),
    ...afterServerRestart(snapshot.context),
    ...samplePairEvents(snapshot.context),
    ...lastPersonEvents(snapshot.context),
  ],
  couldHappen,
  stateKey,
});

