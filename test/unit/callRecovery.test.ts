/**
 * How a call survives trouble: the link to the server dropping and coming back (maybe to a
 * restarted server that gave everyone new ids), ICE losing its path, and the other side starting
 * over. Each rule holds for the pair with one person; the call machine and that person's peer
 * machine are both real. Time runs on a simulated clock, moved on by the tests.
 */
import { describe, expect, it } from 'vitest';
import { PEER_TIMING } from '../../src/client/machine/peerMachine.js';
import {
  ALICE,
  ANSWER,
  BOB,
  CANDIDATE,
  CAROL,
  FIRST,
  ICE,
  IN_ROOM,
  OFFER,
  PEER,
  RECONNECTING,
  SECOND,
  THIRD,
  callIn,
  peerInput,
  welcome,
  type Call,
} from './support/callHarness.js';

/** Bob again, after the server restarted and forgot everyone: same person, new id. */
const BOB_AGAIN = { peer_id: 'bob-id-2', name: 'Bob' };
/** What a welcome after a reconnect may bring besides new ids: other ICE servers. */
const NEW_ICE = [{ urls: 'turn:turn.example.test:3478', username: 'u', credential: 'c' }];
const REFRESH = { type: 'refresh' } as const;
const RESTART = { type: 'restartIce' } as const;
/** A welcome during the call hands its (fresh) ICE servers to the peer connection that goes on. */
const CONFIGURE = (iceServers = ICE) => ({ type: 'configure' as const, iceServers, iceTransportPolicy: 'all' as const });
const inputs = (call: Call) => call.log.connections.map((connection) => connection.input);

