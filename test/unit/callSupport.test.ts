import { describe, expect, it } from 'vitest';
import { describeCall } from '../../src/client/machine/describeCall.js';
import { serverMessageToEvent } from '../../src/client/machine/serverMessageToEvent.js';
import { stateToString } from '../../src/client/machine/stateToString.js';
import { ALICE, BOB, ICE, OFFER, callIn, startCall } from './support/callHarness.js';

describe('serverMessageToEvent', () => {
  it('turns each server message into the machine event', () => {
    expect(
      serverMessageToEvent({
        message_type: 'WELCOME',
        content: { peer_id: 'me', room: 'r', peers: [ALICE], ice_servers: ICE, resume: 't' },
      }),
    ).toEqual({ type: 'signal.welcome', selfId: 'me', peers: [ALICE], iceServers: ICE });
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
    expect(stateToString({ active: { room: { call: 'connected' } } })).toBe('active.room.call.connected');
  });
});

describe('describeCall', () => {
  it('says in words what the call is doing', () => {
    expect(describeCall(startCall().actor.getSnapshot()).text).toMatch(/Press Start/);
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

  it('says the other person left while waiting for them to return', () => {
    const call = callIn('connected');
    call.send({ type: 'signal.peerLeft', peerId: BOB.peer_id });
    expect(describeCall(call.actor.getSnapshot()).text).toMatch(/other person left/);
  });
});
