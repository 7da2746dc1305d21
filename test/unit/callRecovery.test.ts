/**
 * How a call survives trouble: the link to the server dropping and coming back (maybe to a
 * restarted server that gave everyone new ids), ICE losing its path, and the other side starting
 * over. Time runs on a simulated clock, moved on by the tests.
 */
import { describe, expect, it } from 'vitest';
import { TIMING } from '../../src/client/machine/callMachine.js';
import { ALICE, ANSWER, BOB, CANDIDATE, ICE, IN_ROOM, OFFER, callIn, type Call } from './support/callHarness.js';

/** Bob again, after the server restarted and forgot everyone: same person, new id. */
const BOB_AGAIN = { peer_id: 'bob-id-2', name: 'Bob' };
const CAROL = { peer_id: 'carol-id', name: 'Carol' };
/** What a welcome after a reconnect may bring besides new ids: other ICE servers. */
const NEW_ICE = [{ urls: 'turn:turn.example.test:3478', username: 'u', credential: 'c' }];
const RECONNECTING = {
  connected: 'active.room.media.ready active.room.call.inCall.connected active.room.server.reconnecting',
  waiting: 'active.room.media.ready active.room.call.waiting active.room.server.reconnecting',
  restarting: 'active.room.media.ready active.room.call.inCall.restarting active.room.server.reconnecting',
} as const;

const welcome = (selfId: string, peers: (typeof BOB)[], iceServers = ICE) => ({
  type: 'signal.welcome' as const,
  selfId,
  peers,
  iceServers,
  iceTransportPolicy: 'all' as const,
});
const REFRESH = { type: 'refresh' } as const;
/** A welcome during the call hands its (fresh) ICE servers to the peer connection that goes on. */
const CONFIGURE = (iceServers = ICE) => ({ type: 'configure' as const, iceServers, iceTransportPolicy: 'all' as const });

/** How many peer connections were started and stopped, and what the current one was told. */
const peerLog = (call: Call) => ({
  started: call.log.peer.inputs.length,
  stopped: call.log.peer.stopped,
  received: call.log.peer.received,
});

