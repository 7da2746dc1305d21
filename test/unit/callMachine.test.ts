import { describe, expect, it } from 'vitest';
import { ALICE, ANSWER, BOB, CAPTURING, CANDIDATE, ICE, IN_ROOM, OFFER, callIn, startCall } from './support/callHarness.js';

describe('starting a call', () => {
  it('waits in idle and touches nothing until the person presses Start', () => {
    const call = startCall();
    expect(call.state()).toBe('idle');
    expect(call.log.camera.started).toBe(0);
    expect(call.log.signaling.inputs).toEqual([]);
  });

  it('asks for the camera and joins the room at once, without waiting for the camera', () => {
    const call = startCall({ room: 'team-sync', name: 'Ann' });
    call.send({ type: 'user.start' });
    expect(call.state()).toBe(CAPTURING);
    expect(call.log.camera.started).toBe(1);
    expect(call.log.signaling.inputs).toEqual([{ room: 'team-sync', name: 'Ann' }]);
    expect(call.log.view).toEqual([]);
    call.send({ type: 'media.ready' });
    expect(call.state()).toBe(IN_ROOM.joining);
    expect(call.log.view).toEqual(['showSelfView']);
  });

  it('a call that starts before the camera is on opens its peer connection, and hands it the media when it comes', () => {
    const call = startCall();
    call.send({ type: 'user.start' }, { type: 'signal.welcome', selfId: BOB.peer_id, peers: [ALICE], iceServers: ICE, iceTransportPolicy: 'all' });
    expect(call.state()).toBe('active.room.media.capturing active.room.call.inCall.negotiating active.room.server.online');
    expect(call.log.peer.inputs).toEqual([{ polite: true, iceServers: ICE, iceTransportPolicy: 'all', initialDescription: null, mediaReady: false }]);
    call.send({ type: 'media.ready' });
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.log.peer.received).toEqual([{ type: 'addLocalMedia' }]);
    expect(call.log.view).toEqual(['showSelfView']);
  });

  it('a camera that fails while the room is joined leaves the room and says why', () => {
    const call = startCall();
    call.send({ type: 'user.start' }, { type: 'signal.welcome', selfId: ALICE.peer_id, peers: [], iceServers: ICE, iceTransportPolicy: 'all' });
    call.send({ type: 'media.denied', detail: 'Blocked.' });
    expect(call.state()).toBe('mediaError.denied');
    expect(call.log.signaling.stopped).toBe(1);
    expect(call.log.camera.stopped).toBe(1);
  });

  it('a repeated Start neither asks for a second camera nor opens a second peer connection', () => {
    const call = callIn('connected');
    call.send({ type: 'user.start' }, { type: 'user.start' });
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.log.camera.started).toBe(1);
    expect(call.log.signaling.inputs).toHaveLength(1);
    expect(call.log.peer.inputs).toHaveLength(1);
  });
});

describe('roles in the room', () => {
  it('the first person waits without a peer connection', () => {
    const call = callIn('waiting');
    expect(call.state()).toBe(IN_ROOM.waiting);
    expect(call.context().selfId).toBe(ALICE.peer_id);
    expect(call.log.peer.inputs).toEqual([]);
  });

  it('the first person answers as the impolite peer when the other joins', () => {
    const call = callIn('negotiatingAsImpolite');
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.context().remote).toEqual(BOB);
    expect(call.log.peer.inputs).toEqual([{ polite: false, iceServers: ICE, iceTransportPolicy: 'all', initialDescription: null, mediaReady: true }]);
  });

  it('the later joiner is the polite peer and calls the first person in the room', () => {
    const call = callIn('negotiatingAsPolite');
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.context().remote).toEqual(ALICE);
    expect(call.log.peer.inputs).toEqual([{ polite: true, iceServers: ICE, iceTransportPolicy: 'all', initialDescription: null, mediaReady: true }]);
  });
});

