/**
 * TURN credentials in WELCOME, as coturn will check them: recomputed here with the secret, made
 * per peer, expiring TURN_TTL_S after the WELCOME, fresh on a resume; the secret never sent.
 */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IceServerConfig } from '../../src/shared/messages.js';
import { closeAll, pair, startServer, type TestServer } from './helpers.js';

afterEach(async () => {
  vi.useRealTimers();
  await closeAll();
});

const SECRET = 'a-long-shared-secret-0123456789';
const TURN = { urls: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'], secret: SECRET, ttlS: 600 };
const STUN = { urls: 'stun:stun.example.org:3478' };

/** The TURN entry of a WELCOME's ice_servers, checked the way coturn checks it. */
function verifiedTurn(servers: IceServerConfig[], peerId: string) {
  const turn = servers.find((server) => [server.urls].flat().some((url) => url.startsWith('turn:')));
  if (!turn?.username || !turn.credential) throw new Error(`No TURN server with credentials in ${JSON.stringify(servers)}`);
  const [expiry, user, ...rest] = turn.username.split(':');
  expect(rest).toEqual([]);
  expect(user).toBe(peerId);
  expect(turn.credential).toBe(createHmac('sha1', SECRET).update(turn.username).digest('base64'));
  return { ...turn, expiryS: Number(expiry) };
}

async function joinedPair(server: TestServer) {
  const before = Math.floor(Date.now() / 1000);
  const { a, b, idA, idB } = await pair(server);
  const after = Math.floor(Date.now() / 1000);
  const [welcomeA] = a.all('WELCOME');
  const [welcomeB] = b.all('WELCOME');
  if (!welcomeA || !welcomeB) throw new Error('A pair without WELCOMEs');
  return { a, b, idA, idB, welcomeA, welcomeB, before, after };
}

describe('TURN credentials in WELCOME', () => {
  it('come beside the static ICE servers, signed with the secret, for the URLs configured', async () => {
    const server = await startServer({ iceServers: [STUN], turn: TURN });
    const { idA, welcomeA } = await joinedPair(server);

    expect(welcomeA.content.ice_servers[0]).toEqual(STUN);
    expect(welcomeA.content.ice_servers).toHaveLength(2);
    expect(verifiedTurn(welcomeA.content.ice_servers, idA).urls).toEqual(TURN.urls);
    expect(welcomeA.content.ice_transport_policy).toBe('all');
  });

  it('expire TURN_TTL_S after the WELCOME', async () => {
    const server = await startServer({ turn: TURN });
    const { idA, welcomeA, before, after } = await joinedPair(server);

    const { expiryS } = verifiedTurn(welcomeA.content.ice_servers, idA);
    expect(expiryS).toBeGreaterThanOrEqual(before + TURN.ttlS);
    expect(expiryS).toBeLessThanOrEqual(after + TURN.ttlS);
  });

  it('differ per peer', async () => {
    const server = await startServer({ turn: TURN });
    const { idA, idB, welcomeA, welcomeB } = await joinedPair(server);

    const turnA = verifiedTurn(welcomeA.content.ice_servers, idA);
    const turnB = verifiedTurn(welcomeB.content.ice_servers, idB);
    expect(turnB.username).not.toBe(turnA.username);
    expect(turnB.credential).not.toBe(turnA.credential);
  });

  it('are made afresh for a resumed seat, expiring from the resume on', async () => {
    // Only Date is faked: the server's sockets and timers run as usual.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T12:00:00Z'));
    const server = await startServer({ turn: TURN, resumeGraceMs: 60_000 });
    const { a, idA, welcomeA } = await joinedPair(server);
    const first = verifiedTurn(welcomeA.content.ice_servers, idA);

    vi.setSystemTime(new Date('2026-12-01T12:05:00Z'));
    a.ws.terminate();
    await server.openSockets(1);
    const a2 = await server.connect();
    const resumed = await a2.join('room-1', 'Ann', welcomeA.content.resume);

    expect(resumed.content.peer_id).toBe(idA);
    const fresh = verifiedTurn(resumed.content.ice_servers, idA);
    expect(first.expiryS).toBe(Date.parse('2026-12-01T12:00:00Z') / 1000 + TURN.ttlS);
    expect(fresh.expiryS).toBe(first.expiryS + 300);
    expect(fresh.credential).not.toBe(first.credential);
  });

  it('carry the relay-only policy when the server has it', async () => {
    const server = await startServer({ turn: TURN, iceTransportPolicy: 'relay' });
    const { welcomeA, welcomeB } = await joinedPair(server);

    expect(welcomeA.content.ice_transport_policy).toBe('relay');
    expect(welcomeB.content.ice_transport_policy).toBe('relay');
  });

  it('never send the secret itself', async () => {
    const server = await startServer({ turn: TURN });
    const { a, b } = await joinedPair(server);
    const raw: string[] = [];
    a.ws.on('message', (data) => raw.push(String(data)));
    b.send({ message_type: 'SDP', content: { type: 'offer', sdp: 'v=0\r\n' } });
    await a.next('SDP');

    for (const message of [...a.received, ...b.received]) expect(JSON.stringify(message)).not.toContain(SECRET);
    expect(raw.join('')).not.toContain(SECRET);
  });

  it('are left out without TURN settings: only the static servers', async () => {
    const server = await startServer({ iceServers: [STUN] });
    const { welcomeA } = await joinedPair(server);

    expect(welcomeA.content.ice_servers).toEqual([STUN]);
  });
});
