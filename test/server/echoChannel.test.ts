/**
 * The echo peer's data channel, end to end through the server: a werift peer connection plays
 * the page (the same negotiated "app" channel, id 0), answers the echo peer's offer, and talks
 * to it over the channel: bad input, media states, chat, and a chat flood.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RTCDataChannel, RTCPeerConnection } from 'werift';
import { CHAT_REPLIES } from '../../src/server/echo/echoMessages.js';
import type { ServerMessage } from '../../src/shared/messages.js';
import { parsePeerMessage } from '../../src/shared/parsePeerMessage.js';
import { APP_CHANNEL } from '../../src/shared/peerChannel.js';
import type { PeerMessage } from '../../src/shared/peerMessages.js';
import { parseServerMessage } from '../../src/shared/parseServerMessage.js';
import { closeAll, startServer, waitUntil, type TestClient } from './helpers.js';

const CALL_MS = 20_000;

const connections: RTCPeerConnection[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((pc) => pc.close()));
  await closeAll();
});

/** A page in a test call: joined, asked for the echo peer, and connected to it with the app channel open. */
async function pageInTestCall() {
  const logLines: string[] = [];
  const server = await startServer({ echoMaxSeconds: 60, logger: { level: 'warn', stream: { write: (line: string) => void logLines.push(line) } } });
  const client: TestClient = await server.connect();
  const welcome = await client.join('echo-channel');
  const { RTCPeerConnection: PeerConnection } = await import('werift');
  const pc = new PeerConnection({ iceAdditionalHostAddresses: ['127.0.0.1'] });
  connections.push(pc);
  const channel: RTCDataChannel = pc.createDataChannel(APP_CHANNEL.label, { negotiated: true, id: APP_CHANNEL.id });
  const heard: PeerMessage[] = [];
  channel.onMessage.subscribe((data) => {
    const parsed = parsePeerMessage(typeof data === 'string' ? data : data.toString());
    if (!parsed.ok) throw new Error(`The echo peer sent ${parsed.reason}`);
    heard.push(parsed.message);
  });

  let echoId: string | null = null;
  pc.onIceCandidate.subscribe((candidate) => {
    if (echoId) client.send({ message_type: 'CANDIDATE', to: echoId, content: candidate ? candidate.toJSON() : null });
  });
  client.ws.on('message', (data) => {
    const parsed = parseServerMessage(data.toString());
    if (!parsed.ok) return;
    const message: ServerMessage = parsed.message;
    if (message.message_type === 'SDP' && message.content.type === 'offer') {
      echoId = message.from;
      const from = message.from;
      void (async () => {
        await pc.setRemoteDescription(message.content);
        await pc.setLocalDescription(await pc.createAnswer());
        client.send({ message_type: 'SDP', to: from, content: { type: 'answer', sdp: pc.localDescription!.sdp } });
      })();
    } else if (message.message_type === 'CANDIDATE' && message.content) {
      void pc.addIceCandidate(message.content).catch(() => {});
    }
  });

  const response = await fetch(`${server.origin}/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ room: 'echo-channel', peer_id: welcome.content.peer_id }),
  });
  expect(response.status).toBe(202);
  await waitUntil(() => channel.readyState === 'open', 'the app channel to open', CALL_MS);
  const say = (message: unknown) => channel.send(typeof message === 'string' ? message : JSON.stringify(message));
  const heardOf = <T extends PeerMessage['type']>(type: T) => heard.filter((message): message is Extract<PeerMessage, { type: T }> => message.type === type);
  return { say, heard, heardOf, logLines, channel };
}

describe('the echo peer on the app data channel', { timeout: 60_000 }, () => {
  it('says what it sends on open, mirrors the page\'s media states, and answers chat with the same text', async () => {
    const { say, heardOf } = await pageInTestCall();
    await waitUntil(() => heardOf('media').length === 1, 'its media state on open', CALL_MS);
    expect(heardOf('media')[0]).toEqual({ type: 'media', audio: true, video: true, screen: false });

    say({ type: 'media', audio: false, video: true, screen: false });
    say({ type: 'media', audio: false, video: false, screen: true });
    say({ type: 'chat', id: 'page-1', text: 'hello <b>echo</b>', sent_at: 1_000 });

    await waitUntil(() => heardOf('chat').length === 1, 'the chat answer', CALL_MS);
    expect(heardOf('media').slice(1)).toEqual([
      { type: 'media', audio: false, video: true, screen: false },
      { type: 'media', audio: false, video: false, screen: true },
    ]);
    const answer = heardOf('chat')[0]!;
    expect(answer.text).toBe('hello <b>echo</b>');
    expect(answer.id).not.toBe('page-1');
    expect(answer.sent_at).toBeGreaterThan(1_000);
  });

  it('ignores invalid messages with a log line and keeps the call going', async () => {
    const { say, heardOf, logLines, channel } = await pageInTestCall();

    say('not json at all');
    say({ type: 'chat', id: 'x', text: '', sent_at: 1 });
    channel.send(Buffer.from('bytes'));
    say({ type: 'chat', id: 'ok', text: 'still there?', sent_at: 1 });

    await waitUntil(() => heardOf('chat').length === 1, 'the answer to the valid message', CALL_MS);
    expect(heardOf('chat')[0]!.text).toBe('still there?');
    const ignored = logLines.filter((line) => line.includes('ignored'));
    expect(ignored).toHaveLength(3);
    expect(ignored.join('\n')).toContain('not JSON');
    expect(ignored.join('\n')).toContain('binary');
    expect(ignored.join('\n')).toContain('a \\"chat\\" message that does not match');
  });

  it('answers a chat flood only up to its limit', async () => {
    const { say, heardOf } = await pageInTestCall();
    await waitUntil(() => heardOf('media').length === 1, 'its media state on open', CALL_MS);
    const started = Date.now();

    for (let i = 0; i < 100; i += 1) say({ type: 'chat', id: `flood-${i}`, text: `flood ${i}`, sent_at: 1 });
    // The channel is ordered and the echo peer answers in order: once this change is mirrored,
    // every chat answer it gives to the flood has been sent before it.
    say({ type: 'media', audio: false, video: false, screen: false });
    await waitUntil(() => heardOf('media').length === 2, 'the media state after the flood', CALL_MS);

    const elapsedS = (Date.now() - started) / 1_000;
    const answered = heardOf('chat').length;
    expect(answered).toBeGreaterThanOrEqual(CHAT_REPLIES.burst);
    expect(answered).toBeLessThanOrEqual(CHAT_REPLIES.burst + Math.ceil(elapsedS * CHAT_REPLIES.perSecond));
    expect(heardOf('chat').map((message) => message.text).slice(0, CHAT_REPLIES.burst)).toEqual(
      Array.from({ length: CHAT_REPLIES.burst }, (_, i) => `flood ${i}`),
    );
  });
});
