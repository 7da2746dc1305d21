import { chromium, type Browser } from '@playwright/test';
import { CONNECTED, expect, expectRemoteVideoMoving, expectState, inState, openPerson, recordStates, seenStates, startServer, test } from './support/fixtures.js';
import { createTestNetwork } from './support/testNetwork.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

test('a dead media path is noticed and the call recovers by itself (ICE restart)', async () => {
  test.setTimeout(120_000);
  const network = createTestNetwork(CHROMIUM);
  const browsers: Browser[] = [];
  const server = await startServer({}, network.serverAddress);
  try {
    const origin = server.url;
    const launch = async (host: 'a' | 'b') => {
      const browser = await chromium.launch({
        executablePath: network.chromiumIn(host),
        args: [
          '--use-fake-device-for-media-stream',
          '--use-fake-ui-for-media-stream',
          // The test hosts reach the page over plain http on a private address.
          `--unsafely-treat-insecure-origin-as-secure=${origin}`,
        ],
      });
      browsers.push(browser);
      return browser;
    };
    const alice = await openPerson(await launch('a'), `${origin}/?room=ice`);
    await alice.getByRole('button', { name: 'Start' }).click();
    await expectState(alice, inState('active.room.call.waiting'));
    const bob = await openPerson(await launch('b'), `${origin}/?room=ice`);
    await bob.getByRole('button', { name: 'Start' }).click();
    await expectState(alice, CONNECTED);
    await expectState(bob, CONNECTED);
    await expectRemoteVideoMoving(alice);
    await recordStates(alice);
    await recordStates(bob);

    network.cutMediaPath();
    const cut = Date.now();
    await expectState(alice, /active\.room\.call\.inCall\.(interrupted|restarting)/, 30_000);
    console.log(`media path cut → noticed: ${Date.now() - cut} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    network.restoreMediaPath();
    const restored = Date.now();

    await expectState(alice, CONNECTED, 45_000);
    await expectState(bob, CONNECTED, 45_000);
    console.log(`media path restored → connected again: ${Date.now() - restored} ms`);
    await expectRemoteVideoMoving(alice);
    await expectRemoteVideoMoving(bob);
    const states = [...(await seenStates(alice)), ...(await seenStates(bob))];
    expect(states.some((state) => /inCall\.restarting/.test(state))).toBe(true);
    // Recovered within the call: nobody was sent back to waiting or to an error.
    expect(states.filter((state) => !/active\.room\.call\.inCall\./.test(state))).toEqual([]);
  } finally {
    for (const browser of browsers) await browser.close();
    await server.app.close();
    network.teardown();
  }
});