describe('the link to the server drops and comes back', () => {
  it('signal.disconnected only moves the server region: the call and its peer connection go on', () => {
    const call = callIn('connected');
    const context = call.context();
    call.send({ type: 'signal.disconnected' });
    expect(call.state()).toBe(RECONNECTING.connected);
    expect(call.context()).toEqual(context);
    expect(peerLog(call)).toEqual({ started: 1, stopped: 0, received: [] });
    expect(call.log.signaling).toMatchObject({ stopped: 0 });
    expect(call.log.signaling.inputs).toHaveLength(1);
    expect(call.log.camera).toEqual({ started: 1, stopped: 0 });
    expect(call.log.view).not.toContain('hideRemoteVideo');
  });

  it('keeps passing messages to the signaling actor meanwhile (it holds them until it is back)', () => {
    const call = callIn('reconnecting');
    call.send({ type: 'peer.candidate', candidate: CANDIDATE });
    expect(call.log.signaling.sent).toEqual([{ type: 'send.candidate', to: BOB.peer_id, candidate: CANDIDATE }]);
  });

  it('is online again on signal.welcome, and a resumed seat with the same remote changes nothing', () => {
    const call = callIn('reconnecting');
    const context = call.context();
    call.send(welcome(ALICE.peer_id, [BOB]));
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.context()).toEqual(context);
    expect(peerLog(call)).toEqual({ started: 1, stopped: 0, received: [CONFIGURE()] });
    expect(call.log.signaling.sent).toEqual([]);
    expect(call.log.view).not.toContain('hideRemoteVideo');
  });

  it('a resumed seat as the polite side changes nothing either: same id, same peer connection, same role', () => {
    const call = callIn('connectedAsPolite');
    call.send({ type: 'signal.disconnected' });
    const context = call.context();
    call.send(welcome(BOB.peer_id, [ALICE]));
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.context()).toEqual(context);
    expect(call.context()).toMatchObject({ selfId: BOB.peer_id, remote: ALICE, polite: true });
    expect(peerLog(call)).toEqual({ started: 1, stopped: 0, received: [CONFIGURE()] });
  });

  it('after a server restart, rebinds the call to the other person’s new id on the same peer connection', () => {
    const call = callIn('reconnecting');
    call.send(welcome('alice-id-2', [BOB_AGAIN]));
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.context()).toMatchObject({ selfId: 'alice-id-2', remote: BOB_AGAIN, polite: false, rebuilds: 0 });
    expect(peerLog(call)).toEqual({ started: 1, stopped: 0, received: [CONFIGURE()] });
    expect(call.log.view).not.toContain('hideRemoteVideo');

    call.send(
      { type: 'peer.candidate', candidate: CANDIDATE },
      { type: 'signal.description', from: BOB.peer_id, description: OFFER },
      { type: 'signal.description', from: BOB_AGAIN.peer_id, description: OFFER },
    );
    expect(call.log.signaling.sent).toEqual([{ type: 'send.candidate', to: BOB_AGAIN.peer_id, candidate: CANDIDATE }]);
    expect(call.log.peer.received).toEqual([CONFIGURE(), { type: 'remote.description', description: OFFER }]);
  });

  it('a new id for us with the other person not among those there is a server restart, not a lost seat', () => {
    // Everyone got a new id; Carol came in meanwhile. The other person is not listed under their
    // old id, so nobody there kept a seat of this call: the media carries on, bound to the first listed.
    const call = callIn('reconnecting');
    call.send(welcome('alice-id-2', [BOB_AGAIN, CAROL], NEW_ICE));
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.context()).toMatchObject({ selfId: 'alice-id-2', remote: BOB_AGAIN, polite: false, iceServers: NEW_ICE, rebuilds: 0 });
    expect(peerLog(call)).toEqual({ started: 1, stopped: 0, received: [CONFIGURE(NEW_ICE)] });
    expect(call.log.signaling.sent).toEqual([]);
  });

  it('when nobody is back yet, keeps the peer connection but sends nothing to anyone', () => {
    const call = callIn('reconnecting');
    call.send(welcome('alice-id-2', []));
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.context().remote).toBeNull();
    expect(call.context().peerLeft).toBe(false);
    expect(peerLog(call)).toEqual({ started: 1, stopped: 0, received: [CONFIGURE()] });

    call.send(
      { type: 'peer.description', description: OFFER },
      { type: 'peer.candidate', candidate: CANDIDATE },
      { type: 'peer.candidate', candidate: null },
      { type: 'signal.description', from: BOB.peer_id, description: ANSWER },
      { type: 'signal.peerLeft', peerId: BOB.peer_id },
    );
    expect(call.log.signaling.sent).toEqual([]);
    expect(call.log.peer.received).toEqual([CONFIGURE()]);
    expect(call.state()).toBe(IN_ROOM.connected);
  });

  it('binds the call to whoever joins next while the other person is away, and to nobody else after', () => {
    const call = callIn('reconnecting');
    call.send(welcome('alice-id-2', []), { type: 'signal.peerJoined', peer: BOB_AGAIN });
    expect(call.context().remote).toEqual(BOB_AGAIN);
    call.send({ type: 'signal.peerJoined', peer: CAROL });
    expect(call.context().remote).toEqual(BOB_AGAIN);
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(peerLog(call)).toEqual({ started: 1, stopped: 0, received: [CONFIGURE()] });

    call.send({ type: 'peer.description', description: OFFER });
    expect(call.log.signaling.sent).toEqual([{ type: 'send.description', to: BOB_AGAIN.peer_id, description: OFFER }]);
  });

  it('while waiting, reconnects and calls whoever came in meanwhile, as the polite peer', () => {
    const call = callIn('waiting');
    call.send({ type: 'signal.disconnected' });
    expect(call.state()).toBe(RECONNECTING.waiting);
    expect(call.log.signaling.stopped).toBe(0);
    call.send(welcome('alice-id-2', [BOB]));
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.context()).toMatchObject({ selfId: 'alice-id-2', remote: BOB, polite: true });
    expect(call.log.peer.inputs).toEqual([{ polite: true, iceServers: ICE, iceTransportPolicy: 'all', initialDescription: null, mediaReady: true }]);
  });

  it('while waiting with nobody there, is simply online and waiting again', () => {
    const call = callIn('waiting');
    call.send({ type: 'signal.disconnected' }, welcome(ALICE.peer_id, []));
    expect(call.state()).toBe(IN_ROOM.waiting);
    expect(call.log.peer.inputs).toEqual([]);
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
    expect(call.log.peer.received).toEqual([]);
    call.send({ type: 'peer.failed' });
    expect(call.state()).toBe(IN_ROOM.restarting);
    expect(peerLog(call)).toEqual({ started: 1, stopped: 0, received: [{ type: 'restartIce' }] });
  });

  it('the polite side waits for the other side’s restart offer instead', () => {
    const call = callIn('restartingAsPolite');
    expect(call.state()).toBe(IN_ROOM.restarting);
    expect(call.log.peer.received).toEqual([]);
    call.send({ type: 'signal.disconnected' }, welcome(BOB.peer_id, [ALICE]));
    expect(call.log.peer.received).toEqual([CONFIGURE()]);
    call.send({ type: 'signal.description', from: ALICE.peer_id, description: OFFER });
    expect(call.log.peer.received).toEqual([CONFIGURE(), { type: 'remote.description', description: OFFER }]);
  });

  it.each(['connected', 'interrupted'] as const)('peer.failed while %s restarts ICE', (point) => {
    const call = callIn(point);
    call.send({ type: 'peer.failed' });
    expect(call.state()).toBe(IN_ROOM.restarting);
    expect(call.log.peer.received).toEqual([{ type: 'restartIce' }]);
  });

  it('peer.failed while negotiating again, on a call that was connected before, restarts ICE', () => {
    const call = callIn('restarting');
    call.advance(TIMING.restartTimeout);
    expect(call.state()).toBe(IN_ROOM.negotiating);
    call.send({ type: 'peer.failed' });
    expect(call.state()).toBe(IN_ROOM.restarting);
    // One to the connection that was rebuilt, one to the rebuilt connection.
    expect(call.log.peer.received).toEqual([{ type: 'restartIce' }, { type: 'restartIce' }]);
    expect(call.log.peer.inputs).toHaveLength(2);
  });

  it('gives an interrupted connection exactly TIMING.iceGrace to come back by itself', () => {
    const call = callIn('interrupted');
    call.advance(TIMING.iceGrace - 1);
    expect(call.state()).toBe(IN_ROOM.interrupted);
    expect(call.log.peer.received).toEqual([]);
    call.advance(1);
    expect(call.state()).toBe(IN_ROOM.restarting);
    expect(call.log.peer.received).toEqual([{ type: 'restartIce' }]);
  });

  it('forgets the grace period when the connection comes back in time', () => {
    const call = callIn('interrupted');
    call.advance(TIMING.iceGrace - 1);
    call.send({ type: 'peer.connected' });
    call.advance(TIMING.iceGrace);
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.log.peer.received).toEqual([]);
  });

  it('restarts ICE when negotiating takes longer than TIMING.connectTimeout', () => {
    const call = callIn('negotiatingAsImpolite');
    call.advance(TIMING.connectTimeout - 1);
    expect(call.state()).toBe(IN_ROOM.negotiating);
    call.advance(1);
    expect(call.state()).toBe(IN_ROOM.restarting);
    expect(call.log.peer.received).toEqual([{ type: 'restartIce' }]);
  });

  it('asks again when the server comes back during a restart: what was sent meanwhile may be lost', () => {
    const call = callIn('restarting');
    call.send({ type: 'signal.disconnected' });
    expect(call.state()).toBe(RECONNECTING.restarting);
    call.send(welcome(ALICE.peer_id, [BOB]));
    expect(call.state()).toBe(IN_ROOM.restarting);
    expect(call.log.peer.received).toEqual([{ type: 'restartIce' }, CONFIGURE(), { type: 'restartIce' }]);
  });

  it('during a restart, follows the other person to their new id before asking again', () => {
    const call = callIn('restarting');
    call.send({ type: 'signal.disconnected' }, welcome('alice-id-2', [BOB_AGAIN]));
    expect(call.state()).toBe(IN_ROOM.restarting);
    expect(call.context()).toMatchObject({ selfId: 'alice-id-2', remote: BOB_AGAIN, polite: false, rebuilds: 0 });
    expect(peerLog(call)).toEqual({ started: 1, stopped: 0, received: [{ type: 'restartIce' }, CONFIGURE(), { type: 'restartIce' }] });
    call.send({ type: 'peer.description', description: OFFER });
    expect(call.log.signaling.sent).toEqual([REFRESH, { type: 'send.description', to: BOB_AGAIN.peer_id, description: OFFER }]);
  });

  it('during a restart with nobody back, does not ask for a restart nobody would hear', () => {
    const call = callIn('restarting');
    call.send({ type: 'signal.disconnected' }, welcome('alice-id-2', []));
    expect(call.context().remote).toBeNull();
    expect(call.log.peer.received).toEqual([{ type: 'restartIce' }, CONFIGURE()]);
  });

  it('is connected again when the restart works, with the same peer connection and the timer gone', () => {
    const call = callIn('restarting');
    call.send({ type: 'peer.connected' });
    expect(call.state()).toBe(IN_ROOM.connected);
    call.advance(TIMING.restartTimeout);
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(peerLog(call)).toEqual({ started: 1, stopped: 0, received: [{ type: 'restartIce' }] });
  });

  it('rebuilds the peer connection when a restart takes longer than TIMING.restartTimeout', () => {
    const call = callIn('restarting');
    call.advance(TIMING.restartTimeout - 1);
    expect(call.state()).toBe(IN_ROOM.restarting);
    expect(call.log.peer.stopped).toBe(0);
    call.advance(1);
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.log.peer.stopped).toBe(1);
    expect(call.log.peer.inputs).toEqual([
      { polite: false, iceServers: ICE, iceTransportPolicy: 'all', initialDescription: null, mediaReady: true },
      { polite: false, iceServers: ICE, iceTransportPolicy: 'all', initialDescription: null, mediaReady: true },
    ]);
    expect(call.context()).toMatchObject({ remote: BOB, rebuilds: 1, problem: null });
    expect(call.log.view.at(-1)).toBe('hideRemoteVideo');
    expect(call.log.camera).toEqual({ started: 1, stopped: 0 });
    expect(call.log.signaling.stopped).toBe(0);
  });

  it(`fails after TIMING.maxRebuilds rebuilds that did not connect, says why and releases everything`, () => {
    const call = callIn('restarting');
    for (let rebuild = 1; rebuild <= TIMING.maxRebuilds; rebuild += 1) {
      call.advance(TIMING.restartTimeout);
      expect(call.state()).toBe(IN_ROOM.negotiating);
      expect(call.context().rebuilds).toBe(rebuild);
      call.advance(TIMING.connectTimeout);
      expect(call.state()).toBe(IN_ROOM.restarting);
    }
    call.advance(TIMING.restartTimeout);
    expect(call.state()).toBe('failed');
    expect(call.context().problem).toMatch(/could not be restored/);
    expect(call.log.peer.inputs).toHaveLength(TIMING.maxRebuilds + 1);
    expect(call.log.peer.stopped).toBe(TIMING.maxRebuilds + 1);
    expect(call.log.signaling.stopped).toBe(1);
    expect(call.log.camera.stopped).toBe(1);
  });

  it('starts counting rebuilds again once connected', () => {
    const call = callIn('restarting');
    call.advance(TIMING.restartTimeout);
    expect(call.context().rebuilds).toBe(1);
    call.send({ type: 'peer.connected' });
    expect(call.context().rebuilds).toBe(0);
    call.send({ type: 'peer.failed' });
    for (let rebuild = 1; rebuild <= TIMING.maxRebuilds; rebuild += 1) {
      call.advance(TIMING.restartTimeout);
      expect(call.state()).toBe(IN_ROOM.negotiating);
      call.send({ type: 'peer.failed' });
    }
    expect(call.state()).toBe(IN_ROOM.restarting);
    call.advance(TIMING.restartTimeout);
    expect(call.state()).toBe('failed');
  });
});

