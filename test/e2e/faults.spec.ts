import {
  CONNECTED,
  RECONNECTING,
  WAITING,
  connectedPair,
  expect,
  expectRemoteVideoMoving,
  expectState,
  recordStates,
  seenStates,
  test,
} from './support/fixtures.js';
import { freePort, startServerProcess } from './support/serverProcess.js';

const neverLeftTheCall = (states: string[]) => states.filter((state) => !/ active\.room\.call\.inCall\./.test(` ${state}`));

test('dropped signaling sockets resume: the call never stops and nobody sees anyone leave', async ({ browser, server }) => {
  const { alice, bob } = await connectedPair(browser, server.url, 'drop');
  await recordStates(alice);
  await recordStates(bob);

  // The network between the browsers and the server blips: every socket is cut.
  for (const socket of server.app.signalingSockets) socket.terminate();

  await expect.poll(async () => (await seenStates(alice)).some((s) => RECONNECTING.test(s))).toBe(true);
  await expectState(alice, /active\.room\.server\.online/);
  await expectState(bob, /active\.room\.server\.online/);
  await expectState(alice, CONNECTED);
  await expectRemoteVideoMoving(alice);
  await expectRemoteVideoMoving(bob);
  // The seat was resumed: no PEER_LEFT, so neither side ever went back to waiting.
  expect(neverLeftTheCall(await seenStates(alice))).toEqual([]);
  expect(neverLeftTheCall(await seenStates(bob))).toEqual([]);
});

test('a reload during a call comes straight back into it, never into a full room', async ({ browser, server }) => {
  const { alice, bob } = await connectedPair(browser, server.url, 'reload');
  const started = Date.now();
  await bob.reload();
  await expectState(bob, CONNECTED);
  await expectState(alice, CONNECTED);
  console.log(`reload → both connected again: ${Date.now() - started} ms`);
  await expectRemoteVideoMoving(alice);
  await expectRemoteVideoMoving(bob);
  await expect(bob.locator('body')).not.toHaveAttribute('data-call-state', 'roomFull');
});

for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
  test(`the server stopped by ${signal} and restarted mid-call: the video keeps moving and the call goes on`, async ({
    browser,
  }) => {
    // Two calls, a server stopped and started again: more than the default minute.
    test.setTimeout(120_000);
    const port = await freePort();
    let server = await startServerProcess(port);
    try {
      const { alice, bob } = await connectedPair(browser, server.url, `restart-${signal}`);
      await server.stop(signal);
      await expectState(alice, RECONNECTING);
      await expectState(bob, RECONNECTING);
      // Peer to peer: with no server at all, the pictures keep coming.
      await expectRemoteVideoMoving(alice);
      await expectRemoteVideoMoving(bob);

      const restarted = Date.now();
      server = await startServerProcess(port);
      await expectState(alice, /active\.room\.server\.online/, 30_000);
      await expectState(bob, /active\.room\.server\.online/, 30_000);
      console.log(`${signal}: server back → both clients online again: ${Date.now() - restarted} ms`);
      await expectState(alice, CONNECTED);
      await expectState(bob, CONNECTED);
      await expectRemoteVideoMoving(alice);

      // The new server relays between them: a hang-up reaches the other side.
      await bob.getByRole('button', { name: 'Hang up' }).click();
      await expectState(alice, WAITING);
      // And they can call again through it.
      await bob.getByRole('button', { name: 'Start' }).click();
      await expectState(alice, CONNECTED);
      await expectState(bob, CONNECTED);
      await expectRemoteVideoMoving(alice);
    } finally {
      await server.stop('SIGKILL');
    }
  });
}
