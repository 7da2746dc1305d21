/**
 * Where the memory of an idle joined socket goes: a heap snapshot of a server process before
 * and after N idle joined sockets, and what grew, by object kind, per socket.
 *
 *   npm run bench:memory        (BENCH_IDLE=2000; REDIS=1 for a node sharing rooms through Redis;
 *                                BENCH_SERVER=peerjs for PeerJS's server, the relay benchmark's yardstick;
 *                                BENCH_SNAPSHOTS=dir keeps the two snapshots there, to open in DevTools)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/freePort.js';
import { startRedis, type RedisServer } from '../test/server/support/redisServer.js';
import { removeOwn } from '../test/support/testResources.js';
import { compiledProcess } from './compiledProcesses.js';
import { rssBytes } from './processStats.js';
import { closeAll, IDLE_SETTLE_MS, openIdle, openSocket, peerCallProtocol, peerJsProtocol } from './relayLoad.js';

const COUNT = Number(process.env.BENCH_IDLE ?? 2000);
const PEERJS = process.env.BENCH_SERVER === 'peerjs';
const mainJs = fileURLToPath(new URL('../dist/server/main.js', import.meta.url));
const protocol = PEERJS ? peerJsProtocol : peerCallProtocol;

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count by "type:name" (constructor name for objects), of every node in the heap. */
async function summarize(file: string): Promise<Map<string, { size: number; count: number }>> {
  const heap = JSON.parse(await readFile(file, 'utf8')) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [number, number, number];
  const byKind = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i + typeAt]!]!;
    const name = type === 'object' || type === 'closure' || type === 'native' ? heap.strings[heap.nodes[i + nameAt]!]! : '';
    const key = `${type}${name ? `:${name}` : ''}`;
    const entry = byKind.get(key) ?? { size: 0, count: 0 };
    entry.size += heap.nodes[i + sizeAt]!;
    entry.count += 1;
    byKind.set(key, entry);
  }
  return byKind;
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'peer-call-heap-'));
  let redis: RedisServer | undefined;
  const port = await freePort();
  try {
    if (process.env.REDIS === '1' && !PEERJS) redis = await startRedis();
    const server = PEERJS ? [await compiledProcess('peerJsProcess'), String(port)] : [mainJs];
    const child = spawn(process.execPath, [`--diagnostic-dir=${dir}`, '--heapsnapshot-signal=SIGUSR2', ...server], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', MAX_SOCKETS_PER_IP: '100000', MAX_NEW_ROOMS_PER_IP: '100000', ...(redis ? { REDIS_URL: redis.url } : {}) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      const url = `ws://127.0.0.1:${port}${PEERJS ? '/peerjs' : '/ws'}`;
      const deadline = Date.now() + 20_000;
      for (;;) {
        try {
          (await openSocket(url)).terminate();
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      // Warm: one pair joined and gone, so that what every first socket loads is not counted.
      await closeAll(await openIdle(protocol, [url], 2, 'warm'));
      const snap = async () => {
        const before = new Set(await readdir(dir));
        process.kill(child.pid!, 'SIGUSR2');
        for (let n = 0; n < 600; n += 1) {
          const fresh = (await readdir(dir)).filter((name) => !before.has(name) && name.endsWith('.heapsnapshot'));
          // The file is complete once its size stops changing.
          if (fresh[0]) {
            const file = join(dir, fresh[0]);
            let size = -1;
            for (let m = 0; m < 600; m += 1) {
              await new Promise((resolve) => setTimeout(resolve, 500));
              const now = (await stat(file)).size;
              if (now === size && now > 0) return file;
              size = now;
            }
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error('No heap snapshot within 60 s.');
      };
      const rssBefore = await rssBytes(child.pid!);
      const firstFile = await snap();
      const first = await summarize(firstFile);
      const sockets = await openIdle(protocol, [url], COUNT, 'idle');
      await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
      const rssAfter = await rssBytes(child.pid!);
      const secondFile = await snap();
      const second = await summarize(secondFile);
      await closeAll(sockets);
      if (process.env.BENCH_SNAPSHOTS) {
        await mkdir(process.env.BENCH_SNAPSHOTS, { recursive: true });
        await copyFile(firstFile, join(process.env.BENCH_SNAPSHOTS, 'before.heapsnapshot'));
        await copyFile(secondFile, join(process.env.BENCH_SNAPSHOTS, `after-${COUNT}.heapsnapshot`));
      }

      const grown = [...second].map(([kind, after]) => {
        const before = first.get(kind) ?? { size: 0, count: 0 };
        return { kind, bytes: (after.size - before.size) / COUNT, count: (after.count - before.count) / COUNT };
      });
      grown.sort((a, b) => b.bytes - a.bytes);
      const heapPerSocket = grown.reduce((total, entry) => total + entry.bytes, 0);
      console.log(`${COUNT} idle joined sockets${PEERJS ? " on PeerJS's server" : redis ? ' (through Redis)' : ''}: RSS ${((rssAfter - rssBefore) / COUNT / 1024).toFixed(1)} KB per socket, heap ${(heapPerSocket / 1024).toFixed(1)} KB per socket`);
      console.log('| what grew | bytes per socket | objects per socket |');
      console.log('| --- | --- | --- |');
      for (const entry of grown.slice(0, 25)) console.log(`| ${entry.kind} | ${entry.bytes.toFixed(0)} | ${entry.count.toFixed(2)} |`);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        process.kill(child.pid!, 'SIGKILL');
        await exited;
      }
    }
  } finally {
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

try {
  await main();
} finally {
  // Redis's folder, under this process's record (test/support/testResources.ts).
  removeOwn();
}
