/**
 * Test hosts in network namespaces of their own, for faults that loopback cannot show:
 *
 *   host A (10.77.1.2) ──veth── server host (10.77.1.1: the server listens here)
 *   host B (10.77.2.2) ──veth── server host (10.77.2.1; B routes to 10.77.1.1 through it)
 *   host A (10.77.3.1) ──veth── host B (10.77.3.2): the direct path, unless left out
 *
 * Every address and link lives inside the namespaces, made there directly: the machine's own
 * namespace never sees them, so two runs at once cannot collide, and deleting the namespaces
 * deletes everything. The server host forwards nothing, so without the direct path A and B
 * reach only the server host. Cutting the direct path is a blackhole route on host A: the
 * server stays reachable, exactly like a peer-to-peer path dying while both people stay
 * online. Each person's Chromium runs inside their host's namespace (Playwright drives it over
 * a pipe, which crosses namespaces); servers run inside the server host.
 */
import { execFileSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deleteNamespace, makeTempDir, namespaceName, spawnTracked } from '../../support/testResources.js';

type Host = 'a' | 'b' | 'server';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

export interface TestNetworkOptions {
  /** A link straight between A and B (default true); without it media must go through a relay. */
  directPath?: boolean;
}

export interface TestNetwork {
  serverAddress: string;
  /** Each host's namespace name. */
  namespaces: Record<Host, string>;
  /** A Chromium executable that runs inside host A's or host B's namespace. */
  chromiumIn(host: 'a' | 'b'): string;
  /** Starts a process inside a host's namespace, recorded so that it is stopped even if the run dies. */
  spawnIn(host: Host, command: string, args: string[], options?: SpawnOptions): { child: ChildProcess; exited: Promise<void> };
  /** Whether something listens on this TCP port in the server host (which this namespace cannot reach). */
  listensInServerHost(port: number): boolean;
  cutMediaPath(): void;
  restoreMediaPath(): void;
  /** Host A loses its network altogether: no server, no media (a laptop closing, a dead Wi-Fi). */
  disconnectHostA(): void;
  reconnectHostA(): void;
  /** Stops whatever still runs in the hosts and deletes them; safe to call twice. */
  teardown(): void;
}

export function createTestNetwork(chromium: string, options: TestNetworkOptions = {}): TestNetwork {
  const ns: Record<Host, string> = { a: namespaceName('a'), b: namespaceName('b'), server: namespaceName('s') };
  const dir = makeTempDir('netns');
  const inNs = (host: Host, ...args: string[]) => ip('-n', ns[host], ...args);
  // A veth pair whose ends are made inside their namespaces, never in the machine's own.
  const link = (left: Host, leftName: string, right: Host, rightName: string) =>
    ip('link', 'add', leftName, 'netns', ns[left], 'type', 'veth', 'peer', 'name', rightName, 'netns', ns[right]);
  const address = (host: Host, cidr: string, dev: string) => {
    inNs(host, 'addr', 'add', cidr, 'dev', dev);
    inNs(host, 'link', 'set', dev, 'up');
  };
  const teardown = () => {
    for (const name of Object.values(ns)) deleteNamespace(name);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    for (const host of ['a', 'b', 'server'] as const) {
      ip('netns', 'add', ns[host]);
      inNs(host, 'link', 'set', 'lo', 'up');
    }
    link('server', 'to-a', 'a', 'to-server');
    link('server', 'to-b', 'b', 'to-server');
    address('server', '10.77.1.1/24', 'to-a');
    address('server', '10.77.2.1/24', 'to-b');
    address('a', '10.77.1.2/24', 'to-server');
    address('b', '10.77.2.2/24', 'to-server');
    inNs('b', 'route', 'add', '10.77.1.1/32', 'via', '10.77.2.1');
    if (options.directPath ?? true) {
      link('a', 'to-b', 'b', 'to-a');
      address('a', '10.77.3.1/24', 'to-b');
      address('b', '10.77.3.2/24', 'to-a');
    }
  } catch (error) {
    teardown();
    const detail = error instanceof Error && 'stderr' in error ? String((error as { stderr: unknown }).stderr) : String(error);
    throw new Error(`Could not make the test network (network namespaces need root and iproute2): ${detail}`);
  }

  const wrappers = { a: join(dir, 'chromium-a'), b: join(dir, 'chromium-b') };
  for (const host of ['a', 'b'] as const) {
    writeFileSync(wrappers[host], `#!/bin/sh\nexec ip netns exec ${ns[host]} ${chromium} "$@"\n`);
    chmodSync(wrappers[host], 0o755);
  }

  return {
    serverAddress: '10.77.1.1',
    namespaces: ns,
    chromiumIn: (host) => wrappers[host],
    // `ip netns exec` execs the command itself, so the child's pid is the command's.
    spawnIn: (host, command, args, spawnOptions) => spawnTracked('ip', ['netns', 'exec', ns[host], command, ...args], spawnOptions),
    listensInServerHost: (port) =>
      execFileSync('ip', ['netns', 'exec', ns.server, 'ss', '-Hltn', `sport = :${port}`], { encoding: 'utf8' }).trim() !== '',
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
