/**
 * A call with several other people: one real peer machine each, spawned and stopped with them,
 * each pair with its own role, connection and fate, and messages routed by person.
 */
import { describe, expect, it } from 'vitest';
import { CALL_TIMING } from '../../src/client/machine/callMachine.js';
import { PEER_TIMING } from '../../src/client/machine/peerMachine.js';
import {
  ALICE,
  ANSWER,
  BOB,
  CANDIDATE,
  CAROL,
  DAN,
  FIRST,
  IN_ROOM,
  OFFER,
  PEER,
  SECOND,
  THIRD,
  callIn,
  peerInput,
  startCall,
  welcome,
  type Call,
} from './support/callHarness.js';

const EVERYONE = [FIRST, SECOND, THIRD];

/** Dan joins a room where Alice, Bob and Carol are: polite with each of them. */
function groupOfFour(connected = true): Call {
  const call = startCall({ room: 'family', name: 'Dan' });
  call.send({ type: 'user.start' }, { type: 'media.ready' }, welcome(DAN.peer_id, [ALICE, BOB, CAROL]));
  if (connected) for (const key of EVERYONE) call.peer(key, { type: 'peer.connected' });
  return call;
}

const statuses = (call: Call) => call.context().people.map((person) => `${person.name}: ${person.status}`);

describe('three other people', () => {
  it('the newcomer gets one peer machine and one polite peer connection for each person already there', () => {
    const call = groupOfFour(false);
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.context().people.map((person) => [person.key, person.peerId, person.polite])).toEqual([
      [FIRST, ALICE.peer_id, true],
      [SECOND, BOB.peer_id, true],
      [THIRD, CAROL.peer_id, true],
    ]);
    expect(Object.keys(call.actor.getSnapshot().children).filter((id) => id.startsWith('person-'))).toEqual(EVERYONE);
    expect(call.log.connections.map((connection) => connection.input)).toEqual(EVERYONE.map((key) => peerInput(key, true)));
  });

  it('is connected only when every pair is', () => {
    const call = groupOfFour(false);
    call.peer(FIRST, { type: 'peer.connected' });
    call.peer(SECOND, { type: 'peer.connected' });
    expect(call.state()).toBe(IN_ROOM.negotiating);
    call.peer(THIRD, { type: 'peer.connected' });
    expect(call.state()).toBe(IN_ROOM.connected);
    call.peer(SECOND, { type: 'peer.disconnected' });
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(statuses(call)).toEqual(['Alice: connected', 'Bob: interrupted', 'Carol: connected']);
    expect(call.peerState(FIRST)).toBe(PEER.connected);
    expect(call.peerState(SECOND)).toBe(PEER.interrupted);
  });

  it('whoever waited first is impolite with each person who joins after', () => {
    const call = callIn('connected');
    call.send({ type: 'signal.peerJoined', peer: CAROL }, { type: 'signal.peerJoined', peer: DAN });
    expect(call.context().people.map((person) => [person.peerId, person.polite])).toEqual([
      [BOB.peer_id, false],
      [CAROL.peer_id, false],
      [DAN.peer_id, false],
    ]);
    expect(call.state()).toBe(IN_ROOM.negotiating);
  });

  it('a newcomer joining a call already under way is polite with those there and impolite with those who come after', () => {
    const call = startCall();
    call.send({ type: 'user.start' }, { type: 'media.ready' }, welcome(CAROL.peer_id, [ALICE, BOB]), { type: 'signal.peerJoined', peer: DAN });
    expect(call.context().people.map((person) => person.polite)).toEqual([true, true, false]);
  });

  it('the camera coming on late reaches every peer connection', () => {
    const call = startCall();
    call.send({ type: 'user.start' }, welcome(DAN.peer_id, [ALICE, BOB, CAROL]));
    expect(call.log.connections.every((connection) => !connection.input.mediaReady)).toBe(true);
    call.send({ type: 'media.ready' });
    for (const key of EVERYONE) expect(call.peerLog(key).received).toEqual([{ type: 'addLocalMedia' }]);
    // And a person who joins after gets the media from the start.
    call.send({ type: 'signal.peerJoined', peer: { peer_id: 'eve-id', name: 'Eve' } });
    expect(call.connections('person-4')[0]?.input.mediaReady).toBe(true);
  });

  it('a later welcome hands the fresh ICE servers to every peer connection that goes on', () => {
    const call = groupOfFour();
    const fresh = [{ urls: 'turn:turn.example.test:3478', username: 'u2', credential: 'c2' }];
    call.send({ type: 'signal.disconnected' }, welcome(DAN.peer_id, [ALICE, BOB, CAROL], fresh));
    for (const key of EVERYONE) {
      expect(call.peerLog(key)).toEqual({ started: 1, stopped: 0, received: [{ type: 'configure', iceServers: fresh, iceTransportPolicy: 'all' }] });
    }
  });
});

