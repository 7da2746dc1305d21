/**
 * Calls through a real coturn on loopback: forced relay (ICE_TRANSPORT_POLICY=relay), the TURN
 * REST credentials coturn accepts and refuses, and a relay that turns the call away.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { makeLocalCertificate } from '../../scripts/localCertificate.js';
import { createTurnCredentials } from '../../src/server/turnCredentials.js';
import type { AppOptions } from '../../src/server/app.js';
import { startCoturn, type Coturn } from './support/coturn.js';
import {
  CONNECTED,
  WAITING,
  expect,
  expectCannotGetThrough,
  expectRemoteVideoMoving,
  expectState,
  openPerson,
  startServer,
  test as base,
  type CallServer,
} from './support/fixtures.js';
import {
  closeRelayLoop,
  gatherRelayCandidates,
  relayLoopState,
  selectedPair,
  startRelayLoop,
  watchPeerConnections,
} from './support/peerConnections.js';
import { makeTempDir } from '../support/testResources.js';

const SECRET = randomBytes(24).toString('hex');
const TTL_S = 600;

const test = base.extend<{ coturn: Coturn }>({
  coturn: async ({}, use) => {
    const coturn = await startCoturn({ secret: SECRET, allowLoopbackPeers: true });
    try {
      await use(coturn);
    } finally {
      await coturn.stop();
    }
  },
});

async function withServer(options: AppOptions, body: (server: CallServer) => Promise<void>): Promise<void> {
  const server = await startServer(options);
  try {
    await body(server);
  } finally {
    await server.app.close();
  }
}

/** A person's page, watched, before Start. */
async function person(browser: Parameters<typeof openPerson>[0], url: string): Promise<Page> {
  const page = await openPerson(browser, url);
  await watchPeerConnections(page);
  return page;
}

const start = (page: Page) => page.getByRole('button', { name: 'Start' }).click();

/** Alice waits in the room, then Bob comes: both connected over the relay, video moving. */
async function relayedPair(browser: Parameters<typeof openPerson>[0], url: string) {
  const alice = await person(browser, url);
  await start(alice);
  await expectState(alice, WAITING);
  const bob = await person(browser, url);
  const started = Date.now();
  await start(bob);
  await expectState(alice, CONNECTED);
  await expectState(bob, CONNECTED);
  const connected = Date.now() - started;
  await expectRemoteVideoMoving(alice);
  await expectRemoteVideoMoving(bob);
  return { alice, bob, connected };
}

/** The TURN username the page's current peer connection is configured with. */
const turnUsername = (page: Page) =>
  page.evaluate(() => {
    const pc = (window as Window & { peerConnections?: RTCPeerConnection[] }).peerConnections?.at(-1);
    return pc?.getConfiguration().iceServers?.find((server) => server.username)?.username ?? null;
  });

test('a call forced through the relay: video both ways, on a relay/relay candidate pair', async ({ browser, coturn }) => {
  const turn = { urls: [coturn.url('udp')], secret: SECRET, ttlS: TTL_S };
  await withServer({ turn, iceTransportPolicy: 'relay' }, async (server) => {
    const { alice, bob, connected } = await relayedPair(browser, `${server.url}/?room=relayed`);
    console.log(`relay call: second Start → both connected: ${connected} ms`);

    for (const page of [alice, bob]) {
      const pair = await selectedPair(page);
      expect(pair, `${pair?.localAddress}: the selected pair`).toMatchObject({ local: 'relay', remote: 'relay' });
    }
  });
});

test('coturn accepts the credentials a WELCOME carries, and refuses them once expired or signed with another secret', async ({
  browser,
  coturn,
}) => {
  const settings = { urls: [coturn.url('udp')], secret: SECRET, ttlS: TTL_S };
  await withServer({ turn: settings }, async (server) => {
    const page = await openPerson(browser, `${server.url}/?room=credentials`);
    const fresh = createTurnCredentials(settings, () => Date.now())('peer-1');
    // Made a whole lifetime and a minute ago: its expiry is a minute past.
    const expired = createTurnCredentials(settings, () => Date.now() - (TTL_S + 60) * 1000)('peer-1');
    const forged = createTurnCredentials({ ...settings, secret: 'not-the-secret-coturn-has' }, () => Date.now())('peer-1');

    expect((await gatherRelayCandidates(page, fresh)).relayCandidates).toBeGreaterThan(0);
    for (const refused of [expired, forged]) {
      const result = await gatherRelayCandidates(page, refused);
      expect(result.relayCandidates).toBe(0);
      expect(result.errors).toContainEqual(expect.stringMatching(/^401 /));
    }
  });
});

