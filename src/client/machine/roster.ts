/**
 * Who is in the call with us, as the call machine keeps it: pure functions from what the server
 * says (a welcome, a person joining or leaving) to the new list and what must change with it
 * (peer machines to start, stop, or tell that their person is back). The rules of a 1:1 call
 * hold for every pair:
 * - the later joiner is the polite peer and makes the offer (PROTOCOL.md, Rooms);
 * - a resumed seat changes nothing; people who came meanwhile are the newcomers;
 * - back with a new seat while others kept theirs: they saw us leave and join again, so we start
 *   over with everyone, as the newcomer;
 * - back after the server forgot everyone (it restarted): the media never stopped, so each peer
 *   connection carries on with its person under their new id, found by name.
 */
import type { PeerInfo } from '../../shared/messages.js';
import type { MediaState } from '../../shared/peerMessages.js';
import { MEDIA_AT_START } from '../../shared/peerChannel.js';
import type { PairStatus } from './events.js';

export interface Person {
  /** Their peer machine's id, for the whole call: it stays when their server id changes. */
  key: string;
  /** Their id on the server now; null while they are away (the server forgot them, e.g. it restarted). */
  peerId: string | null;
  name: string;
  /** Whether we are the polite peer with them (we joined after them). */
  polite: boolean;
  status: PairStatus;
  relayRefused: boolean;
  /** The encryption with them failed; their pair's verdict (failed, with the code) is pending. */
  encryptionFailed: boolean;
  /**
   * They left the room before that verdict came: they stay until it does, so that the page says
   * the call could not be secured, with its code, rather than only that they left.
   */
  leaving: boolean;
  /** Why the connection with them gave up, when it did. */
  problem: string | null;
  /** What they send, as they told us over the data channel. */
  media: MediaState;
  /** The code both sides of the connection with them should see (verificationCode.ts). */
  verificationCode: string | null;
}

export interface Roster {
  people: Person[];
  /** Keys are `person-1`, `person-2`, …: never reused within a call. */
  nextKey: number;
}

export interface RosterChange extends Roster {
  /** New people: a peer machine starts for each. */
  spawned: Person[];
  /** People gone: their peer machines stop. */
  removed: string[];
  /** People reachable again: a restart that waited for them goes on. */
  back: string[];
}

export const EMPTY_ROSTER: Roster = { people: [], nextKey: 1 };

const unchanged = (roster: Roster): RosterChange => ({ ...roster, spawned: [], removed: [], back: [] });

function newPerson(roster: Roster, peer: PeerInfo, polite: boolean): { person: Person; nextKey: number } {
  const person: Person = {
    key: `person-${roster.nextKey}`,
    peerId: peer.peer_id,
    name: peer.name,
    polite,
    status: 'negotiating',
    relayRefused: false,
    encryptionFailed: false,
    leaving: false,
    problem: null,
    media: MEDIA_AT_START,
    verificationCode: null,
  };
  return { person, nextKey: roster.nextKey + 1 };
}

/** The away person this newcomer is, if exactly one away person has their name. */
function awayMatch(people: readonly Person[], peer: PeerInfo): Person | undefined {
  const candidates = people.filter((person) => person.peerId === null && person.name === peer.name);
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** Adds `peers` (unknown to the roster): each an away person found again by name, or someone new. */
function addPeers(roster: Roster, peers: readonly PeerInfo[], polite: boolean): RosterChange {
  let people = roster.people;
  let nextKey = roster.nextKey;
  const spawned: Person[] = [];
  const back: string[] = [];
  for (const peer of peers) {
    const away = awayMatch(people, peer);
    if (away) {
      people = people.map((person) => (person === away ? { ...person, peerId: peer.peer_id } : person));
      back.push(away.key);
      continue;
    }
    const made = newPerson({ people, nextKey }, peer, polite);
    people = [...people, made.person];
    nextKey = made.nextKey;
    spawned.push(made.person);
  }
  return { people, nextKey, spawned, removed: [], back };
}

export function afterWelcome(roster: Roster, previousSelfId: string | null, selfId: string, peers: readonly PeerInfo[]): RosterChange {
  const listed = new Set(peers.map((peer) => peer.peer_id));
  const known = new Set(roster.people.flatMap((person) => (person.peerId === null ? [] : [person.peerId])));
  const unknownPeers = peers.filter((peer) => !known.has(peer.peer_id));

  if (previousSelfId !== null && selfId === previousSelfId) {
    // Our seat was held: whoever is not listed left meanwhile; whoever is new came after us.
    const gone = roster.people.filter((person) => person.peerId !== null && !listed.has(person.peerId));
    const staying = roster.people.filter((person) => !gone.includes(person));
    const added = addPeers({ people: staying, nextKey: roster.nextKey }, unknownPeers, false);
    const stillThere = staying.filter((person) => person.peerId !== null).map((person) => person.key);
    return { ...added, removed: gone.map((person) => person.key), back: [...stillThere, ...added.back] };
  }

  if (roster.people.some((person) => person.peerId !== null && listed.has(person.peerId))) {
    // A new seat, and others kept theirs: to them we are a newcomer, so everything starts over.
    const fresh = addPeers({ people: [], nextKey: roster.nextKey }, peers, true);
    return { ...fresh, removed: roster.people.map((person) => person.key) };
  }

  // The server forgot everyone (or this is our first welcome): whoever is listed came back first.
  const away = roster.people.map((person) => ({ ...person, peerId: null }));
  return addPeers({ people: away, nextKey: roster.nextKey }, peers, true);
}

export function afterJoined(roster: Roster, peer: PeerInfo): RosterChange {
  if (roster.people.some((person) => person.peerId === peer.peer_id)) return unchanged(roster);
  return addPeers(roster, [peer], false);
}

export function afterLeft(roster: Roster, peerId: string): RosterChange {
  return without(roster, (person) => person.peerId === peerId);
}

/** A person who left while their pair's verdict was pending, now that it came. */
export function afterVerdict(roster: Roster, key: string): RosterChange {
  return without(roster, (person) => person.key === key && person.leaving);
}

function without(roster: Roster, isGone: (person: Person) => boolean): RosterChange {
  const gone = roster.people.filter(isGone);
  return {
    people: roster.people.filter((person) => !gone.includes(person)),
    nextKey: roster.nextKey,
    spawned: [],
    removed: gone.map((person) => person.key),
    back: [],
  };
}

/** Away people who never came back (e.g. closed the page while the server was down) are gone. */
export function withoutAway(roster: Roster): RosterChange {
  return without(roster, (person) => person.peerId === null);
}

/** The roster with one person's entry changed (nothing when the key is unknown). */
export function withPerson(roster: Roster, key: string, change: Partial<Omit<Person, 'key'>>): Roster {
  return { ...roster, people: roster.people.map((person) => (person.key === key ? { ...person, ...change } : person)) };
}

/** What a pair's status report changes in its person's entry. */
export type StatusReport = Pick<Person, 'status' | 'relayRefused' | 'encryptionFailed' | 'problem'>;

export function withStatus(roster: Roster, key: string, report: StatusReport): Roster {
  return withPerson(roster, key, report);
}

const GAVE_UP: readonly PairStatus[] = ['failed', 'unreachable'];

/** People whose connection has not given up. */
export const gaveUp = (status: PairStatus): boolean => GAVE_UP.includes(status);
export const live = (people: readonly Person[]): Person[] => people.filter((person) => !gaveUp(person.status));
