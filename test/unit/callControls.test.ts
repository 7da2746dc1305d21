/**
 * The in-call controls through the machines: what the person does with their microphone, camera
 * and screen reaches the devices actor and every peer connection; what the others say of theirs
 * reaches their tiles; chat goes to everyone and comes back with names; the verification code and
 * a connection that cannot be secured. The call runs with its real local media and peer machines
 * on recording fakes.
 */
import { createActor, fromCallback } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { DeviceCommand, DeviceEvent, MediaEvent, PeerCommand, PeerEvent, PeerInput, SignalingCommand, SignalingInput } from '../../src/client/machine/events.js';
import { provideCall } from '../../src/client/machine/provideCall.js';

const ANN = { peer_id: 'ann-id', name: 'Ann' };
const BO = { peer_id: 'bo-id', name: 'Bo' };
const CHAT = { type: 'chat' as const, id: 'm-1', text: 'hi <b>there</b>', sent_at: 1_796_130_000_000 };

function startCall() {
  const devices: DeviceCommand[] = [];
  const sent: SignalingCommand[] = [];
  const connections = new Map<string, { input: PeerInput; received: PeerCommand[]; say: (event: PeerEvent) => void; stopped: boolean }>();
  let tellDevices: (event: MediaEvent | DeviceEvent) => void = () => {};
  const machine = provideCall({
    camera: fromCallback<DeviceCommand>(({ receive, sendBack }) => {
      tellDevices = sendBack;
      receive((command) => devices.push(command));
      // The camera comes on at once.
      queueMicrotask(() => sendBack({ type: 'media.ready' }));
    }),
    signaling: fromCallback<SignalingCommand, SignalingInput>(({ receive }) => receive((command) => sent.push(command))),
    peerConnection: fromCallback<PeerCommand, PeerInput>(({ input, receive, sendBack }) => {
      const connection = { input, received: [] as PeerCommand[], say: sendBack, stopped: false };
      connections.set(input.key, connection);
      receive((command) => connection.received.push(command));
      return () => {
        connection.stopped = true;
      };
    }),
    showSelfView: () => {},
    hideSelfView: () => {},
    showRemoteVideo: () => {},
    hideRemoteVideo: () => {},
    rememberCall: () => {},
    forgetCall: () => {},
  });
  const actor = createActor(machine, { input: { room: 'r', name: 'Me' } });
  actor.start();
  return {
    actor,
    devices,
    sent,
    connection: (key: string) => connections.get(key)!,
    device: (event: MediaEvent | DeviceEvent) => tellDevices(event),
    context: () => actor.getSnapshot().context,
    person: (key: string) => actor.getSnapshot().context.people.find((person) => person.key === key)!,
    sentMedia: (key: string) => connections.get(key)!.received.filter((command) => command.type === 'sendMedia').map((command) => command.media),
  };
}

/** In a call with Ann and Bo (both there before us), the camera on. */
async function inGroup() {
  const call = startCall();
  call.actor.send({ type: 'user.start' });
  await Promise.resolve();
  call.actor.send({ type: 'signal.welcome', selfId: 'me-id', peers: [ANN, BO], iceServers: [], iceTransportPolicy: 'all' });
  return call;
}