describe('the link to the server drops and comes back', () => {
  it('signal.disconnected only moves the server region: the call and its peer connection go on', () => {
    const call = callIn('connected');
    const context = call.context();
    call.send({ type: 'signal.disconnected' });
    expect(call.state()).toBe(RECONNECTING.connected);
    expect(call.context()).toEqual(context);
    expect(call.peerState(FIRST)).toBe(PEER.connected);
    expect(call.peerLog(FIRST)).toEqual({ started: 1, stopped: 0, received: [] });
    expect(call.log.signaling).toMatchObject({ stopped: 0 });
    expect(call.log.signaling.inputs).toHaveLength(1);
    expect(call.log.camera).toEqual({ started: 1, stopped: 0 });
    expect(call.log.view).not.toContain(`hideRemoteVideo ${FIRST}`);
  });

  it('keeps passing messages to the signaling actor meanwhile (it holds them until it is back)', () => {
    const call = callIn('reconnecting');
    call.peer(FIRST, { type: 'peer.candidate', candidate: CANDIDATE });
    expect(call.log.signaling.sent).toEqual([{ type: 'send.candidate', to: BOB.peer_id, candidate: CANDIDATE }]);
  });

  it('is online again on signal.welcome, and a resumed seat with the same people changes nothing', () => {
    const call = callIn('reconnecting');
    const context = call.context();
    call.send(welcome(ALICE.peer_id, [BOB]));
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.context()).toEqual(context);
    expect(call.peerLog(FIRST)).toEqual({ started: 1, stopped: 0, received: [CONFIGURE()] });
    expect(call.log.signaling.sent).toEqual([]);
    expect(call.log.view).not.toContain(`hideRemoteVideo ${FIRST}`);
  });

  it('a resumed seat as the polite side changes nothing either: same id, same peer connection, same role', () => {
    const call = callIn('connectedAsPolite');
    call.send({ type: 'signal.disconnected' });
    const context = call.context();
    call.send(welcome(BOB.peer_id, [ALICE]));
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.context()).toEqual(context);
    expect(call.context().selfId).toBe(BOB.peer_id);
    expect(call.person(FIRST)).toMatchObject({ peerId: ALICE.peer_id, polite: true });
    expect(call.peerLog(FIRST)).toEqual({ started: 1, stopped: 0, received: [CONFIGURE()] });
  });

  it('after a server restart, rebinds the pair to the other person’s new id (found by name) on the same peer connection', () => {
    const call = callIn('reconnecting');
    call.send(welcome('alice-id-2', [BOB_AGAIN]));
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.context().selfId).toBe('alice-id-2');
    expect(call.context().people).toEqual([expect.objectContaining({ key: FIRST, peerId: BOB_AGAIN.peer_id, polite: false, status: 'connected' })]);
    expect(call.peerContext(FIRST)?.rebuilds).toBe(0);
    expect(call.peerLog(FIRST)).toEqual({ started: 1, stopped: 0, received: [CONFIGURE()] });
    expect(call.log.view).not.toContain(`hideRemoteVideo ${FIRST}`);

    call.peer(FIRST, { type: 'peer.candidate', candidate: CANDIDATE });
    call.send(
      { type: 'signal.description', from: BOB.peer_id, description: OFFER },
      { type: 'signal.description', from: BOB_AGAIN.peer_id, description: OFFER },
    );
    expect(call.log.signaling.sent).toEqual([{ type: 'send.candidate', to: BOB_AGAIN.peer_id, candidate: CANDIDATE }]);
    expect(call.peerLog(FIRST).received).toEqual([CONFIGURE(), { type: 'remote.description', description: OFFER }]);
  });

  it('a new id for us with the other person not listed under their old id is a server restart, not a lost seat', () => {
    // Everyone got a new id; Carol came in meanwhile. Nobody there kept a seat of this call: the
    // media with Bob carries on under his new id, and Carol, who was back first, is called.
    const call = callIn('reconnecting');
    call.send(welcome('alice-id-2', [BOB_AGAIN, CAROL], NEW_ICE));
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.context()).toMatchObject({ selfId: 'alice-id-2', iceServers: NEW_ICE });
    expect(call.person(FIRST)).toMatchObject({ peerId: BOB_AGAIN.peer_id, polite: false, status: 'connected' });
    expect(call.person(SECOND)).toMatchObject({ peerId: CAROL.peer_id, polite: true, status: 'negotiating' });
    expect(call.peerLog(FIRST)).toEqual({ started: 1, stopped: 0, received: [CONFIGURE(NEW_ICE)] });
    expect(call.connections(SECOND).map((connection) => connection.input)).toEqual([peerInput(SECOND, true, { iceServers: NEW_ICE })]);
    expect(call.log.signaling.sent).toEqual([]);
  });

  it('when nobody is back yet, keeps the peer connection but sends nothing to anyone', () => {
    const call = callIn('reconnecting');
    call.send(welcome('alice-id-2', []));
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.person(FIRST)?.peerId).toBeNull();
    expect(call.context().peerLeft).toBe(false);
    expect(call.peerLog(FIRST)).toEqual({ started: 1, stopped: 0, received: [CONFIGURE()] });

    call.peer(
      FIRST,
      { type: 'peer.description', description: OFFER },
      { type: 'peer.candidate', candidate: CANDIDATE },
      { type: 'peer.candidate', candidate: null },
    );
    call.send({ type: 'signal.description', from: BOB.peer_id, description: ANSWER }, { type: 'signal.peerLeft', peerId: BOB.peer_id });
    expect(call.log.signaling.sent).toEqual([]);
    expect(call.peerLog(FIRST).received).toEqual([CONFIGURE()]);
    expect(call.state()).toBe(IN_ROOM.connected);
  });

  it('finds the other person again by name when they join while away; someone else who joins is someone new', () => {
    const call = callIn('reconnecting');
    call.send(welcome('alice-id-2', []), { type: 'signal.peerJoined', peer: BOB_AGAIN });
    expect(call.person(FIRST)?.peerId).toBe(BOB_AGAIN.peer_id);
    call.send({ type: 'signal.peerJoined', peer: CAROL });
    expect(call.person(FIRST)?.peerId).toBe(BOB_AGAIN.peer_id);
    expect(call.person(SECOND)).toMatchObject({ peerId: CAROL.peer_id, polite: false });
    expect(call.peerLog(FIRST)).toEqual({ started: 1, stopped: 0, received: [CONFIGURE()] });

    call.peer(FIRST, { type: 'peer.description', description: OFFER });
    expect(call.log.signaling.sent).toEqual([{ type: 'send.description', to: BOB_AGAIN.peer_id, description: OFFER }]);
  });

  it('while waiting, reconnects and calls whoever came in meanwhile, as the polite peer', () => {
    const call = callIn('waiting');
    call.send({ type: 'signal.disconnected' });
    expect(call.state()).toBe(RECONNECTING.waiting);
    expect(call.log.signaling.stopped).toBe(0);
    call.send(welcome('alice-id-2', [BOB]));
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.context().selfId).toBe('alice-id-2');
    expect(call.person(FIRST)).toMatchObject({ peerId: BOB.peer_id, polite: true });
    expect(inputs(call)).toEqual([peerInput(FIRST, true)]);
  });

  it('while waiting with nobody there, is simply online and waiting again', () => {
    const call = callIn('waiting');
    call.send({ type: 'signal.disconnected' }, welcome(ALICE.peer_id, []));
    expect(call.state()).toBe(IN_ROOM.waiting);
    expect(call.log.connections).toEqual([]);
  });

  it('cannot lose a link it has not made yet: signal.disconnected while joining changes nothing', () => {
    const call = callIn('joining');
    call.send({ type: 'signal.disconnected' });
    expect(call.state()).toBe(IN_ROOM.joining);
  });
});