describe('people leaving and coming back', () => {
  it('one leaves: only their peer machine and connection stop, and the others carry on connected', () => {
    const call = groupOfFour();
    call.send({ type: 'signal.peerLeft', peerId: BOB.peer_id });
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.actor.getSnapshot().children[SECOND]).toBeUndefined();
    expect(call.peerLog(SECOND)).toMatchObject({ started: 1, stopped: 1 });
    for (const key of [FIRST, THIRD]) {
      expect(call.peerState(key)).toBe(PEER.connected);
      expect(call.peerLog(key)).toEqual({ started: 1, stopped: 0, received: [] });
    }
    expect(statuses(call)).toEqual(['Alice: connected', 'Carol: connected']);
    expect(call.context().peerLeft).toBe(true);
  });

  it('one rejoins: a new peer machine (a new key, impolite: they came after us), and everyone is connected again', () => {
    const call = groupOfFour();
    call.send({ type: 'signal.peerLeft', peerId: BOB.peer_id }, { type: 'signal.peerJoined', peer: { peer_id: 'bob-id-2', name: 'Bob' } });
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.person('person-4')).toMatchObject({ peerId: 'bob-id-2', name: 'Bob', polite: false, status: 'negotiating' });
    expect(call.connections('person-4').map((connection) => connection.input)).toEqual([peerInput('person-4', false)]);
    call.peer('person-4', { type: 'peer.connected' });
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.context().people.map((person) => person.key)).toEqual([FIRST, THIRD, 'person-4']);
  });

  it('everyone leaving, one after the other, leads back to waiting with the camera on', () => {
    const call = groupOfFour();
    for (const peer of [ALICE, BOB]) {
      call.send({ type: 'signal.peerLeft', peerId: peer.peer_id });
      expect(call.state()).toBe(IN_ROOM.connected);
    }
    call.send({ type: 'signal.peerLeft', peerId: CAROL.peer_id });
    expect(call.state()).toBe(IN_ROOM.waiting);
    expect(call.running()).toBe(0);
    expect(call.log.camera.stopped).toBe(0);
  });

  it('hanging up stops every peer machine and connection', () => {
    const call = groupOfFour();
    call.send({ type: 'user.hangUp' });
    expect(call.state()).toBe('ended');
    expect(call.running()).toBe(0);
    expect(Object.keys(call.actor.getSnapshot().children)).toEqual([]);
  });
});

