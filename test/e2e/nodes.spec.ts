/**
 * Two nodes sharing rooms through a real Redis, behind a real haproxy with deploy/haproxy.cfg:
 * a call through the load balancer, and one node killed during it.
 */
import { startRedis, type RedisServer } from '../server/support/redisServer.js';
import { CONNECTED, WAITING, connectedPair, expect, expectRemoteVideoMoving, expectState, recordStates, seenStates, test } from './support/fixtures.js';
import { startHaproxy, type LoadBalancer } from './support/haproxy.js';
import { freePort, startServerProcess, type ServerProcess } from './support/serverProcess.js';

const ONLINE = /active\.room\.server\.online/;
const neverLeftTheCall = (states: string[]) => states.filter((state) => !/ active\.room\.call\.inCall\./.test(` ${state}`));

/** Open signaling sockets of a node, from its own /metrics. */
async function openSockets(node: ServerProcess): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('peercall_open_sockets '));
  return Number(line?.split(' ')[1] ?? NaN);
}

test('a node killed during a call behind haproxy: the video never stops and both pages are back online through the other node', async ({ browser }) => {
  test.setTimeout(120_000);
  let redis: RedisServer | undefined;
  let balancer: LoadBalancer | undefined;
  const nodes: ServerProcess[] = [];
  try {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, TRUST_PROXY: '127.0.0.1' };
    const ports = [await freePort(), await freePort()] as const;
    nodes.push(await startServerProcess(ports[0], { env }), await startServerProcess(ports[1], { env }));
    balancer = await startHaproxy([`127.0.0.1:${ports[0]}`, `127.0.0.1:${ports[1]}`]);

    const { alice, bob } = await connectedPair(browser, balancer.url, 'behind-haproxy');
    await recordStates(alice);
    await recordStates(bob);
    const sockets = await Promise.all(nodes.map(openSockets));
    console.log(`signaling sockets per node before the kill: ${sockets.join(', ')}`);
    expect(sockets[0]! + sockets[1]!).toBe(2);
    // The node with a socket on it (both have one when haproxy spread them).
    const victim = sockets[0]! > 0 ? 0 : 1;
    const survivor = nodes[1 - victim]!;

    await nodes[victim]!.stop('SIGKILL');
    const killedAt = Date.now();
    await expectState(alice, ONLINE, 15_000);
    await expectState(bob, ONLINE, 15_000);
    await expect.poll(() => openSockets(survivor), { timeout: 15_000 }).toBe(2);
    console.log(`node killed → both pages online through the other node: ${Date.now() - killedAt} ms`);

    await expectState(alice, CONNECTED);
    await expectState(bob, CONNECTED);
    await expectRemoteVideoMoving(alice);
    await expectRemoteVideoMoving(bob);
    // Seats resumed: nobody saw anyone leave, so neither page ever left the call.
    expect(neverLeftTheCall(await seenStates(alice))).toEqual([]);
    expect(neverLeftTheCall(await seenStates(bob))).toEqual([]);

    // The surviving node relays between them: a hang-up reaches the other side.
    await bob.getByRole('button', { name: 'Hang up' }).click();
    await expectState(alice, WAITING);
  } finally {
    await balancer?.stop();
    for (const node of nodes) await node.stop('SIGKILL');
    await redis?.stop();
  }
});