describe('ICE restart', () => {
  it('the impolite side asks its peer connection for an ICE restart on entering restarting', () => {
    const call = callIn('interrupted');
    expect(call.peerLog(FIRST).received).toEqual([]);
    call.peer(FIRST, { type: 'peer.failed' });
    expect(call.peerState(FIRST)).toBe(PEER.restarting);
    expect(call.person(FIRST)?.status).toBe('restarting');
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.peerLog(FIRST)).toEqual({ started: 1, stopped: 0, received: [RESTART] });
  });

  it('the polite side waits for the other side’s restart offer instead', () => {
    const call = callIn('restartingAsPolite');
    expect(call.peerState(FIRST)).toBe(PEER.restarting);
    expect(call.peerLog(FIRST).received).toEqual([]);
    call.send({ type: 'signal.disconnected' }, welcome(BOB.peer_id, [ALICE]));
    expect(call.peerLog(FIRST).received).toEqual([CONFIGURE()]);
    call.send({ type: 'signal.description', from: ALICE.peer_id, description: OFFER });
    expect(call.peerLog(FIRST).received).toEqual([CONFIGURE(), { type: 'remote.description', description: OFFER }]);
  });

  it.each(['connected', 'interrupted'] as const)('peer.failed while %s restarts ICE', (point) => {
    const call = callIn(point);
    call.peer(FIRST, { type: 'peer.failed' });
    expect(call.peerState(FIRST)).toBe(PEER.restarting);
    expect(call.peerLog(FIRST).received).toEqual([RESTART]);
  });

  it('peer.failed while negotiating again, on a pair that was connected before, restarts ICE', () => {
    const call = callIn('restarting');
    call.advance(PEER_TIMING.restartTimeout);
    expect(call.peerState(FIRST)).toBe(PEER.negotiating);
    call.peer(FIRST, { type: 'peer.failed' });
    expect(call.peerState(FIRST)).toBe(PEER.restarting);
    // One to the connection that was rebuilt, one to the rebuilt connection.
    expect(call.peerLog(FIRST)).toMatchObject({ started: 2, received: [RESTART, RESTART] });
  });

  it('gives an interrupted connection exactly PEER_TIMING.iceGrace to come back by itself', () => {
    const call = callIn('interrupted');
    call.advance(PEER_TIMING.iceGrace - 1);
    expect(call.peerState(FIRST)).toBe(PEER.interrupted);
    expect(call.peerLog(FIRST).received).toEqual([]);
    call.advance(1);
    expect(call.peerState(FIRST)).toBe(PEER.restarting);
    expect(call.peerLog(FIRST).received).toEqual([RESTART]);
  });

  it('forgets the grace period when the connection comes back in time', () => {
    const call = callIn('interrupted');
    call.advance(PEER_TIMING.iceGrace - 1);
    call.peer(FIRST, { type: 'peer.connected' });
    call.advance(PEER_TIMING.iceGrace);
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.peerState(FIRST)).toBe(PEER.connected);
    expect(call.peerLog(FIRST).received).toEqual([]);
  });

  it('restarts ICE when negotiating takes longer than PEER_TIMING.connectTimeout', () => {
    const call = callIn('negotiatingAsImpolite');
    call.advance(PEER_TIMING.connectTimeout - 1);
    expect(call.peerState(FIRST)).toBe(PEER.negotiating);
    call.advance(1);
    expect(call.peerState(FIRST)).toBe(PEER.restarting);
    expect(call.peerLog(FIRST).received).toEqual([RESTART]);
  });

  it('asks again when the server comes back during a restart: what was sent meanwhile may be lost', () => {
    const call = callIn('restarting');
    call.send({ type: 'signal.disconnected' });
    expect(call.state()).toBe(RECONNECTING.negotiating);
    call.send(welcome(ALICE.peer_id, [BOB]));
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.peerState(FIRST)).toBe(PEER.restarting);
    expect(call.peerLog(FIRST).received).toEqual([RESTART, CONFIGURE(), RESTART]);
  });

  it('during a restart, follows the other person to their new id before asking again', () => {
    const call = callIn('restarting');
    call.send({ type: 'signal.disconnected' }, welcome('alice-id-2', [BOB_AGAIN]));
    expect(call.peerState(FIRST)).toBe(PEER.restarting);
    expect(call.context().selfId).toBe('alice-id-2');
    expect(call.person(FIRST)).toMatchObject({ peerId: BOB_AGAIN.peer_id, polite: false });
    expect(call.peerContext(FIRST)?.rebuilds).toBe(0);
    expect(call.peerLog(FIRST)).toEqual({ started: 1, stopped: 0, received: [RESTART, CONFIGURE(), RESTART] });
    call.peer(FIRST, { type: 'peer.description', description: OFFER });
    expect(call.log.signaling.sent).toEqual([REFRESH, { type: 'send.description', to: BOB_AGAIN.peer_id, description: OFFER }]);
  });

  it('during a restart with nobody back, does not ask for a restart nobody would hear', () => {
    const call = callIn('restarting');
    call.send({ type: 'signal.disconnected' }, welcome('alice-id-2', []));
    expect(call.person(FIRST)?.peerId).toBeNull();
    expect(call.peerLog(FIRST).received).toEqual([RESTART, CONFIGURE()]);
    // When they are back, it asks.
    call.send({ type: 'signal.peerJoined', peer: BOB_AGAIN });
    expect(call.peerLog(FIRST).received).toEqual([RESTART, CONFIGURE(), RESTART]);
  });

  it('is connected again when the restart works, with the same peer connection and the timer gone', () => {
    const call = callIn('restarting');
    call.peer(FIRST, { type: 'peer.connected' });
    expect(call.state()).toBe(IN_ROOM.connected);
    call.advance(PEER_TIMING.restartTimeout);
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.peerLog(FIRST)).toEqual({ started: 1, stopped: 0, received: [RESTART] });
  });

  it('rebuilds the peer connection when a restart takes longer than PEER_TIMING.restartTimeout', () => {
    const call = callIn('restarting');
    call.advance(PEER_TIMING.restartTimeout - 1);
    expect(call.peerState(FIRST)).toBe(PEER.restarting);
    expect(call.peerLog(FIRST).stopped).toBe(0);
    call.advance(1);
    expect(call.peerState(FIRST)).toBe(PEER.negotiating);
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.peerLog(FIRST)).toMatchObject({ started: 2, stopped: 1 });
    expect(inputs(call)).toEqual([peerInput(FIRST, false), peerInput(FIRST, false)]);
    expect(call.peerContext(FIRST)).toMatchObject({ rebuilds: 1, problem: null });
    expect(call.person(FIRST)).toMatchObject({ peerId: BOB.peer_id, status: 'negotiating' });
    expect(call.log.view.at(-1)).toBe(`hideRemoteVideo ${FIRST}`);
    expect(call.log.camera).toEqual({ started: 1, stopped: 0 });
    expect(call.log.signaling.stopped).toBe(0);
  });

  it('fails after PEER_TIMING.maxRebuilds rebuilds that did not connect, says why and releases everything', () => {
    const call = callIn('restarting');
    for (let rebuild = 1; rebuild <= PEER_TIMING.maxRebuilds; rebuild += 1) {
      call.advance(PEER_TIMING.restartTimeout);
      expect(call.peerState(FIRST)).toBe(PEER.negotiating);
      expect(call.peerContext(FIRST)?.rebuilds).toBe(rebuild);
      call.advance(PEER_TIMING.connectTimeout);
      expect(call.peerState(FIRST)).toBe(PEER.restarting);
    }
    call.advance(PEER_TIMING.restartTimeout);
    expect(call.state()).toBe('failed');
    expect(call.context().problem).toMatch(/could not be restored/);
    expect(call.peerLog(FIRST)).toMatchObject({ started: PEER_TIMING.maxRebuilds + 1, stopped: PEER_TIMING.maxRebuilds + 1 });
    expect(call.log.signaling.stopped).toBe(1);
    expect(call.log.camera.stopped).toBe(1);
  });

  it('starts counting rebuilds again once connected', () => {
    const call = callIn('restarting');
    call.advance(PEER_TIMING.restartTimeout);
    expect(call.peerContext(FIRST)?.rebuilds).toBe(1);
    call.peer(FIRST, { type: 'peer.connected' });
    expect(call.peerContext(FIRST)?.rebuilds).toBe(0);
    call.peer(FIRST, { type: 'peer.failed' });
    for (let rebuild = 1; rebuild <= PEER_TIMING.maxRebuilds; rebuild += 1) {
      call.advance(PEER_TIMING.restartTimeout);
      expect(call.peerState(FIRST)).toBe(PEER.negotiating);
      call.peer(FIRST, { type: 'peer.failed' });
    }
    expect(call.peerState(FIRST)).toBe(PEER.restarting);
    call.advance(PEER_TIMING.restartTimeout);
    expect(call.state()).toBe('failed');
  });
});

