/**
 * Real sockets against a real server: `startServer()` builds the app and listens on a free
 * loopback port, `server.connect()` opens a `ws` client that parses every frame with the shared
 * schema. Everything opened here is remembered, so one `afterEach(closeAll)` cleans up a file.
 */
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { buildApp, type AppOptions } from '../../src/server/app.js';
import { SIGNALING_PATH } from '../../src/shared/limits.js';
import type { ServerMessage, ServerMessageOf, ServerMessageType } from '../../src/shared/messages.js';
import { parseServerMessage } from '../../src/shared/parseServerMessage.js';

/** Every wait in these tests is bounded by this, so a missing message fails fast instead of hanging. */
export const WAIT_MS = 2_000;

export interface TestServer {
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>`: the page origin a browser on this server would send. */
  origin: string;
  /** `ws://127.0.0.1:<port>/ws` */
  url: string;
  connect(options?: WebSocket.ClientOptions): Promise<TestClient>;
  /**
   * Waits until the server has exactly `count` open sockets. ws forgets a socket in the same
   * 'close' event in which the session lets go of its seat, so after this the server has seen
   * every close so far: the way to be sure a dropped socket's seat is held before going on.
   */
  openSockets(count: number): Promise<void>;
}

export interface Closed {
  code: number;
  reason: string;
}

export interface TestClient {
  ws: WebSocket;
  /** Every message received so far, in order, whether or not `next` has taken it. */
  readonly received: readonly ServerMessage[];
  /** Resolves when the socket has closed, with the close code the client saw. */
  readonly closed: Promise<Closed>;
  /** Sends `message` as one JSON text frame, whatever it holds (tests send bad ones on purpose). */
  send(message: unknown): void;
  /** The next not-yet-taken message of that type; rejects after `timeoutMs` or when the socket closes. */
  next<T extends ServerMessageType>(type: T, timeoutMs?: number): Promise<ServerMessageOf<T>>;
  /** Sends JOIN (with a resume token if given) and waits for WELCOME. */
  join(room: string, name?: string, resume?: string): Promise<ServerMessageOf<'WELCOME'>>;
  /**
   * A ping/pong round trip through the server. The server handles a socket's frames in order and
   * writes to each socket in order, so once the pong is back, anything the server sent this client
   * before it had seen the ping has arrived too: the way to assert that something did *not* arrive.
   */
  roundTrip(): Promise<void>;
  /** Everything received so far of that type. */
  all<T extends ServerMessageType>(type: T): ServerMessageOf<T>[];
}

const openApps = new Set<FastifyInstance>();
const openSockets = new Set<WebSocket>();

