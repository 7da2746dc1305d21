/**
 * Two test hosts in network namespaces of their own, for faults that loopback cannot show:
 *
 *   host A (10.77.1.2) ──veth── this machine (10.77.1.1: the server listens here)
 *   host B (10.77.2.2) ──veth── this machine (10.77.2.1; B routes to 10.77.1.1 through it)
 *   host A (10.77.3.1) ──veth── host B (10.77.3.2): the only path media can take
 *
 * Nothing is forwarded and no host has a default route, so no packet leaves these links.
 * Cutting the media path is a blackhole route on host A: the server stays reachable, exactly
 * like a peer-to-peer path dying while both people stay online. Each person's Chromium runs
 * inside their host's namespace (Playwright drives it over a pipe, which crosses namespaces).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

export interface TestNetwork {
  serverAddress: string;
  /** A Chromium executable that runs inside host A's or host B's namespace. */
  chromiumIn(host: 'a' | 'b'): string;
  cutMediaPath(): void;
  restoreMediaPath(): void;
  /** Host A loses its network altogether: no server, no media (a laptop closing, a dead Wi-Fi). */
  disconnectHostA(): void;
  reconnectHostA(): void;
  teardown(): void;
}

export function createTestNetwork(chromium: string): TestNetwork {
  const id = process.pid.toString(36);
  const ns = { a: `call-a-${id}`, b: `call-b-${id}` };
  const dir = mkdtempSync(join(tmpdir(), 'call-netns-'));
  const inNs = (host: 'a' | 'b', ...args: string[]) => ip('netns', 'exec', ns[host], 'ip', ...args);
  const teardown = () => {
    for (const name of Object.values(ns)) {
      try {
        ip('netns', 'del', name);
      } catch {
        // Already gone (or never made): nothing to undo.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    ip('netns', 'add', ns.a);
    ip('netns', 'add', ns.b);
    ip('link', 'add', `ra${id}`, 'type', 'veth', 'peer', 'name', `ha${id}`);
    ip('link', 'add', `rb${id}`, 'type', 'veth', 'peer', 'name', `hb${id}`);
    ip('link', 'add', `xa${id}`, 'type', 'veth', 'peer', 'name', `xb${id}`);
    ip('link', 'set', `ha${id}`, 'netns', ns.a);
    ip('link', 'set', `xa${id}`, 'netns', ns.a);
    ip('link', 'set', `hb${id}`, 'netns', ns.b);
    ip('link', 'set', `xb${id}`, 'netns', ns.b);
    ip('addr', 'add', '10.77.1.1/24', 'dev', `ra${id}`);
    ip('link', 'set', `ra${id}`, 'up');
    ip('addr', 'add', '10.77.2.1/24', 'dev', `rb${id}`);
    ip('link', 'set', `rb${id}`, 'up');
    inNs('a', 'link', 'set', 'lo', 'up');
    inNs('a', 'addr', 'add', '10.77.1.2/24', 'dev', `ha${id}`);
    inNs('a', 'link', 'set', `ha${id}`, 'up');
    inNs('a', 'addr', 'add', '10.77.3.1/24', 'dev', `xa${id}`);
    inNs('a', 'link', 'set', `xa${id}`, 'up');
    inNs('b', 'link', 'set', 'lo', 'up');
    inNs('b', 'addr', 'add', '10.77.2.2/24', 'dev', `hb${id}`);
    inNs('b', 'link', 'set', `hb${id}`, 'up');
    inNs('b', 'addr', 'add', '10.77.3.2/24', 'dev', `xb${id}`);
    inNs('b', 'link', 'set', `xb${id}`, 'up');
    inNs('b', 'route', 'add', '10.77.1.1/32', 'via', '10.77.2.1');
  } catch (error) {
    teardown();
    const detail = error instanceof Error && 'stderr' in error ? String((error as { stderr: unknown }).stderr) : String(error);
    throw new Error(`Could not make the test network (network namespaces need root and iproute2): ${detail}`);
  }

  const wrappers = {
    a: join(dir, 'chromium-a'),
    b: join(dir, 'chromium-b'),
  };
  for (const host of ['a', 'b'] as const) {
    writeFileSync(wrappers[host], `#!/bin/sh\nexec ip netns exec ${ns[host]} ${chromium} "$@"\n`);
    chmodSync(wrappers[host], 0o755);
  }

  return {
    serverAddress: '10.77.1.1',
    chromiumIn: (host) => wrappers[host],
    cutMediaPath: () => inNs('a', 'route', 'add', 'blackhole', '10.77.3.2/32'),
    restoreMediaPath: () => inNs('a', 'route', 'del', 'blackhole', '10.77.3.2/32'),
    disconnectHostA: () => {
      inNs('a', 'route', 'add', 'blackhole', '10.77.3.2/32');
      inNs('a', 'route', 'add', 'blackhole', '10.77.1.1/32');
    },
    reconnectHostA: () => {
      inNs('a', 'route', 'del', 'blackhole', '10.77.3.2/32');
      inNs('a', 'route', 'del', 'blackhole', '10.77.1.1/32');
    },
    teardown,
  };
}