describe('refreshing the link to the server when an ICE restart starts', () => {
  // A dead media path often means the network changed, and the old socket may be dead without
  // the browser knowing it: the signaling actor is asked once to open a new one and resume.
  const ways: [string, (call: Call) => void][] = [
    [
      'peer.failed while connected',
      (call) => {
        call.send({ type: 'signal.peerJoined', peer: BOB });
        call.peer(FIRST, { type: 'peer.connected' }, { type: 'peer.failed' });
      },
    ],
    [
      'PEER_TIMING.iceGrace running out',
      (call) => {
        call.send({ type: 'signal.peerJoined', peer: BOB });
        call.peer(FIRST, { type: 'peer.connected' }, { type: 'peer.disconnected' });
        call.advance(PEER_TIMING.iceGrace);
      },
    ],
    [
      'PEER_TIMING.connectTimeout running out',
      (call) => {
        call.send({ type: 'signal.peerJoined', peer: BOB });
        call.advance(PEER_TIMING.connectTimeout);
      },
    ],
  ];
  it.each(ways)('the impolite side asks for one refresh on %s', (_, drive) => {
    const call = callIn('waiting');
    drive(call);
    expect(call.peerState(FIRST)).toBe(PEER.restarting);
    expect(call.log.signaling.sent).toEqual([REFRESH]);
    expect(call.peerLog(FIRST).received).toEqual([RESTART]);
  });

  it('the polite side asks for one refresh too, though it leaves the ICE restart to the other side', () => {
    const call = callIn('connectedAsPolite');
    expect(call.log.signaling.sent).toEqual([]);
    call.peer(FIRST, { type: 'peer.failed' });
    expect(call.peerState(FIRST)).toBe(PEER.restarting);
    expect(call.log.signaling.sent).toEqual([REFRESH]);
    expect(call.peerLog(FIRST).received).toEqual([]);
  });

  it.each(['restarting', 'restartingAsPolite'] as const)('asks no more while %s goes on, whatever the server says', (point) => {
    const call = callIn(point);
    expect(call.log.signaling.sent).toEqual([REFRESH]);
    const [self, other] = point === 'restarting' ? [ALICE, BOB] : [BOB, ALICE];
    const otherAgain = { peer_id: `${other.peer_id}-2`, name: other.name };
    // What the refresh itself leads to: the link drops and the seat is resumed.
    call.send({ type: 'signal.disconnected' }, welcome(self.peer_id, [other]));
    // The server restarts and comes back without the other person, then they come back.
    call.send({ type: 'signal.disconnected' }, welcome(`${self.peer_id}-2`, []), { type: 'signal.peerJoined', peer: otherAgain });
    call.send({ type: 'signal.candidate', from: otherAgain.peer_id, candidate: CANDIDATE });
    call.peer(FIRST, { type: 'peer.track' });
    call.advance(PEER_TIMING.restartTimeout - 1);
    expect(call.peerState(FIRST)).toBe(PEER.restarting);
    expect(call.log.signaling.sent).toEqual([REFRESH]);
  });

  it('asks again each time a restart starts anew, and not when the restart ends', () => {
    const call = callIn('restarting');
    call.peer(FIRST, { type: 'peer.connected' });
    expect(call.log.signaling.sent).toEqual([REFRESH]);
    call.peer(FIRST, { type: 'peer.failed' });
    expect(call.log.signaling.sent).toEqual([REFRESH, REFRESH]);
    // Rebuilt after the restart timed out: a new peer connection, negotiating, no refresh.
    call.advance(PEER_TIMING.restartTimeout);
    expect(call.peerState(FIRST)).toBe(PEER.negotiating);
    expect(call.log.signaling.sent).toEqual([REFRESH, REFRESH]);
    call.advance(PEER_TIMING.connectTimeout);
    expect(call.peerState(FIRST)).toBe(PEER.restarting);
    expect(call.log.signaling.sent).toEqual([REFRESH, REFRESH, REFRESH]);
  });

  it('asks for nothing when the server link merely drops', () => {
    const call = callIn('connected');
    call.send({ type: 'signal.disconnected' }, welcome(ALICE.peer_id, [BOB]));
    call.peer(FIRST, { type: 'peer.disconnected' }, { type: 'peer.connected' });
    expect(call.log.signaling.sent).toEqual([]);
  });
});

