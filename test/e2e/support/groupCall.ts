/**
 * Group calls in real Chromium: each person a page of their own, who types a name before Start.
 * A person's own server id is read the way any tool on the wire would: from the `WELCOME` the
 * server sends to their page's socket. Everyone sees everyone when each page's tiles carry
 * exactly the others' ids, their names, a connected peer machine, and video that moves.
 */
import type { Browser, Page } from '@playwright/test';
import { CONNECTED, WAITING, countSentDescriptions, expect, expectRemoteVideoMoving, expectState, openPerson, remoteTiles, type Prepare } from './fixtures.js';

/**
 * How long each wait of a group call may take: 3-4 pages that each encode and decode a video per
 * person share two cores, so connecting and the first frames take longer than in a 1:1 call.
 */
export const GROUP_WAIT = 45_000;

export interface Member {
  page: Page;
  name: string;
  /** The id the server gave this page in its latest `WELCOME`. */
  id(): string;
  /** SDP messages this page has sent since it opened (a device switch must send none). */
  sentDescriptions(): number;
  /** Presses Start and waits for the server's `WELCOME`. */
  start(): Promise<void>;
  /** Reloads the page; it rejoins by itself, so this waits for its next `WELCOME`. */
  reload(): Promise<void>;
}

/** Server ids from the `WELCOME`s this page received, oldest first. */
function followWelcomes(page: Page): string[] {
  const ids: string[] = [];
  page.on('websocket', (socket) => {
    socket.on('framereceived', ({ payload }) => {
      if (typeof payload !== 'string') return;
      try {
        const message = JSON.parse(payload) as { message_type?: string; content?: { peer_id?: unknown } };
        if (message.message_type === 'WELCOME' && typeof message.content?.peer_id === 'string') ids.push(message.content.peer_id);
      } catch {
        // Not JSON: not a message of the protocol, so nothing to follow.
      }
    });
  });
  return ids;
}

/**
 * A person on the room's page, in their own browser context (made ready by `prepare` before the
 * page opens), with their name typed in.
 */
export async function openMember(browser: Browser, roomUrl: string, name: string, prepare?: Prepare): Promise<Member> {
  const page = await openPerson(browser, roomUrl, prepare ? { prepare } : {});
  const welcomes = followWelcomes(page);
  const descriptions = countSentDescriptions(page);
  const nextWelcome = async (action: () => Promise<unknown>) => {
    const before = welcomes.length;
    await action();
    await expect.poll(() => welcomes.length, { message: `${name}'s page got no WELCOME`, timeout: GROUP_WAIT }).toBeGreaterThan(before);
  };
  await page.getByLabel('Your name').fill(name);
  return {
    page,
    name,
    id: () => {
      const id = welcomes.at(-1);
      if (id === undefined) throw new Error(`${name}'s page has not been welcomed by the server.`);
      return id;
    },
    sentDescriptions: descriptions,
    start: () => nextWelcome(() => page.getByRole('button', { name: 'Start' }).click()),
    reload: () => nextWelcome(() => page.reload()),
  };
}

/**
 * People join one after the other, each pressing Start once the one before is in the call, and
 * end up all connected with each other.
 */
export async function startGroup(browser: Browser, serverUrl: string, room: string, names: readonly string[]): Promise<Member[]> {
  const members: Member[] = [];
  for (const name of names) {
    const member = await openMember(browser, `${serverUrl}/?room=${room}`, name);
    await member.start();
    await expectState(member.page, members.length === 0 ? WAITING : CONNECTED, GROUP_WAIT);
    members.push(member);
  }
  await expectEveryoneSeesEveryone(members);
  return members;
}

export async function tileIds(page: Page): Promise<string[]> {
  const ids = await remoteTiles(page).evaluateAll((tiles) => tiles.map((tile) => tile.getAttribute('data-peer-id') ?? ''));
  return ids.sort();
}

/**
 * On every member's page: one tile per other member, named by their server id and their name,
 * its peer machine connected, every video moving, and the call connected.
 */
export async function expectEveryoneSeesEveryone(members: readonly Member[]): Promise<void> {
  const ids = members.map((member) => member.id());
  expect(new Set(ids).size, `distinct server ids of ${members.map((m) => m.name).join(', ')}`).toBe(members.length);
  for (const member of members) {
    const others = members.filter((other) => other !== member);
    await expect
      .poll(() => tileIds(member.page), { message: `${member.name}'s tiles`, timeout: GROUP_WAIT })
      .toEqual(others.map((other) => other.id()).sort());
    for (const other of others) {
      const tile = member.page.locator(`[data-peer-id="${other.id()}"]`);
      await expect(tile, `${member.name}'s tile of ${other.name}`).toHaveAttribute('data-peer-state', 'connection.connected', { timeout: GROUP_WAIT });
      await expect(tile.locator('.name')).toHaveText(other.name);
    }
    await expectState(member.page, CONNECTED, GROUP_WAIT);
    await expectRemoteVideoMoving(member.page, others.length, { timeout: GROUP_WAIT });
  }
}
