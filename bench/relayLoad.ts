/**
 * The clients of the relay benchmark: rooms of two sockets relaying offer/answer/candidate
 * rounds, closed loop (each message answered by the next as soon as it lands) or paced (a set
 * rate offered, whatever comes back), and idle joined sockets for the memory figure. Every
 * message carries its send time, so one-way latency is measured on one clock (this process).
 */
import { once } from 'node:events';
import WebSocket from 'ws';

export interface Pair {
  a: WebSocket;
  b: WebSocket;
  idA: string;
  idB: string;
}

export interface LoadResult {
  messages: number;
  elapsedMs: number;
  latenciesMs: number[];
}

const SDP_BODY = 'a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\r\n'.repeat(40);
/** The round a call's set-up is made of: offer, answer, then candidates both ways. */
const ROUND = ['offer', 'answer', 'candidate', 'candidate', 'candidate', 'candidate'] as const;

/** How a benchmark client speaks to one relay: joining a room, and a message of a round. */
export interface Protocol {
  /** Opens a socket on `url` and takes a seat in `room`; resolves with the socket and its peer id. */
  join(url: string, room: string): Promise<{ ws: WebSocket; id: string }>;
  /** Message number `step` of the rounds, for peer `to`, stamped with its send time. */
  message(step: number, to: string): string;
}

const candidateLine = (at: number) => `candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host ts ${at}`;
const sdpText = (at: number) => `v=0\r\na=ts:${at}\r\n${SDP_BODY}`;

/** This project's protocol (PROTOCOL.md); the floor relay speaks enough of it. */
export const peerCallProtocol: Protocol = {
  async join(url, room) {
    const ws = await openSocket(url);
    return { ws, id: await join(ws, room) };
  },
  message(step, to) {
    const kind = ROUND[step % ROUND.length]!;
    const at = performance.now();
    if (kind === 'candidate') return JSON.stringify({ message_type: 'CANDIDATE', to, content: { candidate: candidateLine(at), sdpMid: '0', sdpMLineIndex: 0 } });
    return JSON.stringify({ message_type: 'SDP', to, content: { type: kind, sdp: sdpText(at) } });
  },
};

/** PeerJS's client sends a HEARTBEAT every 5 s once open (its `pingInterval`). */
const PEERJS_HEARTBEAT_MS = 5_000;
const HEARTBEAT = JSON.stringify({ type: 'HEARTBEAT' });

/**
 * Heartbeats as PeerJS's own client sends them, so that an idle PeerJS socket in the benchmark
 * is what a real one is: one that receives a frame every few seconds (this server's sockets
 * receive their JOIN, and answer its pings).
 */
function keepAlive(ws: WebSocket) {
  const timer = setInterval(() => {
    if (ws.readyState === WebSocket.OPEN) ws.send(HEARTBEAT);
  }, PEERJS_HEARTBEAT_MS);
  timer.unref();
  ws.once('close', () => clearInterval(timer));
}

let peerJsIds = 0;
/** PeerJS server's protocol: the peer id is the client's own, in the URL; OPEN says it is registered. */
export const peerJsProtocol: Protocol = {
  async join(url) {
    const id = `bench${process.pid}x${(peerJsIds += 1)}`;
    const ws = new WebSocket(`${url}?key=peerjs&id=${id}&token=t${id}`);
    ws.on('error', () => {});
    // The server says OPEN right after the handshake, often in the same read as it: listen first.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`No OPEN from PeerJS for ${id} within 30 s.`)), 30_000);
      ws.once('message', (data) => {
        clearTimeout(timer);
        const type = (JSON.parse(data.toString()) as { type?: string }).type;
        if (type === 'OPEN') resolve();
        else reject(new Error(`PeerJS answered ${type} instead of OPEN for ${id}.`));
      });
    });
    keepAlive(ws);
    return { ws, id };
  },
  message(step, to) {
    const kind = ROUND[step % ROUND.length]!;
    const at = performance.now();
    if (kind === 'candidate') return JSON.stringify({ type: 'CANDIDATE', dst: to, payload: { candidate: { candidate: candidateLine(at), sdpMid: '0', sdpMLineIndex: 0 }, type: 'media' } });
    return JSON.stringify({ type: kind === 'offer' ? 'OFFER' : 'ANSWER', dst: to, payload: { sdp: { type: kind, sdp: sdpText(at) }, type: 'media' } });
  },
};

const sentAt = (text: string): number | undefined => {
  const match = /ts[: ]([\d.]+)/.exec(text);
  return match ? Number(match[1]) : undefined;
};

export async function openSocket(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  ws.on('error', () => {});
  await once(ws, 'open', { signal: AbortSignal.timeout(30_000) });
  return ws;
}