describe('refreshing the link to the server when an ICE restart starts', () => {
  // A dead media path often means the network changed, and the old socket may be dead without
  // the browser knowing it: the signaling actor is asked once to open a new one and resume.
  const ways: [string, (call: Call) => void][] = [
    ['peer.failed while connected', (call) => call.send({ type: 'signal.peerJoined', peer: BOB }, { type: 'peer.connected' }, { type: 'peer.failed' })],
    [
      'TIMING.iceGrace running out',
      (call) => {
        call.send({ type: 'signal.peerJoined', peer: BOB }, { type: 'peer.connected' }, { type: 'peer.disconnected' });
        call.advance(TIMING.iceGrace);
      },
    ],
    [
      'TIMING.connectTimeout running out',
      (call) => {
        call.send({ type: 'signal.peerJoined', peer: BOB });
        call.advance(TIMING.connectTimeout);
      },
    ],
  ];
  it.each(ways)('the impolite side asks for one refresh on %s', (_, drive) => {
    const call = callIn('waiting');
    drive(call);
    expect(call.state()).toBe(IN_ROOM.restarting);
    expect(call.log.signaling.sent).toEqual([REFRESH]);
    expect(call.log.peer.received).toEqual([{ type: 'restartIce' }]);
  });

  it('the polite side asks for one refresh too, though it leaves the ICE restart to the other side', () => {
    const call = callIn('connectedAsPolite');
    expect(call.log.signaling.sent).toEqual([]);
    call.send({ type: 'peer.failed' });
    expect(call.state()).toBe(IN_ROOM.restarting);
    expect(call.log.signaling.sent).toEqual([REFRESH]);
    expect(call.log.peer.received).toEqual([]);
  });

  it.each(['restarting', 'restartingAsPolite'] as const)('asks no more while %s goes on, whatever the server says', (point) => {
    const call = callIn(point);
    expect(call.log.signaling.sent).toEqual([REFRESH]);
    const [self, other] = point === 'restarting' ? [ALICE, BOB] : [BOB, ALICE];
    // What the refresh itself leads to: the link drops and the seat is resumed.
    call.send({ type: 'signal.disconnected' }, welcome(self.peer_id, [other]));
    // The server comes back without the other person, then they come back.
    call.send({ type: 'signal.disconnected' }, welcome(self.peer_id, []), { type: 'signal.peerJoined', peer: other });
    call.send({ type: 'signal.candidate', from: other.peer_id, candidate: CANDIDATE }, { type: 'peer.track' });
    call.advance(TIMING.restartTimeout - 1);
    expect(call.state()).toBe(IN_ROOM.restarting);
    expect(call.log.signaling.sent).toEqual([REFRESH]);
  });

  it('asks again each time a restart starts anew, and not when the restart ends', () => {
    const call = callIn('restarting');
    call.send({ type: 'peer.connected' });
    expect(call.log.signaling.sent).toEqual([REFRESH]);
    call.send({ type: 'peer.failed' });
    expect(call.log.signaling.sent).toEqual([REFRESH, REFRESH]);
    // Rebuilt after the restart timed out: a new peer connection, negotiating, no refresh.
    call.advance(TIMING.restartTimeout);
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.log.signaling.sent).toEqual([REFRESH, REFRESH]);
    call.advance(TIMING.connectTimeout);
    expect(call.state()).toBe(IN_ROOM.restarting);
    expect(call.log.signaling.sent).toEqual([REFRESH, REFRESH, REFRESH]);
  });

  it('asks for nothing when the server link merely drops', () => {
    const call = callIn('connected');
    call.send({ type: 'signal.disconnected' }, welcome(ALICE.peer_id, [BOB]), { type: 'peer.disconnected' }, { type: 'peer.connected' });
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

  it.each(['connected', 'connectedAsPolite'] as const)('while %s: a new peer connection, polite, from no description', (point) => {
    const { self, other } = sides[point];
    const call = callIn(point);
    call.send({ type: 'peer.track' }, { type: 'signal.disconnected' });
    const before = call.context();
    expect(before).toMatchObject({ selfId: self.peer_id, remote: other, rebuilds: 0 });
    call.send(welcome(NEW_SEAT, [other], NEW_ICE));
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.log.peer.stopped).toBe(1);
    expect(call.log.peer.inputs).toEqual([
      { polite: point === 'connectedAsPolite', iceServers: ICE, iceTransportPolicy: 'all', initialDescription: null, mediaReady: true },
      { polite: true, iceServers: NEW_ICE, iceTransportPolicy: 'all', initialDescription: null, mediaReady: true },
    ]);
    expect(call.context()).toEqual({
      ...before,
      selfId: NEW_SEAT,
      iceServers: NEW_ICE,
      remote: other,
      polite: true,
      pendingDescription: null,
      rebuilds: 0,
    });
    expect(call.log.view.at(-1)).toBe('hideRemoteVideo');
    expect(call.log.signaling).toMatchObject({ stopped: 0, sent: [] });
    expect(call.log.camera).toEqual({ started: 1, stopped: 0 });

    // The new connection's offer goes to the other person, and theirs come through.
    call.send(
      { type: 'peer.description', description: OFFER },
      { type: 'signal.description', from: other.peer_id, description: ANSWER },
    );
    expect(call.log.signaling.sent).toEqual([{ type: 'send.description', to: other.peer_id, description: OFFER }]);
    expect(call.log.peer.received).toEqual([{ type: 'remote.description', description: ANSWER }]);
  });

  it('is not a rebuild: what is left of TIMING.maxRebuilds stays as it was', () => {
    const call = callIn('restarting');
    call.advance(TIMING.restartTimeout);
    call.send({ type: 'peer.failed' });
    expect(call.state()).toBe(IN_ROOM.restarting);
    expect(call.context().rebuilds).toBe(1);
    call.send({ type: 'signal.disconnected' }, welcome(NEW_SEAT, [BOB]));
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.context()).toMatchObject({ selfId: NEW_SEAT, remote: BOB, polite: true, rebuilds: 1 });
    expect(call.log.peer.inputs).toHaveLength(3);
    expect(call.log.peer.stopped).toBe(2);
  });

  it('while restarting: the same, and the old connection’s ICE restart is not asked for again', () => {
    const call = callIn('restarting');
    expect(call.log.signaling.sent).toEqual([REFRESH]);
    const before = call.context();
    // The refresh drops the link; the server gives us a new seat and still lists Bob.
    call.send({ type: 'signal.disconnected' }, welcome(NEW_SEAT, [CAROL, BOB], NEW_ICE));
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(peerLog(call)).toEqual({ started: 2, stopped: 1, received: [{ type: 'restartIce' }] });
    expect(call.log.peer.inputs.at(-1)).toEqual({ polite: true, iceServers: NEW_ICE, iceTransportPolicy: 'all', initialDescription: null, mediaReady: true });
    expect(call.context()).toEqual({
      ...before,
      selfId: NEW_SEAT,
      iceServers: NEW_ICE,
      remote: BOB,
      polite: true,
      pendingDescription: null,
      rebuilds: before.rebuilds,
    });
    // No second refresh: the new connection is negotiating, not restarting.
    expect(call.log.signaling.sent).toEqual([REFRESH]);
    // And the restart's timer went with the old connection.
    call.advance(TIMING.restartTimeout);
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.log.peer.inputs).toHaveLength(2);
  });

  it('while restarting as the polite side: a new peer connection all the same', () => {
    const call = callIn('restartingAsPolite');
    call.send({ type: 'signal.disconnected' }, welcome(NEW_SEAT, [ALICE]));
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(peerLog(call)).toEqual({ started: 2, stopped: 1, received: [] });
    expect(call.log.peer.inputs.at(-1)).toEqual({ polite: true, iceServers: ICE, iceTransportPolicy: 'all', initialDescription: null, mediaReady: true });
    expect(call.context()).toMatchObject({ selfId: NEW_SEAT, remote: ALICE, polite: true, rebuilds: 0 });
  });

  it('a resumed seat during a restart changes nothing but asks for the restart again', () => {
    const call = callIn('restarting');
    call.send({ type: 'signal.disconnected' });
    const context = call.context();
    call.send(welcome(ALICE.peer_id, [BOB]));
    expect(call.state()).toBe(IN_ROOM.restarting);
    expect(call.context()).toEqual(context);
    expect(peerLog(call)).toEqual({ started: 1, stopped: 0, received: [{ type: 'restartIce' }, CONFIGURE(), { type: 'restartIce' }] });
  });

  it('a second welcome for the same new seat is a resume, not another start over', () => {
    const call = callIn('connected');
    call.send({ type: 'signal.disconnected' }, welcome(NEW_SEAT, [BOB]));
    const context = call.context();
    call.send({ type: 'signal.disconnected' }, welcome(NEW_SEAT, [BOB]));
    expect(call.context()).toEqual(context);
    expect(call.log.peer).toMatchObject({ stopped: 1 });
    expect(call.log.peer.inputs).toHaveLength(2);
  });
});

