/**
 * Thousands of malformed and hostile frames, from a seeded (so repeatable) generator, sent by
 * several sockets while a control pair in another room relays a numbered sequence. The server
 * must stay up, answer only within the contract, leak nothing into the control room, lose
 * nothing of the control pair's, pollute no prototype, and hand its memory back.
 *
 * Two servers: one with the rate limits raised, so the fuzzers reach the parser with everything
 * they send; one with the default limits, where the fuzzer is mostly turned away by them.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { createRoomStore } from '../../src/server/roomStoreFactory.js';
import { MAX_FRAME_BYTES } from '../../src/shared/limits.js';
import type { ServerMessage } from '../../src/shared/messages.js';
import { parseServerMessage } from '../../src/shared/parseServerMessage.js';
import { closeAll, openSocket, silentLog, startServer, waitUntilAsync, WAIT_MS, type TestClient, type TestServer } from './helpers.js';

afterEach(closeAll);

// ---- a seeded generator of hostile frames -----------------------------------------------

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

interface Frame {
  data: string | Buffer;
  binary?: boolean;
}

const ODD_PIECES = ['\u0000', '\ud800', '\udfff', '\u202e', '\u0301', '😀', '\uffff', '\ufeff', '"', '\\', '\n', '%s', '${x}', '<script>', 'é', '中文', ' '];
const TYPES = ['JOIN', 'SDP', 'CANDIDATE', 'LEAVE', 'WELCOME', 'ERROR', 'PEER_LEFT', 'join', '', 'JOIN ', 'ＪＯＩＮ'];
const POLLUTERS = ['__proto__', 'constructor', 'prototype'];

function oddString(rng: Rng, maxLength: number): string {
  const length = rng.int(maxLength + 1);
  let out = '';
  while (out.length < length) out += rng.next() < 0.5 ? rng.pick(ODD_PIECES) : String.fromCharCode(rng.int(0x10000));
  return out.slice(0, length);
}

/** A JSON value of any kind, as text; `depth` bounds how far it nests. */
function anyValue(rng: Rng, depth: number): string {
  switch (depth <= 0 ? rng.int(5) : rng.int(8)) {
    case 0: return 'null';
    case 1: return rng.pick(['true', 'false', '0', '-1', '1e308', '-0', '3.5', '9007199254740993']);
    case 2: return JSON.stringify(oddString(rng, 40));
    case 3: return JSON.stringify(rng.pick(TYPES));
    case 4: return `"${rng.pick(['\\ud800', '\\udc00x', '\\u0000', 'a\\u0000b', '\\ud83d'])}"`;
    case 5: return `[${Array.from({ length: rng.int(4) }, () => anyValue(rng, depth - 1)).join(',')}]`;
    case 6: return pollutedObject(rng, depth - 1);
    default: return `{${Array.from({ length: rng.int(4) }, () => `${JSON.stringify(oddString(rng, 8))}:${anyValue(rng, depth - 1)}`).join(',')}}`;
  }
}

/** An object whose keys include __proto__ / constructor / prototype, nested, as raw JSON. */
function pollutedObject(rng: Rng, depth: number): string {
  const key = rng.pick(POLLUTERS);
  const inner = depth > 0 && rng.next() < 0.6 ? pollutedObject(rng, depth - 1) : '{"polluted":"yes","toString":"x","valueOf":1}';
  const extra = rng.next() < 0.5 ? `,"room":"r${rng.int(5)}","message_type":"JOIN"` : '';
  return `{"${key}":${inner}${extra}}`;
}

/** Up to 10,000 levels deep (about 20 KB, so three fit in one frame): enough to overflow a recursive serializer. */
function deep(rng: Rng): string {
  const depth = 1 + rng.int(10_000);
  return rng.next() < 0.5 ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth / 3) + '1' + '}'.repeat(depth / 3);
}

interface Targets {
  /** Peer ids of other rooms: the control pair's, and other fuzzers'. */
  peers: string[];
}

