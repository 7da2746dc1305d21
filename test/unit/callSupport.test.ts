import { describe, expect, it } from 'vitest';
import { PEER_TIMING as TIMING } from '../../src/client/machine/peerMachine.js';
import { describeCall } from '../../src/client/machine/describeCall.js';
import { serverMessageToEvent } from '../../src/client/machine/serverMessageToEvent.js';
import { stateToString } from '../../src/client/machine/stateToString.js';
import { ALICE, BOB, CAROL, FIRST, ICE, OFFER, SECOND, callIn, startCall, welcome } from './support/callHarness.js';

describe('serverMessageToEvent', () => {
  it('turns each server message into the machine event', () => {
    expect(
      serverMessageToEvent({
        message_type: 'WELCOME',
        content: { peer_id: 'me', room: 'r', peers: [ALICE], ice_servers: ICE, resume: 't' },
      }),
    ).toEqual({ type: 'signal.welcome', selfId: 'me', peers: [ALICE], iceServers: ICE, iceTransportPolicy: 'all' });
    expect(
      serverMessageToEvent({
        message_type: 'WELCOME',
        content: { peer_id: 'me', room: 'r', peers: [], ice_servers: ICE, ice_transport_policy: 'relay', resume: 't' },
      }),
    ).toMatchObject({ type: 'signal.welcome', iceTransportPolicy: 'relay' });
    expect(serverMessageToEvent({ message_type: 'PEER_JOINED', content: BOB })).toEqual({ type: 'signal.peerJoined', peer: BOB });
    expect(serverMessageToEvent({ message_type: 'PEER_LEFT', content: { peer_id: 'x' } })).toEqual({ type: 'signal.peerLeft', peerId: 'x' });
    expect(serverMessageToEvent({ message_type: 'SDP', content: OFFER, from: 'x' })).toEqual({
      type: 'signal.description',
      from: 'x',
      description: OFFER,
    });
    expect(serverMessageToEvent({ message_type: 'CANDIDATE', content: null, from: 'x' })).toEqual({
      type: 'signal.candidate',
      from: 'x',
      candidate: null,
    });
  });

  it('singles out ROOM_FULL from the other errors', () => {
    expect(serverMessageToEvent({ message_type: 'ERROR', content: { code: 'ROOM_FULL', message: 'full' } })).toEqual({
      type: 'signal.roomFull',
      message: 'full',
    });
    expect(serverMessageToEvent({ message_type: 'ERROR', content: { code: 'UNKNOWN_PEER', message: 'who' } })).toEqual({
      type: 'signal.error',
      code: 'UNKNOWN_PEER',
      message: 'who',
    });
  });
});

describe('stateToString', () => {
  it('joins nested state names with dots', () => {
    expect(stateToString('idle')).toBe('idle');
    expect(stateToString({ active: 'capturing' })).toBe('active.capturing');
    expect(stateToString({ active: { room: { call: { inCall: 'connected' } } } })).toBe('active.room.call.inCall.connected');
  });

  it('gives one path per parallel region, separated by a space, in the order of the machine', () => {
    expect(stateToString({ active: { room: { call: 'waiting', server: 'online' } } })).toBe(
      'active.room.call.waiting active.room.server.online',
    );
    expect(stateToString({ active: { room: { call: { inCall: 'negotiating' }, server: 'reconnecting' } } })).toBe(
      'active.room.call.inCall.negotiating active.room.server.reconnecting',
    );
    expect(callIn('connected').state()).toBe('active.room.media.ready active.room.call.inCall.connected active.room.server.online');
  });
});

describe('describeCall', () => {
  it('says in words what the call is doing', () => {
    expect(describeCall(startCall().actor.getSnapshot()).text).toMatch(/press Start/);
    expect(describeCall(callIn('waiting').actor.getSnapshot()).text).toMatch(/Waiting for the other person/);
    expect(describeCall(callIn('negotiatingAsImpolite').actor.getSnapshot()).text).toBe('Connecting to Bob…');
    const connected = describeCall(callIn('connected').actor.getSnapshot());
    expect(connected).toEqual({ text: 'Connected with Bob', tone: 'ok' });
  });

  it('shows the problem as an error', () => {
    const call = callIn('capturing');
    call.send({ type: 'media.denied', detail: 'Camera blocked; allow it.' });
    expect(describeCall(call.actor.getSnapshot())).toEqual({ text: 'Camera blocked; allow it.', tone: 'error' });
  });

  it('says when the connection is interrupted and while it is being restored', () => {
    expect(describeCall(callIn('interrupted').actor.getSnapshot())).toEqual({
      text: 'The connection was interrupted. Trying to get it back…',
      tone: 'info',
    });
    expect(describeCall(callIn('restarting').actor.getSnapshot())).toEqual({
      text: 'The connection to Bob was lost. Reconnecting the call…',
      tone: 'info',
    });
  });

  it('says the server is being reconnected, and what the call is doing meanwhile', () => {
    expect(describeCall(callIn('reconnecting').actor.getSnapshot())).toEqual({
      text: 'Reconnecting to the server… (Connected with Bob)',
      tone: 'info',
    });
    const waiting = callIn('waiting');
    waiting.send({ type: 'signal.disconnected' });
    expect(describeCall(waiting.actor.getSnapshot())).toEqual({ text: 'Reconnecting to the server…', tone: 'info' });
  });

  it('says the call failed with the reason when it cannot be restored', () => {
    const call = callIn('connected');
    for (let rebuild = 0; rebuild < TIMING.maxRebuilds; rebuild += 1) {
      call.peer(FIRST, { type: 'peer.rejected', description: OFFER, detail: 'The other side started over.' });
    }
    call.peer(FIRST, { type: 'peer.rejected', description: OFFER, detail: 'Still no way in.' });
    expect(describeCall(call.actor.getSnapshot())).toEqual({ text: 'The call could not be set up again with the other person. Press Try again.', tone: 'error' });
  });

  it('says the other person left while waiting for them to return', () => {
    const call = callIn('connected');
    call.send({ type: 'signal.peerLeft', peerId: BOB.peer_id });
    expect(describeCall(call.actor.getSnapshot()).text).toMatch(/other person left/);
  });
});

describe('describeCall in a group', () => {
  it('names everyone it is connected with, and who is still connecting', () => {
    const call = callIn('connected');
    call.send({ type: 'signal.peerJoined', peer: CAROL });
    expect(describeCall(call.actor.getSnapshot())).toEqual({ text: 'Connected with Bob; connecting to Carol…', tone: 'info' });
    call.peer(SECOND, { type: 'peer.connected' });
    expect(describeCall(call.actor.getSnapshot())).toEqual({ text: 'Connected with Bob and Carol', tone: 'ok' });
  });

  it('says whom it is reconnecting to, and whom it could not connect to, while the call goes on', () => {
    const call = startCall();
    call.send({ type: 'user.start' }, { type: 'media.ready' }, welcome('dan-id', [ALICE, BOB, CAROL]));
    call.peer(FIRST, { type: 'peer.connected' });
    call.peer(SECOND, { type: 'peer.connected' }, { type: 'peer.disconnected' });
    // Carol never connected and no candidate pair worked: that pair gives up.
    call.peer('person-3', { type: 'peer.failed' });
    expect(describeCall(call.actor.getSnapshot()).text).toBe('Connected with Alice; reconnecting Bob…; could not connect to Carol');
  });
});