/** Sends JOIN and resolves with the peer id of the WELCOME. */
export function join(ws: WebSocket, room: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No WELCOME for room ${room} within 30 s.`)), 30_000);
    const onMessage = (data: WebSocket.RawData) => {
      const parsed = JSON.parse(data.toString()) as { message_type: string; content: { peer_id?: string; message?: string } };
      if (parsed.message_type === 'WELCOME' && parsed.content.peer_id) {
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(parsed.content.peer_id);
      } else if (parsed.message_type === 'ERROR') {
        clearTimeout(timer);
        ws.off('message', onMessage);
        reject(new Error(`JOIN ${room} refused: ${parsed.content.message}`));
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ message_type: 'JOIN', content: { room } }));
  });
}

/** `count` rooms of two, A connected to `urlA` and B to `urlB` (the same node, or two). */
export async function openPairs(protocol: Protocol, urlA: string, urlB: string, count: number, prefix: string): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (let n = 0; n < count; n += 1) {
    const room = `${prefix}-${n}`;
    const a = await protocol.join(urlA, room);
    const b = await protocol.join(urlB, room);
    pairs.push({ a: a.ws, b: b.ws, idA: a.id, idB: b.id });
  }
  return pairs;
}

/** Each room relays its rounds as fast as they come back: one message in flight per room. */
export async function closedLoop(protocol: Protocol, pairs: readonly Pair[], durationMs: number): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let messages = 0;
  let running = true;
  const started = performance.now();
  const listeners: Array<() => void> = [];
  for (const pair of pairs) {
    let step = 0;
    const on = (receiver: WebSocket, replyTo: string) => {
      const handler = (data: WebSocket.RawData) => {
        const at = sentAt(data.toString());
        if (at === undefined) return;
        latenciesMs.push(performance.now() - at);
        messages += 1;
        step += 1;
        if (running) receiver.send(protocol.message(step, replyTo));
      };
      receiver.on('message', handler);
      listeners.push(() => receiver.off('message', handler));
    };
    on(pair.b, pair.idA);
    on(pair.a, pair.idB);
    pair.a.send(protocol.message(0, pair.idB));
  }
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  running = false;
  const elapsedMs = performance.now() - started;
  // Let the last messages in flight land before the listeners go.
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (const off of listeners) off();
  return { messages, elapsedMs, latenciesMs };
}

/** Offers `perSecond` messages a second in all, spread over the rooms, for `durationMs`. */
export async function paced(protocol: Protocol, pairs: readonly Pair[], perSecond: number, durationMs: number): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let messages = 0;
  const listeners: Array<() => void> = [];
  for (const socket of pairs.flatMap((pair) => [pair.a, pair.b])) {
    const handler = (data: WebSocket.RawData) => {
      const at = sentAt(data.toString());
      if (at === undefined) return;
      latenciesMs.push(performance.now() - at);
      messages += 1;
    };
    socket.on('message', handler);
    listeners.push(() => socket.off('message', handler));
  }
  const started = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = performance.now() - started;
      const due = Math.min(Math.floor((elapsed / 1000) * perSecond), Math.floor((durationMs / 1000) * perSecond));
      for (; sent < due; sent += 1) {
        const pair = pairs[sent % pairs.length]!;
        const step = Math.floor(sent / pairs.length);
        // Alternate directions as a real round does.
        if (step % 2 === 0) pair.a.send(protocol.message(step, pair.idB));
        else pair.b.send(protocol.message(step, pair.idA));
      }
      if (elapsed >= durationMs) {
        clearInterval(tick);
        resolve();
      }
      // Every millisecond (the shortest timer), so that what is offered comes two at a time at
      // 2,000/s rather than in bursts that queue behind each other and add to the latency.
    }, 1);
  });
  const elapsedMs = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const off of listeners) off();
  return { messages, elapsedMs, latenciesMs };
}

/**
 * How long idle sockets are left before their memory is read: past one heartbeat of each side
 * (this server pings every 10 s; PeerJS's client sends a HEARTBEAT every 5 s), so that every
 * socket is as it stays for the rest of a call, not as it was just after its join.
 */
export const IDLE_SETTLE_MS = 11_000;

/** `count` joined sockets that then do nothing, two to a room, alternating between the urls. */
export async function openIdle(protocol: Protocol, urls: readonly string[], count: number, prefix: string): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  const batch = 100;
  for (let start = 0; start < count; start += batch) {
    const opened = await Promise.all(
      Array.from({ length: Math.min(batch, count - start) }, async (_, k) => {
        const n = start + k;
        const { ws } = await protocol.join(urls[n % urls.length]!, `${prefix}-${Math.floor(n / 2)}`);
        return ws;
      }),
    );
    sockets.push(...opened);
  }
  return sockets;
}

export async function closeAll(sockets: readonly WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(async (ws) => {
      if (ws.readyState === WebSocket.CLOSED) return;
      const closed = once(ws, 'close');
      ws.terminate();
      await closed;
    }),
  );
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