function hostileFrame(rng: Rng, targets: Targets): Frame {
  const type = () => JSON.stringify(rng.pick(TYPES));
  const someone = () => (targets.peers.length && rng.next() < 0.8 ? rng.pick(targets.peers) : oddString(rng, 70));
  switch (rng.int(14)) {
    case 0: {
      // Bad JSON: a valid message cut short, or text that was never JSON.
      const valid = JSON.stringify({ message_type: 'SDP', content: { type: 'offer', sdp: 'v=0' }, to: someone() });
      return { data: rng.next() < 0.5 ? valid.slice(0, rng.int(valid.length)) : oddString(rng, 200) };
    }
    case 1:
      return { data: `{"message_type":${anyValue(rng, 3)},"content":${anyValue(rng, 3)},"to":${anyValue(rng, 2)}}` };
    case 2:
      return { data: `{"message_type":${type()},"content":{"room":${anyValue(rng, 2)},"name":${anyValue(rng, 2)},"resume":${anyValue(rng, 2)}}}` };
    case 3:
      return { data: `{"message_type":"JOIN","content":{"room":${JSON.stringify(oddString(rng, 80))},"name":${JSON.stringify(oddString(rng, 80))}}}` };
    case 4: {
      // A huge, odd string in a field that carries text (10,000 characters stay under 64 KiB
      // even when every one is escaped as \uXXXX).
      const field = rng.pick(['sdp', 'candidate', 'to', 'room', 'name', 'resume', 'message_type']);
      const huge = JSON.stringify(oddString(rng, 1 + rng.int(10_000)));
      const inContent = rng.next() < 0.7;
      return {
        data: `{"message_type":"${rng.pick(['SDP', 'CANDIDATE', 'JOIN'])}","content":{"type":"offer","${field}":${inContent ? huge : '"x"'}},"${field}":${inContent ? '"y"' : huge}}`,
      };
    }
    case 5:
      return { data: `{"message_type":${rng.next() < 0.3 ? deep(rng) : type()},"content":${deep(rng)},"to":${rng.next() < 0.3 ? deep(rng) : '"x"'}}` };
    case 6:
      return { data: pollutedObject(rng, 1 + rng.int(6)) };
    case 7:
      return {
        data: `{"message_type":${type()},"__proto__":${pollutedObject(rng, 2)},"content":{"room":"r${rng.int(4)}","candidate":${pollutedObject(rng, 2)},"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}}`,
      };
    case 8: {
      // Well-formed relays to peers of other rooms, with a forged `from`.
      const message = rng.next() < 0.5
        ? { message_type: 'SDP', content: { type: rng.pick(['offer', 'answer']), sdp: `v=0 fuzz ${rng.int(1e6)}` } }
        : { message_type: 'CANDIDATE', content: rng.next() < 0.2 ? null : { candidate: `candidate:fuzz ${rng.int(1e6)}`, sdpMid: '0', sdpMLineIndex: 0 } };
      return { data: JSON.stringify({ ...message, to: someone(), from: someone() }) };
    }
    case 9:
      return { data: JSON.stringify({ message_type: rng.pick(['JOIN', 'LEAVE']), content: { room: rng.pick(['control', 'r0', 'r1', `r${rng.int(50)}`]), name: oddString(rng, 20).trim() || 'x', resume: oddString(rng, 40) || 'x' } }) };
    case 10:
      return { data: Buffer.from(Array.from({ length: rng.int(300) }, () => rng.int(256))), binary: true };
    // The next two close the socket, so they are rare: most frames should meet a socket that
    // has been open (and joined) for a while.
    case 11:
      // A text frame that is not UTF-8 (an encoded lone surrogate, a stray byte): closed with 1007.
      if (rng.next() < 0.05) return { data: Buffer.from([0x7b, ...rng.pick([[0xed, 0xa0, 0x80], [0x80], [0xc3], [0xff, 0xfe]]), 0x7d]), binary: false };
      return { data: Buffer.from(JSON.stringify({ message_type: 'LEAVE', note: oddString(rng, 30) })), binary: false };
    case 12:
      // Over 64 KiB: closed with 1009. Otherwise just under it, which must be answered.
      if (rng.next() < 0.05) return { data: 'x'.repeat(MAX_FRAME_BYTES + 1 + rng.int(1000)) };
      return { data: `{"message_type":"SDP","content":{"type":"offer","sdp":"${'s'.repeat(MAX_FRAME_BYTES - 60)}"}}` };
    default:
      return { data: rng.pick(['', ' ', 'null', '[]', '{}', '""', '0', '{"message_type":null}', '{"message_type":"LEAVE"}', '{"message_type":"CANDIDATE","content":null}']) };
  }
}

// ---- fuzzers: sockets that send those frames, reconnecting whenever the server closes one ----

interface FuzzReport {
  framesSent: number;
  closes: Map<number, number>;
  /** Frames from the server that the contract does not allow. */
  badReplies: string[];
}

async function openFuzzSocket(url: string, report: FuzzReport, targets: Targets): Promise<WebSocket | null> {
  const ws = openSocket(url);
  ws.on('message', (data, isBinary) => {
    const parsed = isBinary ? undefined : parseServerMessage(data.toString());
    if (!parsed?.ok) {
      report.badReplies.push(isBinary ? '(binary frame)' : data.toString().slice(0, 200));
      return;
    }
    if (parsed.message.message_type === 'WELCOME') targets.peers.push(parsed.message.content.peer_id);
  });
  ws.once('close', (code) => report.closes.set(code, (report.closes.get(code) ?? 0) + 1));
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), WAIT_MS);
    ws.once('open', () => (clearTimeout(timer), resolve(ws)));
    // Refused (e.g. 429 while an old socket's close is still on its way): try again shortly.
    ws.once('unexpected-response', () => (clearTimeout(timer), resolve(null)));
    ws.once('error', () => (clearTimeout(timer), resolve(null)));
  });
}

