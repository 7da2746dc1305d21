import type { SnapshotFrom } from 'xstate';
import type { CallMachine } from './callMachine.js';

export interface CallStatus {
  text: string;
  tone: 'info' | 'ok' | 'error';
}

type Snapshot = SnapshotFrom<CallMachine>;

function describeCallRegion(snapshot: Snapshot): CallStatus {
  const { context } = snapshot;
  const remoteName = context.remote?.name && context.remote.name !== 'Guest' ? context.remote.name : 'the other person';
  const inCall = (state: 'negotiating' | 'connected' | 'interrupted' | 'restarting') =>
    snapshot.matches({ active: { room: { call: { inCall: state } } } });

  if (snapshot.matches({ active: { room: { call: 'joining' } } })) return { text: 'Joining the call…', tone: 'info' };
  if (snapshot.matches({ active: { room: { call: 'waiting' } } })) {
    return context.peerLeft
      ? { text: 'The other person left. Waiting for them to come back…', tone: 'info' }
      : { text: 'Waiting for the other person… Send them the link.', tone: 'info' };
  }
  if (inCall('negotiating')) return { text: `Connecting to ${remoteName}…`, tone: 'info' };
  if (inCall('connected')) return { text: `Connected with ${remoteName}`, tone: 'ok' };
  if (inCall('interrupted')) return { text: 'The connection was interrupted. Trying to get it back…', tone: 'info' };
  return { text: `The connection to ${remoteName} was lost. Reconnecting the call…`, tone: 'info' };
}

/** What the page says about the call in each state, in words for the person using it. */
export function describeCall(snapshot: Snapshot): CallStatus {
  const { context } = snapshot;
  const problem = (fallback: string): CallStatus => ({ text: context.problem ?? fallback, tone: 'error' });

  if (snapshot.matches('idle')) return { text: 'Press Start to turn on your camera and join the call.', tone: 'info' };
  if (snapshot.matches({ active: { room: { media: 'capturing' } } })) return { text: 'Turning on your camera and microphone…', tone: 'info' };
  if (snapshot.matches({ active: 'room' })) {
    const call = describeCallRegion(snapshot);
    if (!snapshot.matches({ active: { room: { server: 'reconnecting' } } })) return call;
    return snapshot.matches({ active: { room: { call: 'inCall' } } })
      ? { text: `Reconnecting to the server… (${call.text})`, tone: 'info' }
      : { text: 'Reconnecting to the server…', tone: 'info' };
  }
  if (snapshot.matches('mediaError')) return problem('The camera could not be started. Press Try again.');
  if (snapshot.matches('roomFull')) return problem('This call is full. Ask for a new link, or start a new call.');
  if (snapshot.matches('signalingLost')) return problem('The connection to the call server was lost. Press Try again.');
  if (snapshot.matches('failed')) return problem('The call could not be connected. Press Try again.');
  if (snapshot.matches('unreachable')) return problem('The call cannot get through between your two networks. Press Try again.');
  if (snapshot.matches('ended')) return { text: 'You left the call. Press Start to join it again.', tone: 'info' };
  return { text: '', tone: 'info' };
}
