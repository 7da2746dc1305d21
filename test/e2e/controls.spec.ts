/**
 * In-call controls between two real Chromium pages: what one person does with their microphone,
 * camera and chat, and what the other page shows of it; and the verification code both see.
 */
import type { Page } from '@playwright/test';
import { CONNECTED, closeOpenContexts, connectedPair, expect, expectRemoteVideoMoving, expectState, openPerson, remoteTiles, startServer, test } from './support/fixtures.js';

/** The one other person's tile on `page`. */
const tileOn = (page: Page) => remoteTiles(page).first();

/** Whether this page's camera is capturing (a live video track: the camera light is on). */
const cameraLive = (page: Page) =>
  page.evaluate(() => {
    const stream = (document.getElementById('self-view') as HTMLVideoElement).srcObject as MediaStream | null;
    return stream?.getVideoTracks().some((track) => track.readyState === 'live') ?? false;
  });

test('mute and camera off are seen on the other side at once, and come back', async ({ browser, server }) => {
  const { alice, bob } = await connectedPair(browser, server.url, 'controls-media');
  await expect(tileOn(alice)).toHaveAttribute('data-audio', 'on');
  await expect(tileOn(alice)).toHaveAttribute('data-video', 'on');

  await bob.keyboard.press('m');
  await expect(bob.getByRole('button', { name: 'Unmute' })).toHaveAttribute('aria-pressed', 'true');
  await expect(tileOn(alice)).toHaveAttribute('data-audio', 'off');
  await expect(tileOn(alice).getByText('muted')).toBeVisible();
  await expect(tileOn(alice)).toHaveAttribute('aria-label', /muted/);

  await bob.getByRole('button', { name: 'Camera off' }).click();
  await expect(tileOn(alice)).toHaveAttribute('data-video', 'off');
  await expect(tileOn(alice).locator('.placeholder')).toBeVisible();
  await expect(tileOn(alice).locator('video')).toBeHidden();
  // Off means off: no camera track is capturing, so the camera's light is out.
  await expect.poll(() => cameraLive(bob)).toBe(false);

  await bob.keyboard.press('c');
  await bob.getByRole('button', { name: 'Unmute' }).click();
  await expect(tileOn(alice)).toHaveAttribute('data-video', 'on');
  await expect(tileOn(alice)).toHaveAttribute('data-audio', 'on');
  await expect.poll(() => cameraLive(bob)).toBe(true);
  await expectRemoteVideoMoving(alice);
});

test('chat goes both ways as text, with who and when, and counts what is unread', async ({ browser, server }) => {
  const { alice, bob } = await connectedPair(browser, server.url, 'controls-chat');
  const looksLikeHtml = '<img src=x onerror="document.body.dataset.pwned=1"> <b>bold?</b>';

  await alice.keyboard.press('Enter');
  await alice.getByLabel('Message').fill(looksLikeHtml);
  await alice.getByLabel('Message').press('Enter');
  await expect(alice.locator('#chat-log li').last()).toContainText(looksLikeHtml);

  // Bob's chat is closed: the button counts it.
  await expect(bob.locator('#chat-unread')).toHaveText('1');
  await bob.getByRole('button', { name: /Chat/ }).click();
  const line = bob.locator('#chat-log li').last();
  await expect(line.locator('.text')).toHaveText(looksLikeHtml);
  await expect(line.locator('strong')).toHaveText('Guest');
  await expect(line.locator('time')).toHaveText(/\d/);
  await expect(bob.locator('#chat-log img, #chat-log b')).toHaveCount(0);
  expect(await bob.evaluate(() => document.body.dataset.pwned)).toBeUndefined();
  await expect(bob.locator('#chat-unread')).toBeHidden();

  await bob.getByLabel('Message').fill('hello back');
  await bob.getByRole('button', { name: 'Send' }).click();
  await expect(alice.locator('#chat-log li').last().locator('.text')).toHaveText('hello back');
});

test('both sides show the same verification code for their connection', async ({ browser, server }) => {
  const { alice, bob } = await connectedPair(browser, server.url, 'controls-code');
  await expect(tileOn(alice)).toHaveAttribute('data-verification-code', /^\d{4} \d{4}$/);
  const seenByAlice = await tileOn(alice).getAttribute('data-verification-code');
  await expect(tileOn(bob)).toHaveAttribute('data-verification-code', seenByAlice!);
  await expect(tileOn(alice).locator('.code')).toHaveText(`code ${seenByAlice}`);
});

test.describe('in a group of four', () => {
  test.use({ server: async ({}, use) => {
    const server = await startServer({ roomCapacity: 4 });
    await use(server);
    await closeOpenContexts();
    await server.app.close();
  } });

  test('everyone sees who is muted, gets every chat message, and each pair shows the same code', async ({ browser, server }) => {
    test.setTimeout(180_000);
    const names = ['Ann', 'Bo', 'Cy', 'Di'];
    const pages: Page[] = [];
    for (const name of names) {
      const page = await openPerson(browser, `${server.url}/?room=controls-group`);
      await page.getByLabel('Your name').fill(name);
      await page.getByRole('button', { name: 'Start' }).click();
      pages.push(page);
    }
    for (const page of pages) await expectState(page, CONNECTED, 60_000);
    for (const page of pages) await expect(remoteTiles(page)).toHaveCount(3);
    const tileOf = (page: Page, name: string) => remoteTiles(page).filter({ has: page.locator('.name', { hasText: new RegExp(`^${name}$`) }) });

    // Cy mutes and turns the camera off: the three others see both.
    const cy = pages[2]!;
    await cy.keyboard.press('m');
    await cy.keyboard.press('c');
    for (const [index, page] of pages.entries()) {
      if (index === 2) continue;
      await expect(tileOf(page, 'Cy')).toHaveAttribute('data-audio', 'off');
      await expect(tileOf(page, 'Cy')).toHaveAttribute('data-video', 'off');
      await expect(tileOf(page, 'Ann')).toHaveCount(index === 0 ? 0 : 1);
    }

    // Di's message reaches everyone, with her name.
    const di = pages[3]!;
    await di.keyboard.press('Enter');
    await di.getByLabel('Message').fill('hello group');
    await di.getByLabel('Message').press('Enter');
    for (const page of pages.slice(0, 3)) {
      await expect(page.locator('#chat-unread')).toHaveText('1');
      await expect(page.locator('#chat-log li').last()).toContainText('Di');
      await expect(page.locator('#chat-log li').last().locator('.text')).toHaveText('hello group');
    }

    // For every pair, both sides show one code, and no two pairs share one.
    const codes = new Set<string>();
    for (let a = 0; a < pages.length; a += 1) {
      for (let b = a + 1; b < pages.length; b += 1) {
        const onA = tileOf(pages[a]!, names[b]!);
        await expect(onA).toHaveAttribute('data-verification-code', /^\d{4} \d{4}$/);
        const code = (await onA.getAttribute('data-verification-code'))!;
        await expect(tileOf(pages[b]!, names[a]!)).toHaveAttribute('data-verification-code', code);
        codes.add(code);
      }
    }
    expect(codes.size).toBe(6);
  });
});