describe('our microphone, camera and screen', () => {
  it('reach the devices and every peer connection, which is told what is sent now', async () => {
    const call = await inGroup();
    expect(call.connection('person-1').input.media).toEqual({ audio: true, video: true, screen: false, screenBeside: false });

    call.actor.send({ type: 'user.toggleMicrophone' });
    expect(call.devices.at(-1)).toEqual({ type: 'microphone', enabled: false });
    for (const key of ['person-1', 'person-2']) expect(call.sentMedia(key).at(-1)).toEqual({ audio: false, video: true, screen: false, screenBeside: false });
    expect(call.context().localMedia.audio).toBe(false);

    call.actor.send({ type: 'user.toggleCamera' });
    expect(call.devices.at(-1)).toEqual({ type: 'camera.stop' });
    expect(call.sentMedia('person-2').at(-1)).toEqual({ audio: false, video: false, screen: false, screenBeside: false });
    call.actor.send({ type: 'user.toggleCamera' });
    expect(call.devices.at(-1)).toEqual({ type: 'camera.start' });
    call.device({ type: 'device.cameraOn' });
    expect(call.sentMedia('person-2').at(-1)).toEqual({ audio: false, video: true, screen: false, screenBeside: false });

    call.actor.send({ type: 'user.toggleScreen' });
    expect(call.devices.at(-1)).toEqual({ type: 'screen.start' });
    call.device({ type: 'device.screenOn' });
    expect(call.sentMedia('person-1').at(-1)).toEqual({ audio: false, video: true, screen: true, screenBeside: false });
    // The browser's own "Stop sharing".
    call.device({ type: 'device.screenEnded' });
    expect(call.devices.at(-1)).toEqual({ type: 'screen.stop' });
    expect(call.sentMedia('person-1').at(-1)).toEqual({ audio: false, video: true, screen: false, screenBeside: false });
  });

  it('a screen beside the camera: the peer connections send both, the others are told the same as in place, and the person may switch', async () => {
    const call = await inGroup();
    call.actor.send({ type: 'user.toggleScreenBeside' });
    expect(call.devices.at(-1)).toEqual({ type: 'screen.start' });
    call.device({ type: 'device.screenOn' });
    for (const key of ['person-1', 'person-2']) expect(call.sentMedia(key).at(-1)).toEqual({ audio: true, video: true, screen: true, screenBeside: true });
    // A newcomer gets both videos from the start.
    call.actor.send({ type: 'signal.peerJoined', peer: { peer_id: 'cy-id', name: 'Cy' } });
    expect(call.connection('person-3').input.media).toEqual({ audio: true, video: true, screen: true, screenBeside: true });
    call.actor.send({ type: 'user.toggleScreenBeside' });
    expect(call.sentMedia('person-1').at(-1)).toEqual({ audio: true, video: true, screen: true, screenBeside: false });
    call.actor.send({ type: 'user.toggleScreenBeside' });
    expect(call.sentMedia('person-1').at(-1)).toEqual({ audio: true, video: true, screen: true, screenBeside: true });
    // The browser's own "Stop sharing" ends either.
    call.device({ type: 'device.screenEnded' });
    expect(call.devices.at(-1)).toEqual({ type: 'screen.stop' });
    expect(call.sentMedia('person-1').at(-1)).toEqual({ audio: true, video: true, screen: false, screenBeside: false });
  });

  it('another device: the devices actor is asked, the peer connections send the new tracks, and the person is told', async () => {
    const call = await inGroup();
    const before = call.sentMedia('person-1').length;
    call.actor.send({ type: 'user.chooseDevice', kind: 'audioinput', deviceId: 'headset' });
    expect(call.devices.at(-1)).toEqual({ type: 'device.use', kind: 'audioinput', deviceId: 'headset' });
    call.device({ type: 'device.switched', text: 'Now using Headset.' });
    expect(call.sentMedia('person-1')).toHaveLength(before + 1);
    expect(call.context().mediaNote).toBe('Now using Headset.');
  });

  it('a newcomer is sent what we send now', async () => {
    const call = await inGroup();
    call.actor.send({ type: 'user.toggleMicrophone' });
    call.actor.send({ type: 'signal.peerJoined', peer: { peer_id: 'cy-id', name: 'Cy' } });
    expect(call.connection('person-3').input.media).toEqual({ audio: false, video: true, screen: false, screenBeside: false });
  });

  it('cannot be changed before the camera is on', () => {
    const call = startCall();
    call.actor.send({ type: 'user.start' });
    expect(call.actor.getSnapshot().can({ type: 'user.toggleMicrophone' })).toBe(false);
  });
});