describe('back with a new seat while the other person kept theirs', () => {
  // Our seat expired while we were away: the other person saw us leave and join again, so they
  // start a fresh call with us as the newcomer, and we start one as the polite peer that offers.
  const NEW_SEAT = 'new-seat-id';
  const sides = {
    connected: { self: ALICE, other: BOB },
    connectedAsPolite: { self: BOB, other: ALICE },
  } as const;

  it.each(['connected', 'connectedAsPolite'] as const)('while %s: a new peer machine and connection, polite, from no description', (point) => {
    const { self, other } = sides[point];
    const call = callIn(point);
    call.peer(FIRST, { type: 'peer.track' });
    call.send({ type: 'signal.disconnected' });
    const before = call.context();
    expect(before.selfId).toBe(self.peer_id);
    call.send(welcome(NEW_SEAT, [other], NEW_ICE));
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.actor.getSnapshot().children[FIRST]).toBeUndefined();
    expect(call.peerState(SECOND)).toBe(PEER.negotiating);
    expect(call.peerLog(FIRST)).toMatchObject({ started: 1, stopped: 1 });
    expect(inputs(call)).toEqual([peerInput(FIRST, point === 'connectedAsPolite'), peerInput(SECOND, true, { iceServers: NEW_ICE })]);
    expect(call.context()).toEqual({
      ...before,
      selfId: NEW_SEAT,
      iceServers: NEW_ICE,
      people: [
        {
          key: SECOND,
          peerId: other.peer_id,
          name: other.name,
          polite: true,
          status: 'negotiating',
          relayRefused: false,
          encryptionFailed: false,
          leaving: false,
          problem: null,
          media: { audio: true, video: true, screen: false },
          verificationCode: null,
        },
      ],
      nextKey: 3,
    });
    expect(call.log.signaling).toMatchObject({ stopped: 0, sent: [] });
    expect(call.log.camera).toEqual({ started: 1, stopped: 0 });

    // The new connection's offer goes to the other person, and theirs come through.
    call.peer(SECOND, { type: 'peer.description', description: OFFER });
    call.send({ type: 'signal.description', from: other.peer_id, description: ANSWER });
    expect(call.log.signaling.sent).toEqual([{ type: 'send.description', to: other.peer_id, description: OFFER }]);
    expect(call.peerLog(SECOND).received).toEqual([{ type: 'remote.description', description: ANSWER }]);
  });

  it('is not a rebuild: the new pair starts with every rebuild still to spend', () => {
    const call = callIn('restarting');
    call.advance(PEER_TIMING.restartTimeout);
    call.peer(FIRST, { type: 'peer.failed' });
    expect(call.peerContext(FIRST)?.rebuilds).toBe(1);
    call.send({ type: 'signal.disconnected' }, welcome(NEW_SEAT, [BOB]));
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.context().selfId).toBe(NEW_SEAT);
    expect(call.person(SECOND)).toMatchObject({ peerId: BOB.peer_id, polite: true });
    expect(call.peerContext(SECOND)?.rebuilds).toBe(0);
    expect(call.log.connections).toHaveLength(3);
    expect(call.running()).toBe(1);
  });

  it('while restarting: the same for everyone listed, and the old connection’s ICE restart is not asked for again', () => {
    const call = callIn('restarting');
    expect(call.log.signaling.sent).toEqual([REFRESH]);
    // The refresh drops the link; the server gives us a new seat and still lists Bob, and Carol came.
    call.send({ type: 'signal.disconnected' }, welcome(NEW_SEAT, [CAROL, BOB], NEW_ICE));
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.peerLog(FIRST)).toEqual({ started: 1, stopped: 1, received: [RESTART] });
    expect(call.context().people).toEqual([
      expect.objectContaining({ key: SECOND, peerId: CAROL.peer_id, polite: true }),
      expect.objectContaining({ key: THIRD, peerId: BOB.peer_id, polite: true }),
    ]);
    expect(inputs(call).slice(1)).toEqual([peerInput(SECOND, true, { iceServers: NEW_ICE }), peerInput(THIRD, true, { iceServers: NEW_ICE })]);
    // No second refresh: the new connections are negotiating, not restarting.
    expect(call.log.signaling.sent).toEqual([REFRESH]);
    // And the restart's timer went with the old connection.
    call.advance(PEER_TIMING.restartTimeout);
    expect(call.log.connections).toHaveLength(3);
  });

  it('while restarting as the polite side: a new peer connection all the same', () => {
    const call = callIn('restartingAsPolite');
    call.send({ type: 'signal.disconnected' }, welcome(NEW_SEAT, [ALICE]));
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.peerLog(FIRST)).toEqual({ started: 1, stopped: 1, received: [] });
    expect(inputs(call).at(-1)).toEqual(peerInput(SECOND, true));
    expect(call.person(SECOND)).toMatchObject({ peerId: ALICE.peer_id, polite: true });
  });

  it('a resumed seat during a restart changes nothing but asks for the restart again', () => {
    const call = callIn('restarting');
    call.send({ type: 'signal.disconnected' });
    const context = call.context();
    call.send(welcome(ALICE.peer_id, [BOB]));
    expect(call.peerState(FIRST)).toBe(PEER.restarting);
    expect(call.context()).toEqual(context);
    expect(call.peerLog(FIRST)).toEqual({ started: 1, stopped: 0, received: [RESTART, CONFIGURE(), RESTART] });
  });

  it('a second welcome for the same new seat is a resume, not another start over', () => {
    const call = callIn('connected');
    call.send({ type: 'signal.disconnected' }, welcome(NEW_SEAT, [BOB]));
    const context = call.context();
    call.send({ type: 'signal.disconnected' }, welcome(NEW_SEAT, [BOB]));
    expect(call.context()).toEqual(context);
    expect(call.log.connections).toHaveLength(2);
    expect(call.running()).toBe(1);
  });
});

