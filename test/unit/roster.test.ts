/**
 * Who is in the call, as roster.ts keeps it: each rule of its header, with one, two and three
 * other people, and the name matching after a server restart.
 */
import { describe, expect, it } from 'vitest';
import type { PeerInfo } from '../../src/shared/messages.js';
import {
  afterJoined,
  afterLeft,
  afterWelcome,
  EMPTY_ROSTER,
  live,
  withoutAway,
  withStatus,
  type Person,
  type Roster,
} from '../../src/client/machine/roster.js';

const SELF = 'me-1';
const NAMES = ['Bea', 'Cy', 'Dee'];
const peersOf = (count: number, suffix = ''): PeerInfo[] => NAMES.slice(0, count).map((name) => ({ peer_id: `${name.toLowerCase()}${suffix}`, name }));
const person = (key: number, peer: PeerInfo, polite: boolean, more: Partial<Person> = {}): Person => ({
  key: `person-${key}`,
  peerId: peer.peer_id,
  name: peer.name,
  polite,
  status: 'negotiating',
  relayRefused: false,
  encryptionFailed: false,
  leaving: false,
  problem: null,
  media: { audio: true, video: true, screen: false },
  verificationCode: null,
  ...more,
});
const report = (status: Person['status'], relayRefused: boolean, problem: string | null) => ({ status, relayRefused, encryptionFailed: false, problem });
const keys = (roster: Roster) => roster.people.map((someone) => someone.key);
/** A roster after a first welcome that listed `peers` (we came last: polite with each). */
const joinedLast = (peers: PeerInfo[]) => afterWelcome(EMPTY_ROSTER, null, SELF, peers);
/** A roster after we waited alone and `peers` joined one by one (impolite with each). */
const joinedFirst = (peers: PeerInfo[]) => peers.reduce<Roster>((roster, peer) => afterJoined(roster, peer), afterWelcome(EMPTY_ROSTER, null, SELF, []));

