/**
 * Two people on networks with no direct route between them (test hosts A and B, without the
 * direct link), each reaching only the server host, where the call server and coturn run as
 * their own processes configured the way an operator would (TURN_URLS, TURN_SECRET). Nothing
 * forces the relay: the call finds it because it is the only way through.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from '@playwright/test';
import { startCoturn, type Coturn } from './support/coturn.js';
import {
  CONNECTED,
  WAITING,
  expect,
  expectCannotGetThrough,
  expectRemoteVideoMoving,
  expectState,
  openPerson,
  test as base,
} from './support/fixtures.js';
import { launchInHost } from './support/hostBrowser.js';
import { selectedPair, watchPeerConnections } from './support/peerConnections.js';
import { startServerProcess } from './support/serverProcess.js';
import { createTestNetwork, type TestNetwork } from './support/testNetwork.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SECRET = randomBytes(24).toString('hex');

// No direct A–B link: A and B reach only the server host, which forwards nothing.
const test = base.extend<{ network: TestNetwork; coturn: Coturn }>({
  network: async ({}, use) => {
    const network = createTestNetwork(CHROMIUM, { directPath: false });
    try {
      await use(network);
    } finally {
      network.teardown();
    }
  },
  coturn: async ({ network }, use) => {
    const coturn = await startCoturn({ secret: SECRET, network });
    try {
      await use(coturn);
    } finally {
      await coturn.stop();
    }
  },
});

interface People {
  alice: Page;
  bob: Page;
  /** Bob's Start to this moment. */
  sinceBobStarted(): number;
}

/** The call server's settings for `coturn`, with `secret` as its TURN_SECRET. */
const turnEnv = (coturn: Coturn, secret: string) => ({ TURN_URLS: `${coturn.url('udp')},${coturn.url('tcp')}`, TURN_SECRET: secret });

/** Alice on host A waits, Bob on host B joins; the call server runs with `env`. */
async function meet(network: TestNetwork, room: string, env: Record<string, string>, body: (people: People) => Promise<void>) {
  const server = await startServerProcess(1337, { network, env });
  const browsers: Browser[] = [];
  try {
    const enter = async (host: 'a' | 'b') => {
      const browser = await launchInHost(network, host, server.url);
      browsers.push(browser);
      const page = await openPerson(browser, `${server.url}/?room=${room}`);
      await watchPeerConnections(page);
      return page;
    };
    const alice = await enter('a');
    await alice.getByRole('button', { name: 'Start' }).click();
    await expectState(alice, WAITING);
    const bob = await enter('b');
    const started = Date.now();
    await bob.getByRole('button', { name: 'Start' }).click();
    await body({ alice, bob, sinceBobStarted: () => Date.now() - started });
  } finally {
    for (const browser of browsers) await browser.close();
    await server.stop();
  }
}

test('with no direct route between the two networks, the call goes through the relay by itself', async ({ network, coturn }) => {
  test.setTimeout(90_000);
  await meet(network, 'between-networks', turnEnv(coturn, SECRET), async ({ alice, bob, sinceBobStarted }) => {
    await expectState(alice, CONNECTED, 30_000);
    await expectState(bob, CONNECTED, 30_000);
    console.log(`between networks: second Start → both connected: ${sinceBobStarted()} ms`);
    await expectRemoteVideoMoving(alice);
    await expectRemoteVideoMoving(bob);
    // No direct path exists, so media can only cross through coturn: a relay candidate on
    // at least one end of the pair each side uses.
    for (const page of [alice, bob]) {
      const pair = await selectedPair(page);
      expect(pair, 'the selected candidate pair').not.toBeNull();
      expect([pair?.local, pair?.remote]).toContain('relay');
    }
  });
});

test('with a wrong TURN secret and no direct route, both pages say the call cannot get through', async ({ network, coturn }) => {
  test.setTimeout(90_000);
  await meet(network, 'wrong-secret', turnEnv(coturn, 'this-is-not-the-secret-coturn-has'), async ({ alice, bob, sinceBobStarted }) => {
    for (const page of [alice, bob]) {
      await expectState(page, 'unreachable', 45_000);
      await expect(page.getByRole('status')).toContainText('The call cannot get through');
      await expect(page.getByRole('status')).toContainText('allow no direct connection');
      await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
    }
    console.log(`wrong secret: second Start → both say the call cannot get through: ${sinceBobStarted()} ms`);
  });
});

test('with no relay configured and no direct route, the page says the call cannot get through', async ({ network }) => {
  test.setTimeout(90_000);
  await meet(network, 'no-relay', {}, async ({ alice, bob, sinceBobStarted }) => {
    // Both find out when every candidate pair has failed; the first to find out leaves.
    await expectCannotGetThrough([alice, bob], 'has no relay (TURN) to carry the call');
    console.log(`no relay: second Start → the page says the call cannot get through: ${sinceBobStarted()} ms`);
  });
});
