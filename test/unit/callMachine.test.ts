/**
 * The call machine with one other person (its peer machine real, the effects fakes): starting,
 * the roles, negotiating, leaving, hanging up and the ways out. The rules hold for each pair; see
 * callGroup.test.ts for more than one other person.
 */
import { describe, expect, it } from 'vitest';
import {
  ALICE,
  ANSWER,
  BOB,
  CAPTURING,
  CANDIDATE,
  FIRST,
  IN_ROOM,
  OFFER,
  PEER,
  callIn,
  peerInput,
  startCall,
  welcome,
} from './support/callHarness.js';

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

  it('joins with the name typed before Start, which replaces the one it was made with', () => {
    const call = startCall({ room: 'team-sync', name: 'Ann' });
    call.send({ type: 'user.start', name: 'Annie' });
    expect(call.log.signaling.inputs).toEqual([{ room: 'team-sync', name: 'Annie' }]);
    call.send({ type: 'user.hangUp' }, { type: 'user.start' });
    expect(call.log.signaling.inputs.at(-1)).toEqual({ room: 'team-sync', name: 'Annie' });
  });

  it('a call that starts before the camera is on opens its peer connection, and hands it the media when it comes', () => {
    const call = startCall();
    call.send({ type: 'user.start' }, welcome(BOB.peer_id, [ALICE]));
    expect(call.state()).toBe('active.room.media.capturing active.room.call.inCall.negotiating active.room.server.online');
    expect(call.connections(FIRST).map((connection) => connection.input)).toEqual([peerInput(FIRST, true, { mediaReady: false })]);
    call.send({ type: 'media.ready' });
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.peerLog(FIRST).received).toEqual([{ type: 'addLocalMedia' }]);
    expect(call.peerContext(FIRST)?.mediaReady).toBe(true);
    expect(call.log.view).toEqual(['showSelfView']);
  });

  it('a camera that fails while the room is joined leaves the room and says why', () => {
    const call = startCall();
    call.send({ type: 'user.start' }, welcome(ALICE.peer_id, []));
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
    expect(call.log.connections).toHaveLength(1);
  });
});

describe('roles in the room', () => {
  it('the first person waits without a peer connection', () => {
    const call = callIn('waiting');
    expect(call.state()).toBe(IN_ROOM.waiting);
    expect(call.context().selfId).toBe(ALICE.peer_id);
    expect(call.log.connections).toEqual([]);
    expect(call.actor.getSnapshot().children[FIRST]).toBeUndefined();
  });

  it('the first person answers as the impolite peer when the other joins', () => {
    const call = callIn('negotiatingAsImpolite');
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.peerState(FIRST)).toBe(PEER.negotiating);
    expect(call.person(FIRST)).toMatchObject({ peerId: BOB.peer_id, name: BOB.name, polite: false, status: 'negotiating' });
    expect(call.log.connections.map((connection) => connection.input)).toEqual([peerInput(FIRST, false)]);
  });

  it('the later joiner is the polite peer and calls the first person in the room', () => {
    const call = callIn('negotiatingAsPolite');
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.person(FIRST)).toMatchObject({ peerId: ALICE.peer_id, name: ALICE.name, polite: true });
    expect(call.log.connections.map((connection) => connection.input)).toEqual([peerInput(FIRST, true)]);
  });
});