describe('the other side starts over (peer.rejected)', () => {
  const REJECTED = { type: 'peer.rejected', description: OFFER, detail: 'Unknown session.' } as const;

  it('rebuilds the peer connection starting from their offer', () => {
    const call = callIn('connected');
    call.peer(FIRST, REJECTED);
    expect(call.peerState(FIRST)).toBe(PEER.negotiating);
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.peerLog(FIRST)).toMatchObject({ started: 2, stopped: 1 });
    expect(inputs(call)).toEqual([peerInput(FIRST, false), peerInput(FIRST, false, { initialDescription: OFFER })]);
    // Handed over once: a later rebuild must not start from it again.
    expect(call.peerContext(FIRST)).toMatchObject({ pendingDescription: null, rebuilds: 1, problem: null });
    expect(call.person(FIRST)?.peerId).toBe(BOB.peer_id);
    call.advance(PEER_TIMING.connectTimeout);
    call.advance(PEER_TIMING.restartTimeout);
    expect(inputs(call)).toHaveLength(3);
    expect(inputs(call).at(-1)).toEqual(peerInput(FIRST, false));
  });

  it('rebuilds from scratch when what they sent was an answer, keeping the polite role', () => {
    const call = callIn('connectedAsPolite');
    call.peer(FIRST, { type: 'peer.rejected', description: ANSWER, detail: 'Answer for another offer.' });
    expect(call.peerState(FIRST)).toBe(PEER.negotiating);
    expect(inputs(call)).toEqual([peerInput(FIRST, true), peerInput(FIRST, true)]);
    expect(call.peerLog(FIRST).stopped).toBe(1);
  });

  it('rebuilds during an ICE restart too', () => {
    const call = callIn('restarting');
    call.peer(FIRST, REJECTED);
    expect(call.peerState(FIRST)).toBe(PEER.negotiating);
    expect(inputs(call).at(-1)).toEqual(peerInput(FIRST, false, { initialDescription: OFFER }));
  });

  it('fails with the reason after PEER_TIMING.maxRebuilds rebuilds in a row', () => {
    const call = callIn('negotiatingAsPolite');
    for (let rebuild = 0; rebuild < PEER_TIMING.maxRebuilds; rebuild += 1) {
      call.peer(FIRST, REJECTED);
      expect(call.peerState(FIRST)).toBe(PEER.negotiating);
    }
    call.peer(FIRST, { type: 'peer.rejected', description: OFFER, detail: 'Their session cannot be joined.' });
    expect(call.state()).toBe('failed');
    expect(call.context().problem).toBe('The call could not be set up again with the other person. Press Try again.');
    expect(call.running()).toBe(0);
    expect(call.log.camera.stopped).toBe(1);
  });
});

