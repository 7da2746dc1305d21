/**
 * What surrounds the messages: who may open a socket, the heartbeat that notices a dead peer,
 * the health check, and shutting down.
 */
import { once } from 'node:events';
import { connect as connectTcp } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_GOING_AWAY } from '../../src/shared/limits.js';
import { closeAll, closeApp, openSocket, pair, startServer, WAIT_MS } from './helpers.js';

afterEach(closeAll);

/** The HTTP status the upgrade got: 101 if the socket opened, otherwise the refusal's status. */
function upgradeStatus(url: string, origin: string): Promise<number> {
  const ws = openSocket(url, { origin });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No answer to the upgrade within ${WAIT_MS} ms`)), WAIT_MS);
    const settle = (response: IncomingMessage) => {
      clearTimeout(timer);
      resolve(response.statusCode ?? 0);
    };
    ws.once('upgrade', settle);
    ws.once('unexpected-response', (_request, response) => settle(response));
  });
}

describe('Origin check on upgrade', () => {
  it('refuses a foreign Origin with HTTP 403', async () => {
    const server = await startServer();

    expect(await upgradeStatus(server.url, 'https://evil.example')).toBe(403);
    // A sandboxed page or a file: URL sends the opaque origin "null".
    expect(await upgradeStatus(server.url, 'null')).toBe(403);
  });

  it('accepts the page’s own origin', async () => {
    const server = await startServer();
    const a = await server.connect({ origin: server.origin });

    expect((await a.join('room-1')).content.room).toBe('room-1');
  });

  it('accepts an origin from allowedOrigins', async () => {
    const server = await startServer({ allowedOrigins: ['https://call.example.org'] });
    const a = await server.connect({ origin: 'https://call.example.org' });

    expect((await a.join('room-1')).content.room).toBe('room-1');
    expect(await upgradeStatus(server.url, 'https://other.example.org')).toBe(403);
  });

  it('accepts an upgrade without Origin (a bot, a test, another implementation)', async () => {
    const server = await startServer();
    const a = await server.connect();

    expect((await a.join('room-1')).content.room).toBe('room-1');
  });
});

describe('heartbeat', () => {
  it('terminates a socket that does not answer pings, and tells its peer once the resume window has passed', async () => {
    const intervalMs = 50;
    const server = await startServer({ heartbeatIntervalMs: intervalMs, resumeGraceMs: 100 });
    const silent = await server.connect({ autoPong: false });
    const alive = await server.connect();
    const idSilent = (await silent.join('room-1')).content.peer_id;
    await alive.join('room-1');

    expect((await alive.next('PEER_LEFT')).content).toEqual({ peer_id: idSilent });
    // Terminated, not closed politely: the client sees an abnormal closure.
    expect((await silent.closed).code).toBe(1006);
    // The peer that answers keeps being pinged and stays connected.
    await once(alive.ws, 'ping', { signal: AbortSignal.timeout(WAIT_MS) });
    await once(alive.ws, 'ping', { signal: AbortSignal.timeout(WAIT_MS) });
    expect(alive.ws.readyState).toBe(alive.ws.OPEN);
  });

  it('keeps a socket that sends frames between the pings, even one that never answers them', async () => {
    const server = await startServer({ heartbeatIntervalMs: 50 });
    const chatty = await server.connect({ autoPong: false });
    await chatty.join('room-1');

    // Alone in the room, so each CANDIDATE is answered with an ERROR; it is the frame that counts.
    for (let ping = 0; ping < 4; ping += 1) {
      await once(chatty.ws, 'ping', { signal: AbortSignal.timeout(WAIT_MS) });
      chatty.send({ message_type: 'CANDIDATE', content: null });
      expect((await chatty.next('ERROR')).content.code).toBe('UNKNOWN_PEER');
    }
    expect(chatty.ws.readyState).toBe(chatty.ws.OPEN);
  });
});

describe('HTTP', () => {
  it('answers GET /healthz with 200 {"status":"ok"}', async () => {
    const server = await startServer();

    const response = await server.app.inject({ method: 'GET', url: '/healthz' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });
});

describe('shutdown', () => {
  it('closes open sockets with 1001 when the app closes', async () => {
    const server = await startServer();
    const { a, b } = await pair(server);

    await closeApp(server.app);

    expect((await a.closed).code).toBe(CLOSE_GOING_AWAY);
    expect((await b.closed).code).toBe(CLOSE_GOING_AWAY);
  });

  it('finishes while a browser holds a pre-opened connection that never sent a request', async () => {
    const server = await startServer();
    const idle = connectTcp(Number(new URL(server.origin).port), '127.0.0.1');
    idle.on('error', () => {});
    await once(idle, 'connect');

    await closeApp(server.app);

    await once(idle, 'close');
  });

  it('finishes even while a client reconnects at once, as the page does on 1001', async () => {
    const server = await startServer();
    // The close code of every socket that opened (undefined: refused), in order.
    const closes: Promise<number | undefined>[] = [];
    let attempts = 0;
    const connect = () => {
      if (++attempts > 200) return;
      const ws = openSocket(server.url);
      let opened = false;
      ws.on('open', () => (opened = true));
      closes.push(
        new Promise((resolve) =>
          ws.once('close', (code) => {
            resolve(opened ? code : undefined);
            connect();
          }),
        ),
      );
    };
    connect();
    await server.openSockets(1);

    await closeApp(server.app);
    attempts = 200;

    const codes = await Promise.all(closes);
    expect(codes[0]).toBe(CLOSE_GOING_AWAY);
    // A socket accepted while closing is closed as going away too, never cut or left open.
    expect(codes.filter((code) => code !== undefined && code !== CLOSE_GOING_AWAY)).toEqual([]);
  });
});