describe('a pair that gives up', () => {
  it('in a group does not end the call: the pair stays, marked, and the others carry on', () => {
    const call = groupOfFour(false);
    call.peer(FIRST, { type: 'peer.connected' });
    call.peer(SECOND, { type: 'peer.connected' });
    // No candidate pair with Carol ever worked.
    call.peer(THIRD, { type: 'peer.failed' });
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.peerState(THIRD)).toBe(PEER.unreachable);
    expect(call.person(THIRD)).toMatchObject({ status: 'unreachable', problem: expect.stringMatching(/^The call cannot get through/) });
    expect(call.context().problem).toBeNull();
    expect(call.peerLog(THIRD)).toMatchObject({ started: 1, stopped: 1 });
    expect(call.running()).toBe(2);
  });

  it('the last one giving up ends the call, in the way the last one gave up', () => {
    const call = groupOfFour(false);
    call.peer(THIRD, { type: 'peer.failed' });
    call.peer(FIRST, { type: 'peer.failed' });
    expect(call.state()).toBe(IN_ROOM.negotiating);
    call.peer(SECOND, { type: 'peer.connected' }, { type: 'peer.failed' });
    // Bob's pair was connected once: it restarts, then rebuilds, until it runs out.
    for (let rebuild = 0; rebuild <= PEER_TIMING.maxRebuilds; rebuild += 1) {
      expect(call.state()).toBe(IN_ROOM.negotiating);
      call.advance(PEER_TIMING.restartTimeout);
      if (rebuild < PEER_TIMING.maxRebuilds) call.peer(SECOND, { type: 'peer.failed' });
    }
    expect(call.state()).toBe('failed');
    expect(call.context().problem).toMatch(/could not be restored/);
    expect(call.running()).toBe(0);
    expect(call.log.camera.stopped).toBe(1);
  });

  it('a pair that ran out of rebuilds in a group stays failed while the call goes on', () => {
    const call = groupOfFour();
    for (let rebuild = 0; rebuild <= PEER_TIMING.maxRebuilds; rebuild += 1) {
      call.peer(FIRST, { type: 'peer.rejected', description: OFFER, detail: 'New session.' });
    }
    expect(call.peerState(FIRST)).toBe(PEER.failed);
    expect(statuses(call)).toEqual(['Alice: failed', 'Bob: connected', 'Carol: connected']);
    expect(call.state()).toBe(IN_ROOM.connected);
  });

  it('someone who leaves after the relay refused our pair is just someone leaving, while others are in the call', () => {
    const call = groupOfFour(false);
    call.peer(FIRST, { type: 'peer.connected' });
    call.peer(SECOND, { type: 'peer.relayFailed', detail: 'Refused.' });
    call.send({ type: 'signal.peerLeft', peerId: BOB.peer_id });
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(statuses(call)).toEqual(['Alice: connected', 'Carol: negotiating']);
  });
});

describe('away people after a server restart', () => {
  const ALICE_AGAIN = { peer_id: 'alice-id-2', name: 'Alice' };

  it('those not back within CALL_TIMING.awayGrace are forgotten; those back go on', () => {
    const call = groupOfFour();
    call.send({ type: 'signal.disconnected' }, welcome('dan-id-2', [ALICE_AGAIN]));
    expect(call.context().people.map((person) => person.peerId)).toEqual([ALICE_AGAIN.peer_id, null, null]);
    call.advance(CALL_TIMING.awayGrace - 1);
    expect(call.context().people).toHaveLength(3);
    expect(call.running()).toBe(3);
    call.advance(1);
    expect(call.context().people.map((person) => person.key)).toEqual([FIRST]);
    expect(call.actor.getSnapshot().children[SECOND]).toBeUndefined();
    expect(call.peerLog(SECOND).stopped).toBe(1);
    expect(call.peerLog(THIRD).stopped).toBe(1);
    expect(call.peerState(FIRST)).toBe(PEER.connected);
    expect(call.state()).toBe(IN_ROOM.connected);
  });

  it('someone back in time (by name) is not forgotten', () => {
    const call = groupOfFour();
    call.send({ type: 'signal.disconnected' }, welcome('dan-id-2', [ALICE_AGAIN]));
    call.advance(CALL_TIMING.awayGrace - 1);
    call.send({ type: 'signal.peerJoined', peer: { peer_id: 'bob-id-2', name: 'Bob' } });
    call.advance(1);
    expect(call.context().people.map((person) => [person.key, person.peerId])).toEqual([
      [FIRST, ALICE_AGAIN.peer_id],
      [SECOND, 'bob-id-2'],
    ]);
    expect(call.peerLog(SECOND)).toMatchObject({ started: 1, stopped: 0 });
  });

  it('everyone forgotten leads back to waiting', () => {
    const call = groupOfFour();
    call.send({ type: 'signal.disconnected' }, welcome('dan-id-2', []));
    call.advance(CALL_TIMING.awayGrace);
    expect(call.state()).toBe(IN_ROOM.waiting);
    expect(call.running()).toBe(0);
  });

  it('nobody is forgotten while the link is down, nor when nobody is away', () => {
    const call = groupOfFour();
    call.send({ type: 'signal.disconnected' });
    call.advance(CALL_TIMING.awayGrace * 2);
    expect(call.context().people).toHaveLength(3);
    call.send(welcome(DAN.peer_id, [ALICE, BOB, CAROL]));
    call.advance(CALL_TIMING.awayGrace * 2);
    expect(call.context().people).toHaveLength(3);
  });
});

