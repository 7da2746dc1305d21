/**
 * The server itself on https:// and wss:// (TLS_CERT/TLS_KEY), with a certificate the test makes
 * in a temp dir. Chromium is told to accept it (--ignore-certificate-errors), as a person would
 * click through the warning for a LAN certificate; the page is then a secure context.
 */
import { chromium } from '@playwright/test';
import { readFileSync, rmSync } from 'node:fs';
import { makeLocalCertificate } from '../../scripts/localCertificate.js';
import { makeTempDir } from '../support/testResources.js';
import { CONNECTED, WAITING, expect, expectRemoteVideoMoving, expectState, openPerson, startServer, test } from './support/fixtures.js';

test('a call over https and wss works, with HSTS on the page', async () => {
  const dir = makeTempDir('https');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--allow-loopback-in-peer-connection', '--ignore-certificate-errors'],
  });
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const files = makeLocalCertificate(dir, ['127.0.0.1']);
    server = await startServer({ tls: { cert: readFileSync(files.cert, 'utf8'), key: readFileSync(files.key, 'utf8') } });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);

    const alice = await openPerson(browser, `${server.url}/?room=over-https`);
    const answer = await alice.reload();
    expect(answer?.headers()['strict-transport-security']).toBe('max-age=31536000');
    expect(await alice.evaluate(() => ({ protocol: location.protocol, secure: window.isSecureContext }))).toEqual({ protocol: 'https:', secure: true });

    await alice.getByRole('button', { name: 'Start' }).click();
    await expectState(alice, WAITING);
    const bob = await openPerson(browser, `${server.url}/?room=over-https`);
    await bob.getByRole('button', { name: 'Start' }).click();
    await expectState(alice, CONNECTED);
    await expectState(bob, CONNECTED);
    await expectRemoteVideoMoving(alice);
    await expectRemoteVideoMoving(bob);
    // Both joined through the signaling socket of a server that speaks only TLS: wss.
    expect(server.app.signalingSockets.size).toBe(2);
  } finally {
    await browser.close();
    await server?.app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
