/**
 * In-call controls between real Chromium pages: what one person does with their microphone,
 * camera and chat, and what the other page shows of it; and the verification code both see. In a
 * group of four, the same for everyone, and a screen shared, devices switched and the quality
 * panel too.
 */
import type { Browser, Page } from '@playwright/test';
import { expectTalking } from './support/audioLevel.js';
import { MICROPHONE_LABELS, MICROPHONE_TONES_HZ, expectPictureMoving, installFakeDevices, lookOrWait, mediaBrowserFixture, plugDevice } from './support/fakeDevices.js';
import { CONNECTED, closeOpenContexts, connectedPair, expect, expectRemoteVideoMoving, expectState, openPerson, remoteTiles, startServer, test as base } from './support/fixtures.js';
import { GROUP_WAIT, openMember, type Member } from './support/groupCall.js';
import { RATING, ratingOnTileAndCard } from './support/qualityRating.js';
import { openScreenToShare } from './support/screenShare.js';

// A browser whose pages can share a screen (a tab) with no prompt, launched only for the tests that use it.
const test = base.extend<{ sharing: Browser }>({ sharing: mediaBrowserFixture({ screenShare: true }) });

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

  test('a screen shared (in place of the camera, then beside it), a camera and microphone switched and the quality panel, for all three others', async ({ sharing, server }) => {
    // Four pages, each encoding and decoding a video per other person, and a shared tab, on two
    // cores shared with other work.
    test.setTimeout(300_000);
    // Ann's page has devices that can be told apart and plugged in. Each presses Start once the
    // server has welcomed the one before; everyone then waits to be connected with everyone.
    const members: Member[] = [];
    for (const name of ['Ann', 'Bo', 'Cy', 'Di']) {
      const member = await openMember(sharing, `${server.url}/?room=controls-group-media`, name, name === 'Ann' ? installFakeDevices : undefined);
      await member.start();
      members.push(member);
    }
    for (const member of members) await expectState(member.page, CONNECTED, GROUP_WAIT);
    const [ann, bo, , di] = members as [Member, Member, Member, Member];
    const othersOf = (person: Member) => members.filter((other) => other !== person);
    // Each check runs on the three pages at once: what one person does reaches them together.
    const onEachOther = async (person: Member, check: (viewer: Member) => Promise<void>) => {
      await Promise.all(othersOf(person).map(check));
    };
    const tileOf = (viewer: Member, person: Member) => viewer.page.locator(`[data-peer-id="${person.id()}"]`);
    const videoOf = (viewer: Member, person: Member) => tileOf(viewer, person).locator('video');
    const looksOn = (viewer: Member, person: Member, what: string) => ({ timeout: GROUP_WAIT, message: `${person.name}'s ${what} on ${viewer.name}'s page` });

    // Ann switches camera and microphone: each of the others sees and hears the new ones (her
    // first microphone plays MICROPHONE_TONES_HZ[0], the one she picks [2]).
    await onEachOther(ann, async (viewer) => {
      await expect.poll(() => lookOrWait(videoOf(viewer, ann)), looksOn(viewer, ann, 'camera')).toBe('green');
    });
    await plugDevice(ann.page, { kind: 'videoinput', label: 'USB camera', colour: '#0000ff' });
    // She answered each of the three as they came.
    const sentBefore = ann.sentDescriptions();
    expect(sentBefore, 'SDP messages Ann sent as the others came').toBeGreaterThanOrEqual(3);
    await ann.page.getByRole('button', { name: 'Devices' }).click();
    await ann.page.locator('#choose-camera').selectOption({ label: 'USB camera' });
    await ann.page.locator('#choose-microphone').selectOption({ label: MICROPHONE_LABELS[2] });
    await ann.page.getByRole('button', { name: 'Done' }).click();
    await onEachOther(ann, async (viewer) => {
      await expect.poll(() => lookOrWait(videoOf(viewer, ann)), looksOn(viewer, ann, 'new camera')).toBe('blue');
      await expectTalking(videoOf(viewer, ann), MICROPHONE_TONES_HZ[2], GROUP_WAIT);
    });
    expect(ann.sentDescriptions(), 'SDP messages Ann sent for the switch').toBe(sentBefore);

    // Bo shares a screen: the others see it large, in place of his camera, and moving.
    const screen = await openScreenToShare(sharing, '#ff0000');
    await bo.page.keyboard.press('s');
    await expect(bo.page.getByRole('button', { name: 'Stop sharing' })).toHaveAttribute('aria-pressed', 'true', { timeout: GROUP_WAIT });
    await onEachOther(bo, async (viewer) => {
      await expect(tileOf(viewer, bo)).toHaveAttribute('data-screen', 'on', { timeout: GROUP_WAIT });
      await expect.poll(() => lookOrWait(videoOf(viewer, bo)), looksOn(viewer, bo, 'screen')).toBe('red');
      await expectPictureMoving(videoOf(viewer, bo), GROUP_WAIT);
      await expect.poll(() => largest(viewer.page, bo.id()), looksOn(viewer, bo, 'tile')).toBe('largest');
    });
    // The browser's own "Stop sharing": Bo's camera is back for everyone.
    await screen.stopSharing();
    await expect(bo.page.getByRole('button', { name: 'Share screen' })).toBeVisible({ timeout: GROUP_WAIT });
    await onEachOther(bo, async (viewer) => {
      await expect(tileOf(viewer, bo)).toHaveAttribute('data-screen', 'off', { timeout: GROUP_WAIT });
      await expect.poll(() => lookOrWait(videoOf(viewer, bo)), looksOn(viewer, bo, 'camera')).toBe('green');
    });

    // Bo shares beside his camera: the others see the screen large and his camera small inside it.
    const beside = await openScreenToShare(sharing, '#ff0000');
    await bo.page.keyboard.press('b');
    await expect(bo.page.getByRole('button', { name: 'Screen only' })).toHaveAttribute('aria-pressed', 'true', { timeout: GROUP_WAIT });
    await onEachOther(bo, async (viewer) => {
      const large = tileOf(viewer, bo).locator('video:not(.inset)');
      const inset = tileOf(viewer, bo).locator('video.inset');
      await expect(tileOf(viewer, bo)).toHaveAttribute('data-screen', 'on', { timeout: GROUP_WAIT });
      await expect.poll(() => lookOrWait(large), looksOn(viewer, bo, 'screen beside his camera')).toBe('red');
      await expect(inset).toHaveCount(1, { timeout: GROUP_WAIT });
      await expect.poll(() => lookOrWait(inset), looksOn(viewer, bo, 'camera beside his screen')).toBe('green');
      await expectPictureMoving(large, GROUP_WAIT);
    });
    await beside.stopSharing();
    await onEachOther(bo, async (viewer) => {
      await expect(tileOf(viewer, bo)).toHaveAttribute('data-screen', 'off', { timeout: GROUP_WAIT });
      await expect(tileOf(viewer, bo).locator('video.inset')).toHaveCount(0, { timeout: GROUP_WAIT });
      await expect.poll(() => lookOrWait(videoOf(viewer, bo)), looksOn(viewer, bo, 'camera')).toBe('green');
    });

    // Di opens the quality panel: each of the three others, with figures that move.
    await di.page.keyboard.press('i');
    const panel = di.page.getByRole('region', { name: 'Call quality' });
    await expect(panel.getByRole('article')).toHaveCount(3);
    await Promise.all(
      othersOf(di).map(async (person) => {
        const card = panel.getByRole('article', { name: person.name });
        const field = (which: string) => card.locator(`[data-field="${which}"]`);
        await expect(field('rtt')).toHaveText(/^\d+ ms$/, { timeout: GROUP_WAIT });
        await expect(field('bitrate-in')).toHaveText(/(kbit|Mbit)\/s$/);
        const reading = async () => `${await field('rtt').getAttribute('data-value')} ms, ${await field('bitrate-in').textContent()} in`;
        const first = await reading();
        await expect.poll(reading, { timeout: GROUP_WAIT, message: `${person.name}'s figures on Di's panel` }).not.toBe(first);
        // The tile and the panel give the same rating.
        await expect
          .poll(() => ratingOnTileAndCard(tileOf(di, person), card), { timeout: GROUP_WAIT, message: `${person.name}'s rating on Di's tile and panel` })
          .toMatch(RATING);
      }),
    );
  });
});

/** 'largest' when that person's tile is taller than every other tile on the page and as wide; otherwise the sizes. */
function largest(page: Page, peerId: string): Promise<string> {
  return remoteTiles(page).evaluateAll((tiles, id) => {
    const tile = tiles.find((each) => each.getAttribute('data-peer-id') === id);
    const size = (each: Element) => `${each.clientWidth}×${each.clientHeight}`;
    if (!tile) return `no tile of ${id}`;
    const others = tiles.filter((each) => each !== tile);
    const largest = others.every((other) => tile.clientHeight > other.clientHeight && tile.clientWidth >= other.clientWidth);
    return largest ? 'largest' : `${size(tile)} among ${others.map(size).join(', ')}`;
  }, peerId);
}
