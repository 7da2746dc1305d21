/**
 * Test calls (`POST /echo`) as a page sees them: the echo peer comes into the room through the
 * signaling protocol and offers; the limits (one per peer, a cap per server, a time limit) hold;
 * every bad request is refused with a sentence; closing the server ends every test call.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AppOptions } from '../../src/server/app.js';
import { closeAll, closeApp, startServer, waitUntil, type TestClient, type TestServer } from './helpers.js';

afterEach(closeAll);

/** How long the echo peer may take to load werift, gather candidates and offer. */
const OFFER_MS = 10_000;

async function askForEcho(server: TestServer, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.origin}/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A page alone in a room of its own. */
async function alone(server: TestServer, room: string): Promise<{ client: TestClient; peerId: string }> {
  const client = await server.connect();
  const welcome = await client.join(room);
  return { client, peerId: welcome.content.peer_id };
}

async function withEcho(options: AppOptions = {}) {
  return startServer({ echoMaxSeconds: 60, ...options });
}

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('POST /echo', { timeout: 30_000 }, () => {
  it('sends the echo peer into the room, where it offers audio, video and the app data channel to the page like any newcomer', async () => {
    const server = await withEcho();
    const { client, peerId } = await alone(server, 'echo-room');

    const answer = await askForEcho(server, { room: 'echo-room', peer_id: peerId });

    expect(answer).toEqual({ status: 202, body: { max_seconds: 60 } });
    const joined = await client.next('PEER_JOINED', OFFER_MS);
    expect(joined.content.name).toBe('Echo');
    const offer = await client.next('SDP', OFFER_MS);
    expect(offer.from).toBe(joined.content.peer_id);
    expect(offer.content.type).toBe('offer');
    expect(offer.content.sdp).toMatch(/^m=audio /m);
    expect(offer.content.sdp).toMatch(/^m=video /m);
    expect(offer.content.sdp).toMatch(/^a=sendrecv/m);
    // The negotiated channel is in the first offer, so the page need not renegotiate for it.
    expect(offer.content.sdp).toMatch(/^m=application \d+ UDP\/DTLS\/SCTP webrtc-datachannel/m);
    expect(await client.next('CANDIDATE', OFFER_MS)).toMatchObject({ from: joined.content.peer_id });
  });

  it('gives one peer one test call at a time', async () => {
    const server = await withEcho();
    const { client, peerId } = await alone(server, 'once');
    expect((await askForEcho(server, { room: 'once', peer_id: peerId })).status).toBe(202);
    await client.next('PEER_JOINED', OFFER_MS);

    const again = await askForEcho(server, { room: 'once', peer_id: peerId });

    expect(again.status).toBe(409);
    expect(again.body.message).toContain('already have a test call going');
  });

  it('refuses a room that already has someone else in it', async () => {
    const server = await withEcho();
    const { peerId } = await alone(server, 'taken');
    await (await server.connect()).join('taken');

    const answer = await askForEcho(server, { room: 'taken', peer_id: peerId });

    expect(answer.status).toBe(409);
    expect(answer.body.message).toContain('already has someone else in it');
  });

  it('runs at most ECHO_MAX_CALLS at once, says so past the cap, and frees a place when a call ends', async () => {
    const server = await withEcho({ echoMaxCalls: 2 });
    const pages = await Promise.all(['cap-1', 'cap-2', 'cap-3'].map((room) => alone(server, room)));
    for (const [index, page] of pages.slice(0, 2).entries()) {
      expect((await askForEcho(server, { room: `cap-${index + 1}`, peer_id: page.peerId })).status).toBe(202);
      await page.client.next('PEER_JOINED', OFFER_MS);
    }

    const third = await askForEcho(server, { room: 'cap-3', peer_id: pages[2]!.peerId });

    expect(third.status).toBe(503);
    expect(third.body.message).toBe('This server already has 2 test calls going, the most it runs at once; try again in a minute.');
    // The first page leaves: its echo peer leaves too, and the third page gets its call.
    pages[0]!.client.send({ message_type: 'LEAVE' });
    const deadline = Date.now() + OFFER_MS;
    let status = third.status;
    while (status === 503 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await askForEcho(server, { room: 'cap-3', peer_id: pages[2]!.peerId })).status;
    }
    expect(status).toBe(202);
    await pages[2]!.client.next('PEER_JOINED', OFFER_MS);
  });

  it('ends a test call after ECHO_MAX_SECONDS: the echo peer leaves the room and its place is free again', async () => {
    const server = await withEcho({ echoMaxSeconds: 1, echoMaxCalls: 1 });
    const { client, peerId } = await alone(server, 'short');
    await askForEcho(server, { room: 'short', peer_id: peerId });
    const joined = await client.next('PEER_JOINED', OFFER_MS);

    const left = await client.next('PEER_LEFT', OFFER_MS);

    expect(left.content.peer_id).toBe(joined.content.peer_id);
    // Only the page is left: the echo peer's socket is gone too.
    await server.openSockets(1);
    const other = await alone(server, 'short-2');
    expect((await askForEcho(server, { room: 'short-2', peer_id: other.peerId })).status).toBe(202);
  });

  it('ends every test call when the server closes, without waiting for them to run out', async () => {
    const timersBefore = timers();
    const server = await withEcho({ echoMaxSeconds: 3_600 });
    const { client, peerId } = await alone(server, 'closing');
    await askForEcho(server, { room: 'closing', peer_id: peerId });
    await client.next('SDP', OFFER_MS);

    // Resolving at all is the point: the call was allowed an hour.
    await closeApp(server.app);

    expect((await client.closed).code).toBe(1001);
    // The time limit, the key-frame requests and werift's own timers are all gone. A socket still
    // finishing its closing handshake (this test's or an earlier one's) holds a timer of ws's for
    // a moment, so the count is awaited; an hour-long call timer would never let it fall.
    await waitUntil(() => timers() <= timersBefore, `the timers to fall back to ${timersBefore} (now ${timers()})`);
  });

  describe('refuses with a sentence that says what to do', () => {
    it('a peer that is not in the room, or a room that does not exist', async () => {
      const server = await withEcho();
      const { peerId } = await alone(server, 'real');

      for (const body of [{ room: 'real', peer_id: 'nobody' }, { room: 'nowhere', peer_id: peerId }]) {
        const answer = await askForEcho(server, body);
        expect(answer.status).toBe(404);
        expect(answer.body.message).toBe(
          `No peer "${body.peer_id}" is in room "${body.room}"; JOIN the room over /ws first, then ask with the peer_id from your WELCOME.`,
        );
      }
      await waitUntil(() => server.app.signalingSockets.size === 1, 'no echo peer to have come');
    });

    it.each([
      [{ room: 'a room' , peer_id: 'p' }, 'Field "body.room" must be a room name'],
      [{ room: 'r' }, 'Field "body.peer_id" is missing'],
      [[], 'Field "body" must be an object like {"room": "my-room", "peer_id": "<your peer_id from WELCOME>"}'],
    ])('a malformed body (%j)', async (body, reason) => {
      const server = await withEcho();

      const answer = await askForEcho(server, body);

      expect(answer.status).toBe(400);
      expect(answer.body.message).toContain(reason);
      expect(answer.body.message).toContain('after your WELCOME');
    });

    it('any request when test calls are off (ECHO=off)', async () => {
      const server = await startServer({ echo: false });
      const { peerId } = await alone(server, 'off');

      const answer = await askForEcho(server, { room: 'off', peer_id: peerId });

      expect(answer.status).toBe(404);
      expect(answer.body.message).toContain('ECHO=off');
    });
  });
});