describe('the other side starts over (peer.rejected)', () => {
  it('rebuilds the peer connection starting from their offer', () => {
    const call = callIn('connected');
    call.send({ type: 'peer.rejected', description: OFFER, detail: 'Unknown session.' });
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.log.peer.stopped).toBe(1);
    expect(call.log.peer.inputs).toEqual([
      { polite: false, iceServers: ICE, iceTransportPolicy: 'all', initialDescription: null, mediaReady: true },
      { polite: false, iceServers: ICE, iceTransportPolicy: 'all', initialDescription: OFFER, mediaReady: true },
    ]);
    // Handed over once: a later rebuild must not start from it again.
    expect(call.context()).toMatchObject({ pendingDescription: null, rebuilds: 1, remote: BOB, problem: null });
    call.advance(TIMING.connectTimeout);
    call.advance(TIMING.restartTimeout);
    expect(call.log.peer.inputs).toHaveLength(3);
    expect(call.log.peer.inputs.at(-1)).toEqual({ polite: false, iceServers: ICE, iceTransportPolicy: 'all', initialDescription: null, mediaReady: true });
  });

  it('rebuilds from scratch when what they sent was an answer, keeping the polite role', () => {
    const call = callIn('connectedAsPolite');
    call.send({ type: 'peer.rejected', description: ANSWER, detail: 'Answer for another offer.' });
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.log.peer.inputs).toEqual([
      { polite: true, iceServers: ICE, iceTransportPolicy: 'all', initialDescription: null, mediaReady: true },
      { polite: true, iceServers: ICE, iceTransportPolicy: 'all', initialDescription: null, mediaReady: true },
    ]);
    expect(call.log.peer.stopped).toBe(1);
  });

  it('rebuilds during an ICE restart too', () => {
    const call = callIn('restarting');
    call.send({ type: 'peer.rejected', description: OFFER, detail: 'Unknown session.' });
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.log.peer.inputs.at(-1)).toEqual({ polite: false, iceServers: ICE, iceTransportPolicy: 'all', initialDescription: OFFER, mediaReady: true });
  });

  it('fails with the reason after TIMING.maxRebuilds rebuilds in a row', () => {
    const call = callIn('negotiatingAsPolite');
    for (let rebuild = 0; rebuild < TIMING.maxRebuilds; rebuild += 1) {
      call.send({ type: 'peer.rejected', description: OFFER, detail: 'Unknown session.' });
      expect(call.state()).toBe(IN_ROOM.negotiating);
    }
    call.send({ type: 'peer.rejected', description: OFFER, detail: 'Their session cannot be joined.' });
    expect(call.state()).toBe('failed');
    expect(call.context().problem).toBe('The call could not be set up again with the other person. Press Try again.');
    expect(call.log.peer.stopped).toBe(call.log.peer.inputs.length);
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
    ['a rebuilt call', (call) => call.send({ type: 'peer.rejected', description: OFFER, detail: 'x' })],
    ['a call whose remote is away', (call) => call.send({ type: 'signal.disconnected' }, welcome('alice-id-2', []))],
    ['a restart while the server is away', (call) => call.send({ type: 'peer.failed' }, { type: 'signal.disconnected' })],
  ];
  it.each(cases)('from %s releases camera, signaling and peer connection, and no timer fires later', (_, drive) => {
    const call = callIn('connected');
    drive(call);
    const received = call.log.peer.received.length;
    call.send({ type: 'user.hangUp' });
    expect(call.state()).toBe('ended');
    expect(call.log.camera.stopped).toBe(1);
    expect(call.log.signaling.stopped).toBe(1);
    expect(call.log.peer.stopped).toBe(call.log.peer.inputs.length);
    call.advance(TIMING.connectTimeout + TIMING.iceGrace + TIMING.restartTimeout);
    expect(call.state()).toBe('ended');
    expect(call.log.peer.received).toHaveLength(received);
    expect(call.log.peer.inputs.length).toBe(call.log.peer.stopped);
  });
});