describe('negotiating', () => {
  it('sends the local offer and candidates to the other peer, and ends candidates with null', () => {
    const call = callIn('negotiatingAsPolite');
    call.send(
      { type: 'peer.description', description: OFFER },
      { type: 'peer.candidate', candidate: CANDIDATE },
      { type: 'peer.candidate', candidate: null },
    );
    expect(call.log.signaling.sent).toEqual([
      { type: 'send.description', to: ALICE.peer_id, description: OFFER },
      { type: 'send.candidate', to: ALICE.peer_id, candidate: CANDIDATE },
      { type: 'send.candidate', to: ALICE.peer_id, candidate: null },
    ]);
  });

  it('hands the other peer’s description and candidates to the peer connection, in order', () => {
    const call = callIn('negotiatingAsImpolite');
    call.send(
      { type: 'signal.description', from: BOB.peer_id, description: OFFER },
      { type: 'signal.candidate', from: BOB.peer_id, candidate: CANDIDATE },
    );
    call.send({ type: 'peer.description', description: ANSWER });
    expect(call.log.peer.received).toEqual([
      { type: 'remote.description', description: OFFER },
      { type: 'remote.candidate', candidate: CANDIDATE },
    ]);
    expect(call.log.signaling.sent).toEqual([{ type: 'send.description', to: BOB.peer_id, description: ANSWER }]);
  });

  it('ignores descriptions and candidates from anyone but the other peer', () => {
    const call = callIn('negotiatingAsImpolite');
    call.send(
      { type: 'signal.description', from: 'stranger', description: OFFER },
      { type: 'signal.candidate', from: 'stranger', candidate: CANDIDATE },
    );
    expect(call.log.peer.received).toEqual([]);
  });

  it('shows the remote video when a track arrives', () => {
    const call = callIn('negotiatingAsPolite');
    call.send({ type: 'peer.track' });
    expect(call.log.view).toEqual(['showSelfView', 'showRemoteVideo']);
  });
});

describe('connected', () => {
  it('is connected when the peer connection is, and rides out an interruption', () => {
    const call = callIn('connected');
    expect(call.state()).toBe(IN_ROOM.connected);
    call.send({ type: 'peer.disconnected' });
    expect(call.state()).toBe(IN_ROOM.interrupted);
    call.send({ type: 'peer.connected' });
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.log.peer.inputs).toHaveLength(1);
    expect(call.log.peer.stopped).toBe(0);
  });

  it('restarts ICE when it fails instead of ending the call, keeping camera, room and peer connection', () => {
    const call = callIn('connected');
    call.send({ type: 'peer.disconnected' }, { type: 'peer.failed' });
    expect(call.state()).toBe(IN_ROOM.restarting);
    expect(call.context().problem).toBeNull();
    expect(call.log.peer.received).toEqual([{ type: 'restartIce' }]);
    expect(call.log.peer.inputs).toHaveLength(1);
    expect(call.log.peer.stopped).toBe(0);
    expect(call.log.signaling.stopped).toBe(0);
    expect(call.log.camera.stopped).toBe(0);
  });
});

describe('the other person leaves', () => {
  it('closes the peer connection, hides their video and waits for them with the camera still on', () => {
    const call = callIn('connected');
    call.send({ type: 'signal.peerLeft', peerId: BOB.peer_id });
    expect(call.state()).toBe(IN_ROOM.waiting);
    expect(call.context().remote).toBeNull();
    expect(call.context().peerLeft).toBe(true);
    expect(call.log.peer.stopped).toBe(1);
    expect(call.log.view.at(-1)).toBe('hideRemoteVideo');
    expect(call.log.camera.stopped).toBe(0);
    expect(call.log.signaling.stopped).toBe(0);
  });

  it('starts a new call by itself when they come back', () => {
    const call = callIn('connected');
    call.send({ type: 'signal.peerLeft', peerId: BOB.peer_id }, { type: 'signal.peerJoined', peer: BOB });
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.log.peer.inputs).toEqual([
      { polite: false, iceServers: ICE, iceTransportPolicy: 'all', initialDescription: null, mediaReady: true },
      { polite: false, iceServers: ICE, iceTransportPolicy: 'all', initialDescription: null, mediaReady: true },
    ]);
  });

  it('ignores PEER_LEFT for someone who is not in this call', () => {
    const call = callIn('connected');
    call.send({ type: 'signal.peerLeft', peerId: 'someone-else' });
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.log.peer.stopped).toBe(0);
  });
});