describe.each([1, 2, 3])('with %i other people', (count) => {
  const peers = peersOf(count);
  const again = peersOf(count, '-2');

  it('the later joiner is the polite peer: a first welcome spawns a polite peer machine for everyone already there, in order', () => {
    const change = joinedLast(peers);
    expect(change.people).toEqual(peers.map((peer, i) => person(i + 1, peer, true)));
    expect(change.spawned).toEqual(change.people);
    expect(change).toMatchObject({ removed: [], back: [], nextKey: count + 1 });
  });

  it('whoever joins after us is impolite with us: each join spawns one peer machine', () => {
    const roster = joinedFirst(peers);
    expect(roster.people).toEqual(peers.map((peer, i) => person(i + 1, peer, false)));
    const change = afterJoined(roster, { peer_id: 'eli', name: 'Eli' });
    expect(change.spawned).toEqual([person(count + 1, { peer_id: 'eli', name: 'Eli' }, false)]);
    expect(change.people).toEqual([...roster.people, ...change.spawned]);
  });

  it('a join announced twice changes nothing', () => {
    const roster = joinedFirst(peers);
    expect(afterJoined(roster, peers[0]!)).toEqual({ ...roster, spawned: [], removed: [], back: [] });
  });

  it('a resumed seat changes nothing: everyone is still there, the same, and told they are reachable again', () => {
    const roster = withStatus(joinedFirst(peers), 'person-1', report('connected', false, null));
    const change = afterWelcome(roster, SELF, SELF, peers);
    expect(change.people).toEqual(roster.people);
    expect(change).toMatchObject({ spawned: [], removed: [], back: keys(roster), nextKey: roster.nextKey });
  });

  it('a resumed welcome lists newcomers (we were there first: impolite with them) and drops the ones who left', () => {
    const roster = joinedLast(peers);
    const [leaver, ...stayers] = peers;
    const newcomer = { peer_id: 'eli', name: 'Eli' };
    const change = afterWelcome(roster, SELF, SELF, [newcomer, ...stayers]);
    expect(change.removed).toEqual(['person-1']);
    expect(change.people.map((someone) => someone.peerId)).toEqual([...stayers.map((peer) => peer.peer_id), newcomer.peer_id]);
    expect(change.spawned).toEqual([person(count + 1, newcomer, false)]);
    expect(change.back).toEqual(keys(roster).slice(1));
    expect(change.people.some((someone) => someone.peerId === leaver!.peer_id)).toBe(false);
  });

  it('seat lost: back with a new seat while the others kept theirs, we start over with everyone as the newcomer', () => {
    const roster = withStatus(joinedFirst(peers), 'person-1', report('connected', false, null));
    const change = afterWelcome(roster, SELF, 'me-2', peers);
    expect(change.removed).toEqual(keys(roster));
    expect(change.people).toEqual(peers.map((peer, i) => person(count + i + 1, peer, true)));
    expect(change.spawned).toEqual(change.people);
    expect(change.back).toEqual([]);
    expect(change.nextKey).toBe(2 * count + 1);
  });

  it('seat lost while some of the others left meanwhile: start over with those listed only', () => {
    const roster = joinedFirst(peers);
    const change = afterWelcome(roster, SELF, 'me-2', peers.slice(-1));
    expect(change.removed).toEqual(keys(roster));
    expect(change.people).toEqual([person(count + 1, peers.at(-1)!, true)]);
  });

  it('server restart: everyone back under new ids is found by name, on the same peer machines, keeping role and status', () => {
    const roster = withStatus(joinedFirst(peers), 'person-1', report('connected', false, null));
    const change = afterWelcome(roster, SELF, 'me-2', again);
    expect(change.people).toEqual(roster.people.map((someone, i) => ({ ...someone, peerId: again[i]!.peer_id })));
    expect(change).toMatchObject({ spawned: [], removed: [], back: keys(roster), nextKey: roster.nextKey });
  });

  it('server restart with nobody back yet: everyone is away (no id), and found again by name as they join', () => {
    const roster = joinedLast(peers);
    const away = afterWelcome(roster, SELF, 'me-2', []);
    expect(away.people).toEqual(roster.people.map((someone) => ({ ...someone, peerId: null })));
    expect(away).toMatchObject({ spawned: [], removed: [], back: [] });
    const back = afterJoined(away, again[0]!);
    expect(back.people[0]).toEqual({ ...roster.people[0], peerId: again[0]!.peer_id });
    expect(back).toMatchObject({ spawned: [], removed: [], back: ['person-1'] });
  });

  it('server restart: someone with a name nobody away has is someone new, polite when listed first, impolite when joining after', () => {
    const roster = joinedFirst(peers);
    const stranger = { peer_id: 'zed', name: 'Zed' };
    const listed = afterWelcome(roster, SELF, 'me-2', [stranger]);
    expect(listed.spawned).toEqual([person(count + 1, stranger, true)]);
    expect(listed.people.slice(0, count).every((someone) => someone.peerId === null)).toBe(true);
    const joined = afterJoined(afterWelcome(roster, SELF, 'me-2', []), stranger);
    expect(joined.spawned).toEqual([person(count + 1, stranger, false)]);
  });

  it('away people who never came back are forgotten, and their peer machines stop', () => {
    const roster = joinedFirst(peers);
    const partly = afterWelcome(roster, SELF, 'me-2', again.slice(1));
    const gone = withoutAway(partly);
    expect(gone.removed).toEqual(['person-1']);
    expect(keys(gone)).toEqual(keys(roster).slice(1));
    expect(withoutAway(gone)).toMatchObject({ removed: [], people: gone.people });
  });

  it('someone leaving stops only their peer machine; an unknown id changes nothing', () => {
    const roster = joinedFirst(peers);
    const change = afterLeft(roster, peers.at(-1)!.peer_id);
    expect(change.removed).toEqual([`person-${count}`]);
    expect(keys(change)).toEqual(keys(roster).slice(0, -1));
    expect(afterLeft(roster, 'nobody')).toEqual({ ...roster, spawned: [], removed: [], back: [] });
  });

  it('keys are never reused: someone who leaves and comes back is a new person', () => {
    const roster = joinedFirst(peers);
    const back = afterJoined(afterLeft(roster, peers[0]!.peer_id), peers[0]!);
    expect(back.spawned.map((someone) => someone.key)).toEqual([`person-${count + 1}`]);
  });
});