test('a relay that refuses the call: the page says the call cannot get through, and nothing spins', async ({ browser, coturn }) => {
  // The server's secret is not coturn's: every credential it hands out is refused.
  const turn = { urls: [coturn.url('udp')], secret: 'a-secret-coturn-does-not-have', ttlS: TTL_S };
  await withServer({ turn, iceTransportPolicy: 'relay' }, async (server) => {
    const alice = await person(browser, `${server.url}/?room=refused`);
    await start(alice);
    await expectState(alice, WAITING);
    const bob = await person(browser, `${server.url}/?room=refused`);
    const started = Date.now();
    await start(bob);

    // Each page hears the refusal within a moment of the other; the first to hear it leaves.
    await expectCannotGetThrough([alice, bob], 'The call cannot get through: this call server sends every call through a relay');
    console.log(`refused relay: second Start → both pages done connecting: ${Date.now() - started} ms`);
  });
});

test('a resumed seat brings fresh credentials to the peer connection that carries the call', async ({ browser, coturn }) => {
  const turn = { urls: [coturn.url('udp')], secret: SECRET, ttlS: TTL_S };
  await withServer({ turn, iceTransportPolicy: 'relay' }, async (server) => {
    const { alice, bob } = await relayedPair(browser, `${server.url}/?room=fresh`);
    const before = await turnUsername(alice);
    const expiry = (username: string | null) => Number(username?.split(':')[0]);
    expect(expiry(before)).toBeGreaterThan(Date.now() / 1000);
    // Expiry counts whole seconds: let one pass, so the fresh credential must differ.
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    for (const socket of server.app.signalingSockets) socket.terminate();

    await expect.poll(() => turnUsername(alice), { timeout: 15_000 }).not.toBe(before);
    expect(expiry(await turnUsername(alice))).toBeGreaterThan(expiry(before));
    await expectState(alice, /active\.room\.server\.online/);
    await expectState(alice, CONNECTED);
    // The same peer connection, still on the relay, still moving video.
    expect(await alice.evaluate(() => (window as Window & { peerConnections?: RTCPeerConnection[] }).peerConnections?.length)).toBe(1);
    expect(await selectedPair(alice)).toMatchObject({ local: 'relay', remote: 'relay' });
    await expectRemoteVideoMoving(alice);
    await expectRemoteVideoMoving(bob);
  });
});

test('the production coturn configuration relays for the credentials the server makes, and never to loopback peers', async ({
  browser,
  coturn,
}) => {
  const dir = makeTempDir('coturn-production');
  const certificate = makeLocalCertificate(dir, ['127.0.0.1']);
  const file = fileURLToPath(new URL('../../deploy/turnserver.conf', import.meta.url));
  const production = await startCoturn({ secret: SECRET, config: { file, ...certificate } });
  const credentialsFor = (relay: Coturn) =>
    createTurnCredentials({ urls: [relay.url('udp')], secret: SECRET, ttlS: TTL_S }, () => Date.now())('peer-1');
  try {
    await withServer({}, async (server) => {
      const page = await openPerson(browser, `${server.url}/?room=production-relay`);

      // It loaded the file, listens, and takes the server's credentials.
      expect((await gatherRelayCandidates(page, credentialsFor(production))).relayCandidates).toBeGreaterThan(0);

      // Two peers on this machine reach each other through the test's relay, which allows
      // loopback peers; the production one refuses to relay to a loopback address.
      await startRelayLoop(page, credentialsFor(coturn));
      await expect.poll(() => relayLoopState(page), { timeout: 20_000 }).toEqual(['connected', 'connected']);
      await closeRelayLoop(page);
      await startRelayLoop(page, credentialsFor(production));
      await expect.poll(() => relayLoopState(page), { timeout: 60_000 }).toEqual(['failed', 'failed']);
      await closeRelayLoop(page);
    });
    expect(production.log()).not.toMatch(/CONFIG ERROR|CONFIGURATION ALERT/);
  } finally {
    await production.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