describe('routing by person', () => {
  it('a description or candidate from someone reaches only their peer connection', () => {
    const call = groupOfFour();
    call.send(
      { type: 'signal.description', from: BOB.peer_id, description: OFFER },
      { type: 'signal.candidate', from: CAROL.peer_id, candidate: CANDIDATE },
    );
    expect(call.peerLog(FIRST).received).toEqual([]);
    expect(call.peerLog(SECOND).received).toEqual([{ type: 'remote.description', description: OFFER }]);
    expect(call.peerLog(THIRD).received).toEqual([{ type: 'remote.candidate', candidate: CANDIDATE }]);
  });

  it('what a peer connection says goes `to` its own person', () => {
    const call = groupOfFour();
    call.peer(THIRD, { type: 'peer.description', description: ANSWER });
    call.peer(FIRST, { type: 'peer.candidate', candidate: CANDIDATE });
    expect(call.log.signaling.sent).toEqual([
      { type: 'send.description', to: CAROL.peer_id, description: ANSWER },
      { type: 'send.candidate', to: ALICE.peer_id, candidate: CANDIDATE },
    ]);
  });

  it('goes to the person’s current id after a server restart, and nowhere while they are away', () => {
    const call = groupOfFour();
    call.send({ type: 'signal.disconnected' }, welcome('dan-id-2', [{ peer_id: 'bob-id-2', name: 'Bob' }]));
    call.peer(FIRST, { type: 'peer.candidate', candidate: CANDIDATE });
    call.peer(SECOND, { type: 'peer.candidate', candidate: CANDIDATE });
    call.peer(THIRD, { type: 'peer.description', description: OFFER });
    expect(call.log.signaling.sent).toEqual([{ type: 'send.candidate', to: 'bob-id-2', candidate: CANDIDATE }]);
    // Their old ids reach nobody.
    call.send({ type: 'signal.description', from: BOB.peer_id, description: OFFER }, { type: 'signal.description', from: ALICE.peer_id, description: OFFER });
    for (const key of EVERYONE) expect(call.peerLog(key).received.filter((command) => command.type === 'remote.description')).toEqual([]);
  });

  it('a restart in one pair restarts ICE only in that pair, and renews the link only once no one is connected', () => {
    const call = startCall();
    call.send({ type: 'user.start' }, { type: 'media.ready' }, welcome(DAN.peer_id, []));
    for (const peer of [ALICE, BOB, CAROL]) call.send({ type: 'signal.peerJoined', peer });
    for (const key of EVERYONE) call.peer(key, { type: 'peer.connected' });
    call.peer(SECOND, { type: 'peer.failed' });
    // The others are still connected: the fault is more likely Bob's than our network's.
    expect(call.log.signaling.sent).toEqual([]);
    expect(EVERYONE.map((key) => call.peerLog(key).received)).toEqual([[], [{ type: 'restartIce' }], []]);
    expect(EVERYONE.map((key) => call.peerState(key))).toEqual([PEER.connected, PEER.restarting, PEER.connected]);
    call.peer(FIRST, { type: 'peer.failed' });
    expect(call.log.signaling.sent).toEqual([]);
    call.peer(THIRD, { type: 'peer.failed' });
    expect(call.log.signaling.sent).toEqual([{ type: 'refresh' }]);
  });
});