describe('remembering the call across a reload', () => {
  it('remembers the call each time the person is in it, and forgets it only when they hang up', () => {
    const call = callIn('connected');
    expect(call.log.session).toEqual(['rememberCall']);
    call.send({ type: 'user.hangUp' });
    expect(call.log.session).toEqual(['rememberCall', 'forgetCall']);
    call.send({ type: 'user.start' });
    expect(call.log.session).toEqual(['rememberCall', 'forgetCall', 'rememberCall']);
  });

  it('keeps remembering it through a failure, so a reload tries again', () => {
    const call = callIn('connected');
    call.send({ type: 'signal.lost', reason: 'Gone.' });
    expect(call.state()).toBe('signalingLost');
    call.send({ type: 'user.retry' }, { type: 'media.denied', detail: 'Blocked.' });
    expect(call.log.session).toEqual(['rememberCall', 'rememberCall']);
  });

  it('forgets a call whose room is full', () => {
    const call = callIn('joining');
    call.send({ type: 'signal.roomFull', message: 'Full.' });
    expect(call.log.session).toEqual(['rememberCall', 'forgetCall']);
  });
});

describe('hanging up during recovery', () => {
  const cases: [string, (call: Call) => void][] = [
    ['a rebuilt pair', (call) => call.peer(FIRST, { type: 'peer.rejected', description: OFFER, detail: 'x' })],
    ['a call whose other person is away', (call) => call.send({ type: 'signal.disconnected' }, welcome('alice-id-2', []))],
    [
      'a restart while the server is away',
      (call) => {
        call.peer(FIRST, { type: 'peer.failed' });
        call.send({ type: 'signal.disconnected' });
      },
    ],
  ];
  it.each(cases)('from %s releases camera, signaling and peer connection, and no timer fires later', (_, drive) => {
    const call = callIn('connected');
    drive(call);
    const received = call.peerLog(FIRST).received.length;
    const started = call.log.connections.length;
    call.send({ type: 'user.hangUp' });
    expect(call.state()).toBe('ended');
    expect(call.log.camera.stopped).toBe(1);
    expect(call.log.signaling.stopped).toBe(1);
    expect(call.running()).toBe(0);
    call.advance(PEER_TIMING.connectTimeout + PEER_TIMING.iceGrace + PEER_TIMING.restartTimeout);
    expect(call.state()).toBe('ended');
    expect(call.peerLog(FIRST).received).toHaveLength(received);
    expect(call.log.connections).toHaveLength(started);
  });
});
