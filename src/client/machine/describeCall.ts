import type { SnapshotFrom } from 'xstate';
import type { CallMachine } from './callMachine.js';
import { live, type Person } from './roster.js';

export interface CallStatus {
  text: string;
  tone: 'info' | 'ok' | 'error';
}

type Snapshot = SnapshotFrom<CallMachine>;

const nameOf = (person: Person) => (person.name && person.name !== 'Guest' ? person.name : null);

/** "Ann", "Ann and Bo", "Ann, Bo and Cy"; unnamed people are "the other person" / "N others". */
export function listNames(people: readonly Person[]): string {
  if (people.length === 1) return nameOf(people[0]!) ?? 'the other person';
  const named = people.map(nameOf).filter((name): name is string => name !== null);
  const unnamed = people.length - named.length;
  const parts = unnamed === 0 ? named : [...named, unnamed === 1 ? (named.length ? 'one other' : 'the other person') : `${unnamed} others`];
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

function describeCallRegion(snapshot: Snapshot): CallStatus {
  const { context } = snapshot;
  if (snapshot.matches({ active: { room: { call: 'joining' } } })) return { text: 'Joining the call…', tone: 'info' };
  if (snapshot.matches({ active: { room: { call: 'waiting' } } })) {
    return context.peerLeft
      ? { text: 'The other person left. Waiting for them to come back…', tone: 'info' }
      : { text: 'Waiting for the other person… Send them the link.', tone: 'info' };
  }
  const trying = live(context.people);
  const connected = trying.filter((person) => person.status === 'connected');
  const reconnecting = trying.filter((person) => person.status === 'interrupted' || person.status === 'restarting');
  const connecting = trying.filter((person) => person.status === 'negotiating');
  const gaveUp = context.people.filter((person) => !trying.includes(person));
  const parts: string[] = [];
  if (connected.length) parts.push(`Connected with ${listNames(connected)}`);
  if (connecting.length) parts.push(`${parts.length ? 'connecting to' : 'Connecting to'} ${listNames(connecting)}…`);
  if (reconnecting.length) {
    parts.push(
      context.people.length === 1 && reconnecting[0]!.status === 'interrupted'
        ? 'The connection was interrupted. Trying to get it back…'
        : `${parts.length ? 'reconnecting' : 'The connection to'} ${listNames(reconnecting)}${parts.length ? '' : ' was lost. Reconnecting the call'}…`,
    );
  }
  if (gaveUp.length) parts.push(`could not connect to ${listNames(gaveUp)}`);
  const text = parts.join('; ');
  return { text: text.charAt(0).toUpperCase() + text.slice(1), tone: snapshot.matches({ active: { room: { call: { inCall: 'connected' } } } }) ? 'ok' : 'info' };
}

/** What the page says about the call in each state, in words for the person using it. */
export function describeCall(snapshot: Snapshot): CallStatus {
  const { context } = snapshot;
  const problem = (fallback: string): CallStatus => ({ text: context.problem ?? fallback, tone: 'error' });

  if (snapshot.matches('idle')) return { text: 'Type your name, then press Start to turn on your camera and join the call.', tone: 'info' };
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
