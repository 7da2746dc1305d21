import type { Browser, Page } from '@playwright/test';
import {
  CONNECTED,
  WAITING,
  expect,
  expectRemoteVideoMoving,
  expectPeerState,
  expectState,
  inState,
  openPerson,
  recordStates,
  remoteTiles,
  seenPeerStates,
  seenStates,
  test as base,
} from './support/fixtures.js';
import { launchInHost } from './support/hostBrowser.js';
import { startServerProcess } from './support/serverProcess.js';
import { createTestNetwork, type TestNetwork } from './support/testNetwork.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// The test hosts are torn down after every test, whatever it did.
const test = base.extend<{ network: TestNetwork }>({
  network: async ({}, use) => {
    const network = createTestNetwork(CHROMIUM);
    try {
      await use(network);
    } finally {
      network.teardown();
    }
  },
});

interface NetworkCall {
  network: TestNetwork;
  alice: Page;
  bob: Page;
}

/** Alice on test host A, Bob on test host B, the server on the server host, connected. */
async function withNetworkCall(
  network: TestNetwork,
  room: string,
  body: (call: NetworkCall) => Promise<void>,
  serverEnv: Record<string, string> = {},
): Promise<void> {
  const browsers: Browser[] = [];
  // The server host is a namespace of its own: any port is free there.
  const server = await startServerProcess(1337, { network, env: serverEnv });
  try {
    const origin = server.url;
    const launch = async (host: 'a' | 'b') => {
      const browser = await launchInHost(network, host, origin);
      browsers.push(browser);
      return browser;
    };
    const alice = await openPerson(await launch('a'), `${origin}/?room=${room}`);
    await alice.getByRole('button', { name: 'Start' }).click();
    await expectState(alice, inState('active.room.call.waiting'));
    const bob = await openPerson(await launch('b'), `${origin}/?room=${room}`);
    await bob.getByRole('button', { name: 'Start' }).click();
    await expectState(alice, CONNECTED);
    await expectState(bob, CONNECTED);
    await expectRemoteVideoMoving(alice);
    await recordStates(alice);
    await recordStates(bob);
    await body({ network, alice, bob });
  } finally {
    for (const browser of browsers) await browser.close();
    await server.stop();
  }
}

/** Every state either side passed through stayed inside the call (no waiting, no error). */
async function stayedInTheCall(call: NetworkCall) {
  const states = [...(await seenStates(call.alice)), ...(await seenStates(call.bob))];
  expect(states.filter((state) => !/active\.room\.call\.inCall\./.test(state))).toEqual([]);
  return states;
}

test('a dead media path is noticed and the call recovers by itself (ICE restart)', async ({ network }) => {
  test.setTimeout(120_000);
  await withNetworkCall(network, 'ice-restart', async (call) => {
    call.network.cutMediaPath();
    const cut = Date.now();
    await expectPeerState(call.alice, /connection\.(interrupted|restarting)/, 30_000);
    console.log(`media path cut → noticed: ${Date.now() - cut} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    call.network.restoreMediaPath();
    const restored = Date.now();

    await expectState(call.alice, CONNECTED, 45_000);
    await expectState(call.bob, CONNECTED, 45_000);
    console.log(`media path restored → connected again: ${Date.now() - restored} ms`);
    await expectRemoteVideoMoving(call.alice);
    await expectRemoteVideoMoving(call.bob);
    await stayedInTheCall(call);
    expect((await seenPeerStates(call.alice)).some((state) => /connection\.restarting/.test(state))).toBe(true);
  });
});

test('when an ICE restart does not bring the path back, the peer connection is rebuilt', async ({ network }) => {
  test.setTimeout(180_000);
  await withNetworkCall(network, 'ice-rebuild', async (call) => {
    call.network.cutMediaPath();
    // restarting → (restart timeout) → a new peer connection, negotiating from scratch.
    const rebuilt = async (page: Page) => {
      const states = await seenPeerStates(page);
      const restart = states.findIndex((state) => /connection\.restarting/.test(state));
      return restart >= 0 && states.slice(restart).some((state) => /connection\.negotiating/.test(state));
    };
    await expect.poll(() => rebuilt(call.alice), { timeout: 60_000 }).toBe(true);
    call.network.restoreMediaPath();
    const restored = Date.now();

    await expectState(call.alice, CONNECTED, 60_000);
    await expectState(call.bob, CONNECTED, 60_000);
    console.log(`media path restored after a rebuild → connected again: ${Date.now() - restored} ms`);
    await expectRemoteVideoMoving(call.alice);
    await expectRemoteVideoMoving(call.bob);
    await stayedInTheCall(call);
  });
});

test('someone whose network drops is shown as gone, and the call starts again when they are back', async ({ network }) => {
  test.setTimeout(180_000);
  // Short server timings, so the test does not wait out the production heartbeat and grace.
  const timings = { HEARTBEAT_INTERVAL_MS: '1000', RESUME_GRACE_MS: '2000' };
  await withNetworkCall(
    network,
    'network-lost',
    async (call) => {
      call.network.disconnectHostA();
      const lost = Date.now();
      // Bob first sees the media stop, then the server gives Alice's seat up: he waits for her.
      await expectState(call.bob, WAITING, 30_000);
      await expect(call.bob.getByRole('status')).toContainText('The other person left');
      await expect(remoteTiles(call.bob)).toHaveCount(0);
      console.log(`network lost → the other side shows it: ${Date.now() - lost} ms`);

      call.network.reconnectHostA();
      const back = Date.now();
      await expectState(call.alice, CONNECTED, 60_000);
      await expectState(call.bob, CONNECTED, 60_000);
      console.log(`network back → call connected again: ${Date.now() - back} ms`);
      await expectRemoteVideoMoving(call.alice);
      await expectRemoteVideoMoving(call.bob);
    },
    timings,
  );
});