describe('hanging up', () => {
  it.each([
    'capturing',
    'joining',
    'waiting',
    'negotiatingAsPolite',
    'negotiatingAsImpolite',
    'connected',
    'connectedAsPolite',
    'interrupted',
    'restarting',
    'restartingAsPolite',
    'reconnecting',
  ] as const)('from %s turns the camera off, leaves everything and forgets the call', (point) => {
    const call = callIn(point);
    call.send({ type: 'user.hangUp' });
    expect(call.state()).toBe('ended');
    expect(call.log.camera.stopped).toBe(1);
    expect(call.log.signaling.stopped).toBe(call.log.signaling.inputs.length);
    expect(call.log.peer.stopped).toBe(call.log.peer.inputs.length);
    expect(call.log.view).toContain('hideSelfView');
    expect(call.log.session).toEqual(['rememberCall', 'forgetCall']);
  });

  it('can start again after hanging up', () => {
    const call = callIn('connected');
    call.send({ type: 'user.hangUp' }, { type: 'user.start' });
    expect(call.state()).toBe(CAPTURING);
    expect(call.log.camera.started).toBe(2);
    expect(call.context().problem).toBeNull();
  });

  it('says nothing more to the effects once ended', () => {
    const call = callIn('connected');
    call.send({ type: 'user.hangUp' });
    const sent = call.log.signaling.sent.length;
    call.send({ type: 'peer.description', description: OFFER }, { type: 'signal.description', from: BOB.peer_id, description: OFFER });
    expect(call.log.signaling.sent).toHaveLength(sent);
    expect(call.log.peer.received).toEqual([]);
  });
});

describe('ways out, each with a way back', () => {
  it.each([
    ['media.denied', 'mediaError.denied'],
    ['media.missing', 'mediaError.missing'],
    ['media.failed', 'mediaError.failed'],
  ] as const)('%s leads to %s with the reason, and the room is left', (type, state) => {
    const call = callIn('capturing');
    call.send({ type, detail: `because ${type}` });
    expect(call.state()).toBe(state);
    expect(call.context().problem).toBe(`because ${type}`);
    expect(call.log.camera.stopped).toBe(1);
    expect(call.log.signaling.stopped).toBe(1);
    call.send({ type: 'user.retry' });
    expect(call.state()).toBe(CAPTURING);
    expect(call.log.camera.started).toBe(2);
    expect(call.log.signaling.inputs).toHaveLength(2);
    expect(call.context().problem).toBeNull();
  });

  it('a full room releases the camera and says so', () => {
    const call = callIn('joining');
    call.send({ type: 'signal.roomFull', message: 'Room "x" is full.' });
    expect(call.state()).toBe('roomFull');
    expect(call.context().problem).toBe('Room "x" is full.');
    expect(call.log.camera.stopped).toBe(1);
    expect(call.log.signaling.stopped).toBe(1);
    expect(call.log.session).toEqual(['rememberCall', 'forgetCall']);
    call.send({ type: 'user.retry' });
    expect(call.state()).toBe(CAPTURING);
    expect(call.log.session).toEqual(['rememberCall', 'forgetCall', 'rememberCall']);
  });

  it.each(['joining', 'waiting', 'connected', 'restarting', 'reconnecting'] as const)('losing the server while %s is reported', (point) => {
    const call = callIn(point);
    call.send({ type: 'signal.lost', reason: 'Cannot reach the call server.' });
    expect(call.state()).toBe('signalingLost');
    expect(call.context().problem).toBe('Cannot reach the call server.');
    expect(call.log.camera.stopped).toBe(1);
    expect(call.log.peer.stopped).toBe(call.log.peer.inputs.length);
    call.send({ type: 'user.retry' });
    expect(call.state()).toBe(CAPTURING);
  });

  it('other server errors do not end the call', () => {
    const call = callIn('connected');
    call.send({ type: 'signal.error', code: 'UNKNOWN_PEER', message: 'No peer "x".' });
    expect(call.state()).toBe(IN_ROOM.connected);
  });
});
