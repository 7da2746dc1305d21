import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { expectTalking } from './support/audioLevel.js';
import { startCoturn } from './support/coturn.js';
import { mediaBrowserFixture } from './support/fakeDevices.js';
import { CONNECTED, expect, expectRemoteVideoMoving, expectState, openPage, openPerson, remoteTiles, startServer, test as base } from './support/fixtures.js';

/**
 * How long a test call may take to connect. The echo peer's ICE and DTLS run in Node (werift) on
 * the server's event loop, which on a loaded two-core machine took from 4 to 23 s.
 */
const ECHO_CONNECTS = 45_000;

// The audio level is read with Web Audio, which must run without a click in the page.
const test = base.extend<{ listener: Browser }>({ listener: mediaBrowserFixture() });
// Room for two test calls connecting one after the other.
test.describe.configure({ timeout: 120_000 });

/** The remote video's audio, as the person hears it. */
const remoteVideo = (page: Page) => page.locator('[data-peer-id] video');

test('/?echo shows my own picture and sound coming back, with the round trip and the path', async ({ listener, server }) => {
  const page = await openPerson(listener, `${server.url}/?echo`, { startsIdle: false });
  await expectState(page, CONNECTED, ECHO_CONNECTS);
  // The address stays the test call's: a reload makes a new one rather than sharing a room.
  expect(new URL(page.url()).search).toBe('?echo');
  await expect(page.locator('#echo-note')).toContainText('you see and hear yourself');
  await expect(page.getByRole('button', { name: 'Copy link' })).toBeHidden();
  await expectRemoteVideoMoving(page);
  await expectTalking(remoteVideo(page));

  const quality = page.getByLabel('Connection quality');
  await expect(quality).toBeVisible();
  // Direct on this machine, not relayed. Either side's address may be learned from a connectivity
  // check (peer-reflexive) rather than from a candidate sent through the server: ICE's own race.
  await expect(quality).toHaveAttribute('data-path', /^(host|prflx)\/(host|prflx)$/);
  await expect(quality).toContainText(/direct \((host|prflx)(\/(host|prflx))?\)/);
  await expect(quality).toHaveAttribute('data-rtt-ms', /^\d+$/);
  // Figures for the README: a few seconds of the round trip as the page shows it.
  const rtts: number[] = [];
  for (let i = 0; i < 5; i++) {
    await page.waitForTimeout(1_000);
    rtts.push(Number(await quality.getAttribute('data-rtt-ms')));
  }
  console.log(`echo round trip as shown (ms): ${rtts.join(', ')}`);
});

test('the connection test leads to a test call', async ({ listener, server }) => {
  const page = await openPage(listener, `${server.url}/?check`);
  await page.getByRole('link', { name: /Test call/ }).click();
  await expect(page).toHaveURL(/\?echo$/);
  await expectState(page, CONNECTED, ECHO_CONNECTS);
  await expectRemoteVideoMoving(page);
});

test('hanging up a test call sends the echo peer away; Start brings a new one', async ({ listener, server }) => {
  const page = await openPerson(listener, `${server.url}/?echo`, { startsIdle: false });
  await expectState(page, CONNECTED, ECHO_CONNECTS);
  await page.getByRole('button', { name: 'Hang up' }).click();
  await expectState(page, 'ended');
  await page.getByRole('button', { name: 'Start' }).click();
  await expectState(page, CONNECTED, ECHO_CONNECTS);
  await expectRemoteVideoMoving(page);
});

test('past the cap of test calls the page says so', async ({ listener }) => {
  const server = await startServer({ echoMaxCalls: 1 });
  const pages: Page[] = [];
  try {
    const first = await openPerson(listener, `${server.url}/?echo`, { startsIdle: false });
    pages.push(first);
    await expectState(first, CONNECTED, ECHO_CONNECTS);
    const second = await openPerson(listener, `${server.url}/?echo`, { startsIdle: false });
    pages.push(second);
    await expect(second.locator('#echo-note')).toContainText('already has 1 test call going, the most it runs at once');
    await expect(second.locator('#echo-note')).toHaveAttribute('data-tone', 'error');
  } finally {
    // The people leave before the server closes (see the server fixture).
    for (const page of pages) await page.context().close();
    await server.app.close();
  }
});