export async function startServer(options: AppOptions = {}): Promise<TestServer> {
  const app = await buildApp(options);
  openApps.add(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const url = `ws://127.0.0.1:${port}${SIGNALING_PATH}`;
  return {
    app,
    origin,
    url,
    connect: (clientOptions) => connect(url, clientOptions),
    openSockets: (count) => waitUntil(() => app.signalingSockets.size === count, `the server to have ${count} open sockets`),
  };
}

/** Polls an asynchronous `condition` (e.g. counts in a room store); rejects with `what` after `timeoutMs`. */
export async function waitUntilAsync(condition: () => Promise<boolean>, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Waited ${timeoutMs} ms for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A logger that writes nothing, for room stores made outside an app. */
export const silentLog = Fastify({ logger: false }).log;

/** Polls `condition` every few milliseconds; rejects with `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Waited ${timeoutMs} ms for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface UpgradeAnswer {
  status: number;
  /** The parsed JSON body of a refusal; undefined for a 101. */
  body?: { error?: string; message?: string };
  headers: IncomingMessage['headers'];
}

/** Opens a socket and reports how the upgrade was answered: 101, or the refusal and its body. */
export function upgrade(url: string, options?: WebSocket.ClientOptions): Promise<UpgradeAnswer> {
  const ws = openSocket(url, options);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No answer to the upgrade within ${WAIT_MS} ms`)), WAIT_MS);
    ws.once('upgrade', (response) => {
      clearTimeout(timer);
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
    });
    ws.once('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        let body: UpgradeAnswer['body'];
        try {
          body = JSON.parse(Buffer.concat(chunks).toString()) as UpgradeAnswer['body'];
        } catch {
          body = undefined;
        }
        resolve({ status: response.statusCode ?? 0, body, headers: response.headers });
      });
    });
  });
}

/** Closes the app without the afterEach doing it again (for tests about closing). */
export async function closeApp(app: FastifyInstance): Promise<void> {
  openApps.delete(app);
  await app.close();
}

export async function closeAll(): Promise<void> {
  for (const ws of openSockets) ws.terminate();
  openSockets.clear();
  const apps = [...openApps];
  openApps.clear();
  await Promise.all(apps.map((app) => app.close()));
}

/** Opens a socket and records it, so it is closed after the test even if the test fails. */
export function openSocket(url: string, options?: WebSocket.ClientOptions): WebSocket {
  const ws = new WebSocket(url, options);
  openSockets.add(ws);
  // A socket without an 'error' listener would crash the test run on a reset connection.
  ws.on('error', () => {});
  return ws;
}

export async function connect(url: string, options?: WebSocket.ClientOptions): Promise<TestClient> {
  const ws = openSocket(url, options);
  const received: ServerMessage[] = [];
  const unread: ServerMessage[] = [];
  const waiters = new Set<() => void>();
  let badFrame: string | undefined;
  let closedWith: Closed | undefined;

  const closed = new Promise<Closed>((resolve) => {
    ws.once('close', (code, reason) => {
      closedWith = { code, reason: reason.toString() };
      resolve(closedWith);
      for (const wake of waiters) wake();
    });
  });

  ws.on('message', (data, isBinary) => {
    // The server must only ever send what the contract allows; a frame that fails the shared
    // schema fails whatever the test is waiting for.
    const parsed = isBinary ? undefined : parseServerMessage(data.toString());
    if (parsed?.ok) {
      received.push(parsed.message);
      unread.push(parsed.message);
    } else {
      badFrame = parsed ? `${parsed.reason} Frame: ${data.toString()}` : 'The server sent a binary frame.';
    }
    for (const wake of waiters) wake();
  });

  await once(ws, 'open', { signal: AbortSignal.timeout(WAIT_MS) });

  function take<T extends ServerMessageType>(type: T): ServerMessageOf<T> | undefined {
    const index = unread.findIndex((message) => message.message_type === type);
    if (index === -1) return undefined;
    return unread.splice(index, 1)[0] as ServerMessageOf<T>;
  }

  function next<T extends ServerMessageType>(type: T, timeoutMs = WAIT_MS): Promise<ServerMessageOf<T>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = take(type);
        const failure = found
          ? undefined
          : badFrame !== undefined
            ? `the server sent a frame outside the contract: ${badFrame}`
            : closedWith
              ? `the socket closed (code ${closedWith.code})`
              : undefined;
        if (!found && !failure) return;
        waiters.delete(check);
        clearTimeout(timer);
        if (found) resolve(found);
        else reject(new Error(`Waiting for ${type}, but ${failure}. Received: ${JSON.stringify(received)}`));
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`No ${type} within ${timeoutMs} ms. Received: ${JSON.stringify(received)}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  return {
    ws,
    received,
    closed,
    send: (message) => ws.send(JSON.stringify(message)),
    next,
    async join(room, name, resume) {
      const content: Record<string, string> = { room };
      if (name !== undefined) content.name = name;
      if (resume !== undefined) content.resume = resume;
      ws.send(JSON.stringify({ message_type: 'JOIN', content }));
      return next('WELCOME');
    },
    async roundTrip() {
      const pong = once(ws, 'pong', { signal: AbortSignal.timeout(WAIT_MS) });
      ws.ping();
      await pong;
    },
    all,
  };

  function all<T extends ServerMessageType>(type: T): ServerMessageOf<T>[] {
    return received.filter((message): message is ServerMessageOf<T> => message.message_type === type);
  }
}

/** Two clients in one room, the first joined before the second. */
export async function pair(server: TestServer, room = 'room-1') {
  const a = await server.connect();
  const b = await server.connect();
  const welcomeA = await a.join(room, 'Ann');
  const welcomeB = await b.join(room, 'Bob');
  // Take A's notice of B, so later `next('PEER_JOINED')` calls see only newer ones.
  await a.next('PEER_JOINED');
  return { a, b, idA: welcomeA.content.peer_id, idB: welcomeB.content.peer_id };
}