/** Resolves when the server has answered a ping (all earlier frames handled) or the socket closed. */
function settle(ws: WebSocket): Promise<void> {
  if (ws.readyState !== ws.OPEN) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      ws.off('pong', done);
      ws.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, WAIT_MS);
    ws.once('pong', done);
    ws.once('close', done);
    ws.ping();
  });
}

async function fuzz(server: TestServer, seed: number, frames: number, targets: Targets): Promise<FuzzReport> {
  const rng = prng(seed);
  const report: FuzzReport = { framesSent: 0, closes: new Map(), badReplies: [] };
  let ws: WebSocket | null = null;
  // Bounded: even if every attempt failed, the loop ends.
  for (let attempts = 0; report.framesSent < frames && attempts < frames * 2; attempts += 1) {
    if (ws?.readyState !== 1) {
      ws = await openFuzzSocket(server.url, report, targets);
      if (!ws) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
    }
    for (let n = 0; n < 25 && ws.readyState === ws.OPEN && report.framesSent < frames; n += 1) {
      const frame = hostileFrame(rng, targets);
      ws.send(frame.data, { binary: frame.binary ?? false });
      report.framesSent += 1;
    }
    await settle(ws);
  }
  ws?.close();
  return report;
}

// ---- the control pair ---------------------------------------------------------------------

type Relayed = Extract<ServerMessage, { message_type: 'SDP' | 'CANDIDATE' }>['content'];

function sequence(from: string, count: number): Relayed[] {
  return Array.from({ length: count }, (_, n) =>
    n % 3 === 0
      ? { type: n % 2 ? 'answer' : 'offer', sdp: `v=0\r\ns=${from}-${n}\r\n` }
      : { candidate: `candidate:${n} 1 udp 2122260223 192.0.2.${n % 250} ${10_000 + n} typ host ${from}`, sdpMid: '0', sdpMLineIndex: 0 },
  ) as Relayed[];
}

const asMessage = (content: Relayed, to: string) =>
  content !== null && 'sdp' in content ? { message_type: 'SDP', content, to } : { message_type: 'CANDIDATE', content, to };

/** Sends `items` from `client` to `to`, `burst` at once and then `perTick` every `tickMs`, to stay within a rate limit. */
async function relay(client: TestClient, to: string, items: Relayed[], burst: number, perTick: number, tickMs: number) {
  let sent = 0;
  for (; sent < Math.min(burst, items.length); sent += 1) client.send(asMessage(items[sent] as Relayed, to));
  while (sent < items.length) {
    await new Promise((resolve) => setTimeout(resolve, tickMs));
    for (let n = 0; n < perTick && sent < items.length; n += 1, sent += 1) client.send(asMessage(items[sent] as Relayed, to));
  }
}

async function controlPair(server: TestServer) {
  const a = await server.connect();
  const b = await server.connect();
  const idA = (await a.join('control', 'Control A')).content.peer_id;
  const idB = (await b.join('control', 'Control B')).content.peer_id;
  await a.next('PEER_JOINED');
  return { a, b, idA, idB, baseline: { a: a.received.length, b: b.received.length } };
}

/**
 * Compares what each side of the control pair received with what the other sent it. `lost`:
 * sent but not received exactly once; `stray`: received but never sent by the other side
 * (a fuzzer's message, an ERROR, a PEER_LEFT); `inOrder`: both lists are identical.
 */
function audit(control: Awaited<ReturnType<typeof controlPair>>, fromA: Relayed[], fromB: Relayed[]) {
  const expected = (items: Relayed[], from: string) => items.map((content) => JSON.stringify({ ...asMessage(content, ''), to: undefined, from }));
  const got = (client: TestClient, skip: number) =>
    client.received.slice(skip).map((message) => JSON.stringify({ message_type: message.message_type, content: message.content, from: 'from' in message ? message.from : undefined }));
  let lost = 0;
  let stray = 0;
  let inOrder = true;
  for (const [want, have] of [
    [expected(fromA, control.idA), got(control.b, control.baseline.b)],
    [expected(fromB, control.idB), got(control.a, control.baseline.a)],
  ] as const) {
    const counts = new Map<string, number>();
    for (const message of have) counts.set(message, (counts.get(message) ?? 0) + 1);
    lost += want.filter((message) => counts.get(message) !== 1).length;
    const wanted = new Set(want);
    stray += have.filter((message) => !wanted.has(message)).length;
    inOrder &&= want.length === have.length && want.every((message, n) => have[n] === message);
  }
  return { lost, stray, inOrder };
}

// ---- the test -------------------------------------------------------------------------------

function forcedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('fuzzing the signaling socket', () => {
  it('survives thousands of hostile frames without losing or leaking a control message', { timeout: 60_000 }, async () => {
    const gc = forcedGc();
    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    const arrayPrototypeBefore = Object.getOwnPropertyNames(Array.prototype).sort();
    const raised = { rateLimitBurst: 1_000_000, rateLimitPerSecond: 1_000_000, maxSocketsPerIp: 1_000, maxNewRoomsPerIp: 1_000_000 };
    const stores = [await createRoomStore({ resumeGraceMs: 100 }, silentLog), await createRoomStore({ resumeGraceMs: 100 }, silentLog)] as const;
    const open = await startServer({ ...raised, resumeGraceMs: 100, rooms: stores[0] });
    const limited = await startServer({ resumeGraceMs: 100, rooms: stores[1] });
    const controls = [await controlPair(open), await controlPair(limited)];
    gc();
    const heapBefore = process.memoryUsage().heapUsed;

    const targets: Targets = { peers: controls.flatMap((c) => [c.idA, c.idB]) };
    const sequences = controls.map((_, n) => ({ fromA: sequence(`a${n}`, n === 0 ? 300 : 100), fromB: sequence(`b${n}`, n === 0 ? 300 : 100) }));
    let healthFailures = 0;
    let fuzzing = true;
    const watch = (async () => {
      // Bounded by the fuzzers finishing; each check has its own timeout.
      while (fuzzing) {
        for (const server of [open, limited]) {
          const ok = await fetch(`${server.origin}/healthz`, { signal: AbortSignal.timeout(WAIT_MS) }).then((r) => r.status === 200, () => false);
          if (!ok) healthFailures += 1;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();

    const started = performance.now();
    const [reports] = await Promise.all([
      Promise.all([
        ...[1, 2, 3, 4].map((seed) => fuzz(open, seed, 2_500, targets)),
        fuzz(limited, 5, 1_200, targets),
      ]),
      ...controls.flatMap((control, n) => {
        const seq = sequences[n]!;
        // The open server takes the sequence at once; the default limits want it paced.
        return n === 0
          ? [relay(control.a, control.idB, seq.fromA, 1e9, 0, 0), relay(control.b, control.idA, seq.fromB, 1e9, 0, 0)]
          : [relay(control.a, control.idB, seq.fromA, 40, 10, 600), relay(control.b, control.idA, seq.fromB, 40, 10, 600)];
      }),
    ]);
    fuzzing = false;
    await watch;
    const elapsedMs = performance.now() - started;

    // Let the last relays land, then count.
    for (const control of controls) await Promise.all([control.a.roundTrip(), control.b.roundTrip()]);
    const audits = controls.map((control, n) => audit(control, sequences[n]!.fromA, sequences[n]!.fromB));
    const lost = audits.reduce((sum, a) => sum + a.lost, 0);
    const stray = audits.reduce((sum, a) => sum + a.stray, 0);
    const frames = reports.reduce((sum, report) => sum + report.framesSent, 0);
    const closes = new Map<number, number>();
    for (const report of reports) for (const [code, count] of report.closes) closes.set(code, (closes.get(code) ?? 0) + count);
    // A frame the server could not handle costs its socket a 1011: that is a crash of the handler.
    const crashes = healthFailures + (closes.get(1011) ?? 0);

    // Fuzzers gone and their held seats expired: only the control pairs are left.
    await open.openSockets(2);
    await limited.openSockets(2);
    await waitUntilAsync(async () => {
      const counts = await Promise.all(stores.map((store) => store.counts()));
      return counts.every((count) => count.rooms === 1 && count.peers === 2);
    }, 'every fuzzer seat to be freed');
    gc();
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;

    console.log(`fuzz: ${frames} frames, ${crashes} crashes, ${lost} lost, ${stray} stray`);
    console.log(
      `fuzz: ${Math.round(elapsedMs)} ms; socket closes by code ${JSON.stringify(Object.fromEntries(closes))}; heap growth ${heapGrowthMb.toFixed(1)} MiB`,
    );
    expect(frames).toBeGreaterThanOrEqual(11_000);
    expect(reports.flatMap((report) => report.badReplies)).toEqual([]);
    expect(crashes).toBe(0);
    expect(lost).toBe(0);
    expect(stray).toBe(0);
    expect(audits.every((a) => a.inOrder)).toBe(true);
    // The default-limited fuzzer was stopped by the rate limit, not only by its own bad frames.
    expect(reports[4]?.closes.get(1008)).toBeGreaterThan(0);
    for (const server of [open, limited]) {
      expect((await fetch(`${server.origin}/healthz`, { signal: AbortSignal.timeout(WAIT_MS) })).status).toBe(200);
    }
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(arrayPrototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(heapGrowthMb).toBeLessThan(32);
  });
});
