import { chromium, type Page } from '@playwright/test';
import { expect, openPage, openPerson, startServer, test } from './support/fixtures.js';
import { startTurnServer } from './support/turnServer.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Presses the test button and waits until every line has its answer. */
async function runCheck(page: Page) {
  await page.getByRole('button', { name: 'Start the test' }).click();
  await expect(page.locator('body')).toHaveAttribute('data-check', 'done', { timeout: 40_000 });
}

const line = (page: Page, check: string) => page.locator(`#check-list [data-check="${check}"]`);

async function expectLine(page: Page, check: string, result: 'ok' | 'fail' | 'skip', text: RegExp) {
  const item = line(page, check);
  await expect(item).toHaveAttribute('data-result', result);
  await expect(item.locator('.sign')).toHaveText({ ok: '✓', fail: '✗', skip: '–' }[result]);
  await expect(item.locator('.detail')).toHaveText(text);
}

test('the call page links to the connection test, which finds camera, microphone, server and network', async ({ browser, server }) => {
  const call = await openPerson(browser, `${server.url}/`);
  const link = call.getByRole('link', { name: 'Test my setup' });
  await expect(link).toBeVisible();
  const page = await openPage(browser, new URL((await link.getAttribute('href'))!, server.url).href);
  await runCheck(page);

  await expectLine(page, 'camera', 'ok', /Your camera works \(\d+×\d+\)/);
  await expectLine(page, 'microphone', 'ok', /Your microphone works/);
  await expectLine(page, 'server', 'ok', /The call server answered/);
  await expectLine(page, 'host', 'ok', /Your device has a network address/);
  // This server has no ICE servers: the page says so, and what to do.
  await expectLine(page, 'relay', 'fail', /No TURN server is configured.*Ask whoever runs this call server/);
  await expectLine(page, 'relayData', 'skip', /Not tested/);
  await expect(page.getByRole('status')).toHaveText(/checks failed: see what to do beside each cross/);

  // The preview shows the camera and the meter follows the (beeping) fake microphone.
  await expect.poll(() => page.locator('#check-preview').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
  // Watched in the page, as a person watches it: the fake microphone only beeps now and then.
  await page.waitForFunction(() => document.querySelector<HTMLMeterElement>('#check-level')!.value > 0.1, undefined, {
    polling: 50,
    timeout: 10_000,
  });
});

test('with a real coturn the relay gives an address and carries data', async ({ browser }) => {
  const turn = await startTurnServer();
  try {
    const { username, credential } = turn.credentials('check');
    const urls = [`turn:127.0.0.1:${turn.port}?transport=udp`, `turn:127.0.0.1:${turn.port}?transport=tcp`];
    const server = await startServer({ iceServers: [{ urls, username, credential }] });
    try {
      const page = await openPage(browser, `${server.url}/?check`);
      await runCheck(page);
      await expectLine(page, 'server', 'ok', /The call server answered/);
      await expectLine(page, 'relay', 'ok', /The TURN server gives you a relay address/);
      await expectLine(page, 'relayData', 'ok', /64 KB went through the relay and back in \d+ ms \(path relay\/relay\)/);
    } finally {
      await server.app.close();
    }
  } finally {
    await turn.stop();
  }
});

test('a TURN server that refuses the credentials gets a cross that says so', async ({ browser }) => {
  const turn = await startTurnServer();
  try {
    const { username } = turn.credentials('check');
    const server = await startServer({
      iceServers: [{ urls: `turn:127.0.0.1:${turn.port}?transport=udp`, username, credential: 'not-the-secret' }],
    });
    try {
      const page = await openPage(browser, `${server.url}/?check`);
      await runCheck(page);
      await expectLine(page, 'relay', 'fail', /refused the credentials \(401.*check its shared secret/);
      await expectLine(page, 'relayData', 'skip', /Not tested: there is no relay address/);
    } finally {
      await server.app.close();
    }
  } finally {
    await turn.stop();
  }
});

test('without a camera the test says what to do, and still checks the network', async ({ server }) => {
  // No fake-device flag: this machine has no camera, as for a person without one.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--use-fake-ui-for-media-stream', '--allow-loopback-in-peer-connection'],
  });
  try {
    const page = await openPage(browser, `${server.url}/?check`);
    await runCheck(page);
    await expectLine(page, 'camera', 'fail', /No camera or microphone was found\. Connect one .*press Test again/);
    await expectLine(page, 'microphone', 'skip', /Not tested/);
    await expect(page.locator('#check-preview')).toBeHidden();
    await expectLine(page, 'server', 'ok', /The call server answered/);
    await expect(page.getByRole('button', { name: 'Test again' })).toBeEnabled();
  } finally {
    await browser.close();
  }
});

test('a call server that cannot be reached gets a cross, and the network checks wait for it', async ({ browser }) => {
  const server = await startServer();
  const page = await openPage(browser, `${server.url}/?check`);
  await server.app.close();
  await runCheck(page);
  await expectLine(page, 'camera', 'ok', /Your camera works/);
  await expectLine(page, 'server', 'fail', /Cannot reach the call server at 127\.0\.0\.1:\d+\. Check that you are online/);
  for (const check of ['host', 'srflx', 'relay', 'relayData']) await expectLine(page, check, 'skip', /Not tested: the call server could not be reached/);
});
