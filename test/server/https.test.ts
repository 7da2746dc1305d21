/**
 * TLS_CERT/TLS_KEY: the same server over https:// and wss://, with a certificate made for the
 * test (trusted by the clients here as their only CA), and HSTS on its answers.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeLocalCertificate } from '../../scripts/localCertificate.js';
import { buildApp } from '../../src/server/app.js';
import { SIGNALING_PATH } from '../../src/shared/limits.js';
import { parseServerMessage } from '../../src/shared/parseServerMessage.js';
import { closeAll, connect, WAIT_MS } from './helpers.js';

let dir: string;
let tls: { cert: string; key: string };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'peer-call-https-'));
  const files = makeLocalCertificate(dir, ['localhost', '127.0.0.1']);
  tls = { cert: readFileSync(files.cert, 'utf8'), key: readFileSync(files.key, 'utf8') };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(closeAll);

async function startHttpsServer() {
  const app = await buildApp({ tls });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { app, port };
}

function getHealth(port: number, ca: string): Promise<IncomingMessage & { body: string }> {
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path: '/healthz', ca, timeout: WAIT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Object.assign(response, { body: Buffer.concat(chunks).toString() })));
    });
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error('No https answer in time')));
  });
}

describe('https and wss with TLS_CERT and TLS_KEY', () => {
  it('answers over https with HSTS, and a client that does not trust the certificate is refused', async () => {
    const { app, port } = await startHttpsServer();
    try {
      const response = await getHealth(port, tls.cert);
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ status: 'ok' });
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000');

      // Without the test's certificate as a CA, the client refuses it: it is really TLS.
      await expect(getHealth(port, '')).rejects.toThrow(/self-signed|certificate/i);
    } finally {
      await app.close();
    }
  });

  it('runs the signaling socket over wss', async () => {
    const { app, port } = await startHttpsServer();
    try {
      const client = await connect(`wss://127.0.0.1:${port}${SIGNALING_PATH}`, { ca: tls.cert });
      const welcome = await client.join('room-1', 'Ann');
      expect(welcome.content.room).toBe('room-1');
      expect(parseServerMessage(JSON.stringify(welcome)).ok).toBe(true);

      // Plain ws to the same port gets no socket.
      await expect(connect(`ws://127.0.0.1:${port}${SIGNALING_PATH}`)).rejects.toThrow(/hang up|reset/);
    } finally {
      await app.close();
    }
  });
  it('sends the echo peer of a test call to its own server over wss', async () => {
    const { app, port } = await startHttpsServer();
    try {
      const client = await connect(`wss://127.0.0.1:${port}${SIGNALING_PATH}`, { ca: tls.cert });
      const welcome = await client.join('echo-over-tls', 'Ann');
      const body = JSON.stringify({ room: 'echo-over-tls', peer_id: welcome.content.peer_id });
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const post = request(
          { host: '127.0.0.1', port, path: '/echo', method: 'POST', ca: tls.cert, headers: { 'content-type': 'application/json' }, timeout: WAIT_MS },
          (response) => {
            response.resume();
            resolve(response.statusCode);
          },
        );
        post.on('error', reject);
        post.end(body);
      });
      expect(status).toBe(202);
      // The echo peer reached the server through wss and took its seat beside the person.
      expect((await client.next('PEER_JOINED', 10_000)).content.name).toBe('Echo');
    } finally {
      await app.close();
    }
  });
});