test('a test call relayed through TURN (coturn) when the operator wants every call relayed', async ({ listener }) => {
  const secret = randomBytes(24).toString('hex');
  const turn = await startCoturn({ secret, allowLoopbackPeers: true });
  let page: Page | undefined;
  try {
    // As a deployment would run it: TURN_URLS, TURN_SECRET and ICE_TRANSPORT_POLICY=relay.
    const server = await startServer({ turn: { urls: [turn.url('udp')], secret, ttlS: 3_600 }, iceTransportPolicy: 'relay' });
    try {
      page = await openPerson(listener, `${server.url}/?echo`, { startsIdle: false });
      await expectState(page, CONNECTED, ECHO_CONNECTS);
      await expectRemoteVideoMoving(page);
      await expectTalking(remoteVideo(page));
      const quality = page.getByLabel('Connection quality');
      await expect(quality).toHaveAttribute('data-path', /^relay\//);
      await expect(quality).toContainText('relayed');
    } finally {
      await page?.context().close();
      await server.app.close();
    }
  } finally {
    await turn.stop();
  }
});

test('the echo peer answers when the page offers (an ICE restart from the page)', async ({ listener, server }) => {
  const context = await listener.newContext();
  // Keeps a handle on the page's peer connection, to restart ICE as a dying path would.
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const connections: RTCPeerConnection[] = [];
    (window as unknown as { connections: RTCPeerConnection[] }).connections = connections;
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        connections.push(this);
      }
    };
  });
  const page = await context.newPage();
  try {
    await page.goto(`${server.url}/?echo`);
    await expectState(page, CONNECTED, ECHO_CONNECTS);
    await expectRemoteVideoMoving(page);
    const remoteUfrag = () =>
      page.evaluate(() => {
        const pc = (window as unknown as { connections: RTCPeerConnection[] }).connections.at(-1)!;
        return /a=ice-ufrag:(\S+)/.exec(pc.remoteDescription?.sdp ?? '')?.[1] ?? null;
      });
    const before = await remoteUfrag();

    await page.evaluate(() => (window as unknown as { connections: RTCPeerConnection[] }).connections.at(-1)!.restartIce());

    // The page's offer got an answer with new ICE credentials, and the picture keeps coming.
    await expect.poll(remoteUfrag, { timeout: 15_000 }).not.toBe(before);
    await expectState(page, CONNECTED, ECHO_CONNECTS);
    await expectRemoteVideoMoving(page);
  } finally {
    await context.close();
  }
});

/** The SDP offers a page sends and receives on its signaling socket, counted from its first frame. */
function countOffers(context: BrowserContext) {
  const offers = { sent: 0, received: 0 };
  const isOffer = (payload: string | Buffer) => {
    try {
      const message = JSON.parse(payload.toString()) as { message_type?: string; content?: { type?: string } };
      return message.message_type === 'SDP' && message.content?.type === 'offer';
    } catch {
      return false;
    }
  };
  context.on('page', (page) =>
    page.on('websocket', (socket) => {
      socket.on('framesent', ({ payload }) => void (isOffer(payload) && (offers.sent += 1)));
      socket.on('framereceived', ({ payload }) => void (isOffer(payload) && (offers.received += 1)));
    }),
  );
  return offers;
}

test('the echo peer speaks the data channel: it mirrors mute and camera off, and answers chat with the same text', async ({ browser, server }) => {
  let offers = { sent: 0, received: 0 };
  const page = await openPerson(browser, `${server.url}/?echo`, {
    startsIdle: false,
    prepare: async (context) => void (offers = countOffers(context)),
  });
  await expectState(page, CONNECTED, ECHO_CONNECTS);
  const echo = remoteTiles(page).first();
  // Its own state, said when the channel opened: it sends back audio and video.
  await expect(echo).toHaveAttribute('data-audio', 'on');
  await expect(echo).toHaveAttribute('data-video', 'on');

  await page.keyboard.press('m');
  await expect(echo).toHaveAttribute('data-audio', 'off');
  await expect(echo.getByText('muted')).toBeVisible();
  await page.getByRole('button', { name: 'Camera off' }).click();
  await expect(echo).toHaveAttribute('data-video', 'off');
  await expect(echo.locator('.placeholder')).toBeVisible();
  await page.keyboard.press('c');
  await expect(echo).toHaveAttribute('data-video', 'on');
  await expect(echo).toHaveAttribute('data-audio', 'off');

  const looksLikeHtml = 'echo <b>this</b> back';
  await page.getByRole('button', { name: /Chat/ }).click();
  await page.getByLabel('Message').fill(looksLikeHtml);
  await page.getByLabel('Message').press('Enter');
  const answer = page.locator(`#chat-log li[data-from="${await echo.getAttribute('data-key')}"]`);
  await expect(answer.locator('.text')).toHaveText(looksLikeHtml);
  await expect(answer.locator('strong')).toHaveText('Echo');
  await expect(page.locator('#chat-log b')).toHaveCount(0);

  // The echo peer's one offer carried the channel: the page never had to offer for it.
  expect(offers).toEqual({ sent: 0, received: 1 });
});