describe('negotiating', () => {
  it('sends the local offer and candidates to the other peer, and ends candidates with null', () => {
    const call = callIn('negotiatingAsPolite');
    call.peer(
      FIRST,
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
    call.peer(FIRST, { type: 'peer.description', description: ANSWER });
    expect(call.peerLog(FIRST).received).toEqual([
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
    expect(call.peerLog(FIRST).received).toEqual([]);
  });

  it('shows the remote video in that person’s tile when a track arrives', () => {
    const call = callIn('negotiatingAsPolite');
    call.peer(FIRST, { type: 'peer.track' });
    expect(call.log.view).toEqual(['showSelfView', `showRemoteVideo ${FIRST}`]);
  });
});

describe('connected', () => {
  it('is connected when the peer connection is, and rides out an interruption', () => {
    const call = callIn('connected');
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.person(FIRST)?.status).toBe('connected');
    call.peer(FIRST, { type: 'peer.disconnected' });
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.peerState(FIRST)).toBe(PEER.interrupted);
    expect(call.person(FIRST)?.status).toBe('interrupted');
    call.peer(FIRST, { type: 'peer.connected' });
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.peerLog(FIRST)).toEqual({ started: 1, stopped: 0, received: [] });
  });

  it('restarts ICE when it fails instead of ending the call, keeping camera, room and peer connection', () => {
    const call = callIn('connected');
    call.peer(FIRST, { type: 'peer.disconnected' }, { type: 'peer.failed' });
    expect(call.peerState(FIRST)).toBe(PEER.restarting);
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.context().problem).toBeNull();
    expect(call.peerLog(FIRST)).toEqual({ started: 1, stopped: 0, received: [{ type: 'restartIce' }] });
    expect(call.log.signaling.stopped).toBe(0);
    expect(call.log.camera.stopped).toBe(0);
  });
});

describe('the other person leaves', () => {
  it('closes the peer connection, drops their tile and waits for them with the camera still on', () => {
    const call = callIn('connected');
    call.send({ type: 'signal.peerLeft', peerId: BOB.peer_id });
    expect(call.state()).toBe(IN_ROOM.waiting);
    expect(call.context().people).toEqual([]);
    expect(call.context().peerLeft).toBe(true);
    expect(call.actor.getSnapshot().children[FIRST]).toBeUndefined();
    expect(call.peerLog(FIRST)).toMatchObject({ started: 1, stopped: 1 });
    expect(call.log.camera.stopped).toBe(0);
    expect(call.log.signaling.stopped).toBe(0);
  });

  it('starts a new call by itself when they come back, with a new peer machine', () => {
    const call = callIn('connected');
    call.send({ type: 'signal.peerLeft', peerId: BOB.peer_id }, { type: 'signal.peerJoined', peer: BOB });
    expect(call.state()).toBe(IN_ROOM.negotiating);
    expect(call.context().people.map((person) => person.key)).toEqual(['person-2']);
    expect(call.log.connections.map((connection) => connection.input)).toEqual([peerInput(FIRST, false), peerInput('person-2', false)]);
  });

  it('ignores PEER_LEFT for someone who is not in this call', () => {
    const call = callIn('connected');
    call.send({ type: 'signal.peerLeft', peerId: 'someone-else' });
    expect(call.state()).toBe(IN_ROOM.connected);
    expect(call.peerLog(FIRST).stopped).toBe(0);
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
    expect(call.running()).toBe(0);
    expect(Object.keys(call.actor.getSnapshot().children)).toEqual([]);
    expect(call.log.view).toContain('hideSelfView');
    expect(call.log.session).toEqual(['rememberCall', 'forgetCall']);
  });

  it('can start again after hanging up', () => {
    const call = callIn('connected');
    call.send({ type: 'user.hangUp' }, { type: 'user.start' });
    expect(call.state()).toBe(CAPTURING);
    expect(call.log.camera.started).toBe(2);
    expect(call.context()).toMatchObject({ problem: null, people: [], selfId: null });
  });

  it('says nothing more to the effects once ended', () => {
    const call = callIn('connected');
    const connection = call.log.connections[0]!;
    call.send({ type: 'user.hangUp' });
    const sent = call.log.signaling.sent.length;
    connection.say({ type: 'peer.description', description: OFFER });
    call.send({ type: 'signal.description', from: BOB.peer_id, description: OFFER });
    expect(call.log.signaling.sent).toHaveLength(sent);
    expect(connection.received).toEqual([]);
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
    call.send({ type: 'signal.roomFull', message: 'This call is full: it holds 4 people.' });
    expect(call.state()).toBe('roomFull');
    expect(call.context().problem).toBe('This call is full: it holds 4 people.');
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
    expect(call.running()).toBe(0);
    call.send({ type: 'user.retry' });
    expect(call.state()).toBe(CAPTURING);
  });

  it('other server errors do not end the call', () => {
    const call = callIn('connected');
    call.send({ type: 'signal.error', code: 'UNKNOWN_PEER', message: 'No peer "x".' });
    expect(call.state()).toBe(IN_ROOM.connected);
  });
});