describe('name matching after a server restart', () => {
  const twins: PeerInfo[] = [
    { peer_id: 'sam-a', name: 'Sam' },
    { peer_id: 'sam-b', name: 'Sam' },
  ];

  it('two away people with the same name cannot be told apart: whoever comes back with it is someone new', () => {
    const roster = joinedFirst([...twins, { peer_id: 'bea', name: 'Bea' }]);
    const change = afterWelcome(roster, SELF, 'me-2', [
      { peer_id: 'sam-2', name: 'Sam' },
      { peer_id: 'bea-2', name: 'Bea' },
    ]);
    expect(change.back).toEqual(['person-3']);
    expect(change.spawned).toEqual([person(4, { peer_id: 'sam-2', name: 'Sam' }, true)]);
    expect(change.people.filter((someone) => someone.peerId === null).map((someone) => someone.key)).toEqual(['person-1', 'person-2']);
  });

  it('once one of the two is forgotten, the name is unique again', () => {
    const roster = afterWelcome(joinedFirst(twins), SELF, 'me-2', []);
    expect(afterJoined(roster, { peer_id: 'sam-2', name: 'Sam' }).spawned).toHaveLength(1);
    const one = withoutAway(afterWelcome(roster, SELF, 'me-2', [{ peer_id: 'sam-b2', name: 'Sam' }]));
    expect(one.people.map((someone) => someone.peerId)).toEqual(['sam-b2']);
    const another = afterWelcome(one, 'me-2', 'me-3', []);
    expect(afterJoined(another, { peer_id: 'sam-b3', name: 'Sam' })).toMatchObject({ spawned: [], back: [one.people[0]!.key] });
  });

  it('a unique name is matched only to someone away: a present person with the name is not taken over', () => {
    const roster = joinedFirst([{ peer_id: 'bea', name: 'Bea' }]);
    const change = afterJoined(roster, { peer_id: 'bea-2', name: 'Bea' });
    expect(change.spawned).toEqual([person(2, { peer_id: 'bea-2', name: 'Bea' }, false)]);
    expect(change.people[0]?.peerId).toBe('bea');
  });

  it('two of the same name back in one welcome: the first takes the one away, the second is new', () => {
    const roster = afterWelcome(joinedFirst([twins[0]!]), SELF, 'me-2', []);
    const change = afterWelcome(roster, SELF, 'me-2', [
      { peer_id: 'sam-2', name: 'Sam' },
      { peer_id: 'sam-3', name: 'Sam' },
    ]);
    expect(change.back).toEqual(['person-1']);
    expect(change.spawned.map((someone) => someone.peerId)).toEqual(['sam-3']);
  });
});

describe('statuses', () => {
  it('withStatus changes only that person; live leaves out those who gave up', () => {
    const roster = joinedFirst(peersOf(3));
    const failed = withStatus(roster, 'person-2', report('failed', false, 'No way.'));
    const unreachable = withStatus(failed, 'person-3', report('unreachable', true, 'Refused.'));
    expect(unreachable.people.map((someone) => someone.status)).toEqual(['negotiating', 'failed', 'unreachable']);
    expect(unreachable.people[2]).toMatchObject({ relayRefused: true, problem: 'Refused.' });
    expect(live(unreachable.people).map((someone) => someone.key)).toEqual(['person-1']);
    expect(withStatus(roster, 'person-9', report('failed', false, null)).people).toEqual(roster.people);
  });
});
