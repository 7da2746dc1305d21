/**
 * The yardstick's server: serves bench/minimal/ and relays each message of a room to the other
 * person in it, nothing more (no validation, no resume, no limits). Loopback only.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { IceServerConfig } from '../src/shared/messages.js';

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html' },
  '/minimal.js': { file: 'minimal.js', type: 'text/javascript' },
};

export interface MinimalServer {
  port: number;
  close(): Promise<void>;
}

export async function startMinimalServer(iceServers: readonly IceServerConfig[]): Promise<MinimalServer> {
  const rooms = new Map<string, WebSocket[]>();
  const serve = (request: IncomingMessage, response: ServerResponse) => {
    const entry = FILES[new URL(request.url ?? '/', 'http://localhost').pathname];
    if (!entry) return void response.writeHead(404).end();
    readFile(new URL(`./minimal/${entry.file}`, import.meta.url)).then(
      (body) => response.writeHead(200, { 'content-type': entry.type }).end(body),
      () => response.writeHead(500).end(),
    );
  };
  const http = createServer(serve);
  const wss = new WebSocketServer({ server: http, path: '/ws' });
  wss.on('connection', (socket) => {
    let room: WebSocket[] | null = null;
    socket.on('message', (data) => {
      if (room) {
        for (const other of room) if (other !== socket) other.send(data.toString());
        return;
      }
      const { room: name } = JSON.parse(data.toString()) as { room: string };
      room = rooms.get(name) ?? [];
      rooms.set(name, room);
      socket.send(JSON.stringify({ type: 'joined', others: room.length, iceServers }));
      room.push(socket);
    });
    socket.on('close', () => {
      if (room) room.splice(room.indexOf(socket), 1);
    });
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return {
    port: (http.address() as AddressInfo).port,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      http.closeAllConnections();
      http.close();
      await once(http, 'close');
    },
  };
}
