/**
 * The call and its relay (TURN): fresh credentials from every welcome reach the running peer
 * connection, and a relay that refuses the call ends in `unreachable` with a sentence, instead
 * of connecting, restarting and rebuilding for minutes.
 */
import { describe, expect, it } from 'vitest';
import { PEER_TIMING as TIMING } from '../../src/client/machine/peerMachine.js';
import { describeCall } from '../../src/client/machine/describeCall.js';
import { ALICE, BOB, FIRST, IN_ROOM, PEER, callIn, peerInput, startCall, welcome, type Call } from './support/callHarness.js';

const TURN_1 = [{ urls: 'turn:turn.example.test:3478', username: '1796130000:bob-id', credential: 'first' }];
const TURN_2 = [{ urls: 'turn:turn.example.test:3478', username: '1796133600:bob-id', credential: 'second' }];
const REFUSED = { type: 'peer.relayFailed', detail: 'turn:turn.example.test:3478 answered 401 Unauthorized' } as const;

/** Bob joins Alice on a server that relays every call. */
function relayOnlyCall(): Call {
  const call = startCall();
  call.send({ type: 'user.start' }, { type: 'media.ready' });
  call.send({ ...welcome(BOB.peer_id, [ALICE], TURN_1), iceTransportPolicy: 'relay' });
  return call;
}

const status = (call: Call) => describeCall(call.actor.getSnapshot());

describe('ICE servers and policy from the server', () => {
  it('open the peer connection with the welcome’s servers and its relay-only policy', () => {
    const call = relayOnlyCall();

    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.connections(FIRST).map((connection) => connection.input)).toEqual([
      peerInput(FIRST, true, { iceServers: TURN_1, iceTransportPolicy: 'relay' }),
    ]);
  });

  it('a later welcome (a resume) hands the fresh credentials to the same peer connection', () => {
    const call = relayOnlyCall();
    call.peer(FIRST, { type: 'peer.connected' });
    call.send({ type: 'signal.disconnected' });

    call.send({ ...welcome(BOB.peer_id, [ALICE], TURN_2), iceTransportPolicy: 'relay' });

    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.peerLog(FIRST)).toEqual({ started: 1, stopped: 0, received: [{ type: 'configure', iceServers: TURN_2, iceTransportPolicy: 'relay' }] });
    expect(call.context().iceServers).toEqual(TURN_2);
    // A rebuilt connection starts from the fresh ones too.
    expect(call.peerContext(FIRST)).toMatchObject({ iceServers: TURN_2, iceTransportPolicy: 'relay' });
    call.peer(FIRST, { type: 'peer.rejected', description: { type: 'offer', sdp: 'v=0 offer' }, detail: 'New session.' });
    expect(call.connections(FIRST).at(-1)?.input).toMatchObject({ iceServers: TURN_2, iceTransportPolicy: 'relay' });
  });
});

describe('a relay that refuses the call', () => {
  it('with every call relayed, ends the call at once with what to do', () => {
    const call = relayOnlyCall();

    call.peer(FIRST, REFUSED);

    expect(call.state()).toBe('unreachable');
    expect(status(call)).toEqual({ tone: 'error', text: expect.stringMatching(/^The call cannot get through: .*relay.*press Try again\.$/) });
    // Nothing keeps running behind the message.
    expect(call.running()).toBe(0);
    expect(call.log.camera.stopped).toBe(1);
    expect(call.actor.getSnapshot().can({ type: 'user.retry' })).toBe(true);
  });

  it('with direct paths allowed, lets a direct path connect the call', () => {
    const call = callIn('negotiatingAsImpolite');

    call.peer(FIRST, REFUSED, { type: 'peer.connected' });

    expect(call.state()).toBe(IN_ROOM.connected);
  });

  it('with direct paths allowed but none working, says the call cannot get through when the connection gives up', () => {
    const call = callIn('negotiatingAsImpolite');
    call.peer(FIRST, REFUSED);
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.person(FIRST)).toMatchObject({ status: 'negotiating', relayRefused: true });

    call.peer(FIRST, { type: 'peer.failed' });

    expect(call.state()).toBe('unreachable');
    expect(status(call).text).toContain('your two networks allow no direct connection');
    expect(call.peerLog(FIRST).received).toEqual([]);
  });

  it('or when connecting runs out of time, without restarting or rebuilding first', () => {
    const call = callIn('negotiatingAsImpolite');
    call.peer(FIRST, REFUSED);

    call.advance(TIMING.connectTimeout);

    expect(call.state()).toBe('unreachable');
    expect(call.log.connections).toHaveLength(1);
    expect(call.log.signaling.sent).toEqual([]);
  });

  it('when the other side gives up first, says the call cannot get through too, rather than that they left', () => {
    const call = callIn('negotiatingAsImpolite');
    call.peer(FIRST, REFUSED);
    call.send({ type: 'signal.peerLeft', peerId: BOB.peer_id });

    expect(call.state()).toBe('unreachable');
    expect(status(call).text).toContain('The call cannot get through');
  });

  it('without a refusal, the other side leaving is just that: waiting for them', () => {
    const call = callIn('negotiatingAsImpolite');
    call.send({ type: 'signal.peerLeft', peerId: BOB.peer_id });

    expect(call.state()).toBe(IN_ROOM.waiting);
  });

  it('without a refusal, a connection that runs out of time is restarted as before', () => {
    const call = callIn('negotiatingAsImpolite');

    call.advance(TIMING.connectTimeout);

    expect(call.peerState(FIRST)).toBe(PEER.restarting);
  });

  it('is forgotten on Try again, which starts the call afresh', () => {
    const call = relayOnlyCall();
    call.peer(FIRST, REFUSED);
    call.send({ type: 'user.retry' }, { type: 'media.ready' });
    call.send(welcome(ALICE.peer_id, []));
    call.send({ type: 'signal.peerJoined', peer: BOB });
    call.advance(TIMING.connectTimeout);

    const key = call.context().people[0]!.key;
    expect(call.peerState(key)).toBe(PEER.restarting);
    expect(call.peerContext(key)).toMatchObject({ relayRefused: false, problem: null });
    expect(call.context().problem).toBeNull();
  });
});

describe('a call on which no candidate pair ever works', () => {
  it('says it cannot get through as soon as the connection fails, with no relay configured', () => {
    const call = callIn('negotiatingAsImpolite');

    call.peer(FIRST, { type: 'peer.failed' });

    expect(call.state()).toBe('unreachable');
    expect(status(call).text).toBe(
      'The call cannot get through: your two networks allow no direct connection, and this call server has no relay (TURN) to carry the call. Tell whoever runs it to set one up (TURN_URLS), or try from another network; then press Try again.',
    );
  });

  it('says so too when the relay took the credentials but nothing worked through it', () => {
    const call = relayOnlyCall();

    call.peer(FIRST, { type: 'peer.failed' });

    expect(call.state()).toBe('unreachable');
    expect(status(call).text).toContain('not even through the relay');
  });

  it('counts again with each new person: the next one who cannot connect is told too', () => {
    const call = callIn('connected');
    call.send({ type: 'signal.peerLeft', peerId: BOB.peer_id }, { type: 'signal.peerJoined', peer: BOB });
    call.peer('person-2', { type: 'peer.failed' });

    expect(call.state()).toBe('unreachable');
  });
});