describe('what the others send', () => {
  it('shows on their entry as they say it, and their verification code', async () => {
    const call = await inGroup();
    call.connection('person-2').say({ type: 'peer.media', media: { audio: false, video: false, screen: false } });
    expect(call.person('person-2').media).toEqual({ audio: false, video: false, screen: false });
    expect(call.person('person-1').media).toEqual({ audio: true, video: true, screen: false });
    call.connection('person-1').say({ type: 'peer.verification', code: '1234 5678' });
    expect(call.person('person-1').verificationCode).toBe('1234 5678');
    expect(call.person('person-2').verificationCode).toBeNull();
  });

  it('a connection that cannot be secured gives up with that reason; the last one ends the call', async () => {
    const call = await inGroup();
    call.connection('person-1').say({ type: 'peer.untrusted' });
    expect(call.person('person-1').status).toBe('failed');
    expect(call.person('person-1').problem).toMatch(/could not be secured/);
    expect(call.actor.getSnapshot().matches('active')).toBe(true);
    call.connection('person-2').say({ type: 'peer.untrusted' });
    expect(call.actor.getSnapshot().matches('failed')).toBe(true);
    expect(call.context().problem).toMatch(/could not be secured/);
  });

  it('the failure names our code, which the tile no longer shows once the call is over', async () => {
    const call = await inGroup();
    for (const key of ['person-1', 'person-2']) {
      call.connection(key).say({ type: 'peer.verification', code: key === 'person-1' ? '1111 2222' : '3333 4444' });
      call.connection(key).say({ type: 'peer.encryptionFailed' });
      call.connection(key).say({ type: 'peer.untrusted' });
    }
    expect(call.actor.getSnapshot().matches('failed')).toBe(true);
    expect(call.context().people).toEqual([]);
    expect(call.context().problem).toContain('Your code was 3333 4444');
  });

  it('someone who leaves as the encryption with them fails is held until its verdict, code and all', async () => {
    const call = await inGroup();
    call.connection('person-1').say({ type: 'peer.encryptionFailed' });
    expect(call.person('person-1')).toMatchObject({ status: 'negotiating', encryptionFailed: true });
    // Ann's side failed too, and her page left before ours had its code.
    call.actor.send({ type: 'signal.peerLeft', peerId: ANN.peer_id });
    expect(call.person('person-1')).toMatchObject({ leaving: true });
    expect(call.connection('person-1').stopped).toBe(false);
    call.connection('person-1').say({ type: 'peer.verification', code: '1234 5678' });
    expect(call.person('person-1').verificationCode).toBe('1234 5678');
    call.connection('person-1').say({ type: 'peer.untrusted' });
    // Bo is still in the call: Ann goes now, with her pair.
    expect(call.actor.getSnapshot().matches('active')).toBe(true);
    expect(call.context().people.map((person) => person.key)).toEqual(['person-2']);
    expect(call.connection('person-1').stopped).toBe(true);
    expect(call.context().peerLeft).toBe(true);
  });

  it('one to one, the call then fails as not secured, not as the other person having left', async () => {
    const call = startCall();
    call.actor.send({ type: 'user.start' });
    await Promise.resolve();
    call.actor.send({ type: 'signal.welcome', selfId: 'me-id', peers: [ANN], iceServers: [], iceTransportPolicy: 'all' });
    call.connection('person-1').say({ type: 'peer.encryptionFailed' });
    call.actor.send({ type: 'signal.peerLeft', peerId: ANN.peer_id });
    expect(call.actor.getSnapshot().matches({ active: { room: { call: 'inCall' } } })).toBe(true);
    call.connection('person-1').say({ type: 'peer.verification', code: '1234 5678' });
    call.connection('person-1').say({ type: 'peer.untrusted' });
    expect(call.actor.getSnapshot().matches('failed')).toBe(true);
    expect(call.context().problem).toMatch(/^The call could not be secured.*Your code was 1234 5678/);
  });

  it('also when their connection had just said connected', async () => {
    const call = await inGroup();
    call.connection('person-1').say({ type: 'peer.connected' });
    call.connection('person-1').say({ type: 'peer.encryptionFailed' });
    expect(call.person('person-1')).toMatchObject({ status: 'connected', encryptionFailed: true });
    call.actor.send({ type: 'signal.peerLeft', peerId: ANN.peer_id });
    expect(call.person('person-1')).toMatchObject({ leaving: true });
    call.connection('person-1').say({ type: 'peer.untrusted' });
    expect(call.context().people.map((person) => person.key)).toEqual(['person-2']);
  });

  it('someone who leaves without a failed encryption goes at once', async () => {
    const call = await inGroup();
    call.actor.send({ type: 'signal.peerLeft', peerId: ANN.peer_id });
    expect(call.context().people.map((person) => person.key)).toEqual(['person-2']);
    expect(call.connection('person-1').stopped).toBe(true);
  });
});

describe('chat', () => {
  it('goes to everyone, and is kept with our name', async () => {
    const call = await inGroup();
    call.actor.send({ type: 'user.sendChat', text: '  hello  ', id: 'c-1', sentAt: 5 });
    for (const key of ['person-1', 'person-2']) {
      expect(call.connection(key).received.at(-1)).toEqual({ type: 'sendChat', message: { type: 'chat', id: 'c-1', text: 'hello', sent_at: 5 } });
    }
    expect(call.context().chat).toEqual([{ id: 'c-1', key: null, name: 'Me', text: 'hello', sentAt: 5 }]);
    // Nothing to say is not sent.
    call.actor.send({ type: 'user.sendChat', text: '   ', id: 'c-2', sentAt: 6 });
    expect(call.context().chat).toHaveLength(1);
  });

  it('from someone comes with their name, once', async () => {
    const call = await inGroup();
    call.connection('person-2').say({ type: 'peer.chat', message: CHAT });
    call.connection('person-2').say({ type: 'peer.chat', message: CHAT });
    expect(call.context().chat).toEqual([{ id: 'm-1', key: 'person-2', name: 'Bo', text: CHAT.text, sentAt: CHAT.sent_at }]);
    // The same id from someone else is another message.
    call.connection('person-1').say({ type: 'peer.chat', message: CHAT });
    expect(call.context().chat.map((line) => line.name)).toEqual(['Bo', 'Ann']);
  });

  it('starts empty in a new call', async () => {
    const call = await inGroup();
    call.actor.send({ type: 'user.sendChat', text: 'bye', id: 'c-1', sentAt: 5 });
    call.actor.send({ type: 'user.hangUp' });
    call.actor.send({ type: 'user.start' });
    expect(call.context().chat).toEqual([]);
  });
});

describe('a dead media path renews the link to the server', () => {
  it('when nobody else is connected, and not while someone is', async () => {
    const call = await inGroup();
    call.connection('person-1').say({ type: 'peer.connected' });
    call.connection('person-2').say({ type: 'peer.connected' });
    call.connection('person-2').say({ type: 'peer.failed' });
    expect(call.sent.filter((command) => command.type === 'refresh')).toHaveLength(0);
    call.connection('person-1').say({ type: 'peer.failed' });
    expect(call.sent.filter((command) => command.type === 'refresh')).toHaveLength(1);
  });
});
