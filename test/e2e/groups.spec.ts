import {
  CONNECTED,
  RECONNECTING,
  WAITING,
  expect,
  expectRemoteVideoMoving,
  expectState,
  openPerson,
  recordStates,
  remoteTiles,
  seenStates,
  test,
} from './support/fixtures.js';
import { GROUP_WAIT, expectEveryoneSeesEveryone, startGroup, tileIds, type Member } from './support/groupCall.js';
import { freePort, startServerProcess } from './support/serverProcess.js';

/** States of a page that was in the call and left it (went back to waiting, or out of the room). */
const leftTheCall = (states: string[]) => states.filter((state) => !/(^| )active\.room\.call\.inCall\./.test(state));

// Every group call runs 3-4 Chromium pages that each encode and decode a video per person on
// two cores: setting up, leaving and coming back take longer than the default minute.
test.describe.configure({ timeout: 240_000 });
test.use({ serverOptions: { roomCapacity: 4 } });

async function leaveAndComeBack(members: Member[], leaver: Member): Promise<void> {
  const stayers = members.filter((member) => member !== leaver);
  for (const stayer of stayers) await recordStates(stayer.page);

  await leaver.page.getByRole('button', { name: 'Hang up' }).click();
  await expectState(leaver.page, 'ended');
  await expect(remoteTiles(leaver.page)).toHaveCount(0);
  // The others carry on with each other: the leaver's tile goes, theirs keep moving.
  await expectEveryoneSeesEveryone(stayers);
  for (const stayer of stayers) expect(leftTheCall(await seenStates(stayer.page)), `${stayer.name}'s call`).toEqual([]);

  await leaver.start();
  await expectEveryoneSeesEveryone(members);
}

test('three people see each other; the first leaves, the others carry on, and everyone sees them again when they come back', async ({
  browser,
  server,
}) => {
  const members = await startGroup(browser, server.url, 'group-three', ['Ann', 'Bo', 'Cy']);
  await leaveAndComeBack(members, members[0]!);
});

test('four people see each other; one leaves, the others carry on, and everyone sees them again when they come back', async ({
  browser,
  server,
}) => {
  test.setTimeout(360_000);
  const members = await startGroup(browser, server.url, 'group-four', ['Ann', 'Bo', 'Cy', 'Di']);
  await leaveAndComeBack(members, members[2]!);
});

test('a reload in a group of three: the page rejoins by itself and everyone sees everyone again', async ({
  browser,
  server,
}) => {
  const members = await startGroup(browser, server.url, 'group-reload', ['Ann', 'Bo', 'Cy']);
  const [ann, bo] = members as [Member, Member, Member];
  await recordStates(ann.page);

  await bo.reload();
  await expectEveryoneSeesEveryone(members);
  // The others saw Bo leave and come back, but were in the call with each other all along.
  expect((await seenStates(ann.page)).filter((state) => WAITING.test(state))).toEqual([]);
});

test('dropped signaling sockets in a group of three: everyone resumes their seat and the call never stops', async ({
  browser,
  server,
}) => {
  const members = await startGroup(browser, server.url, 'group-drop', ['Ann', 'Bo', 'Cy']);
  const seats = members.map((member) => member.id());
  for (const member of members) await recordStates(member.page);

  // The network between the browsers and the server blips: every socket is cut.
  for (const socket of server.app.signalingSockets) socket.terminate();

  for (const member of members) {
    await expect.poll(async () => (await seenStates(member.page)).some((state) => RECONNECTING.test(state))).toBe(true);
    await expectState(member.page, /active\.room\.server\.online/, GROUP_WAIT);
  }
  expect(members.map((member) => member.id())).toEqual(seats);
  await expectEveryoneSeesEveryone(members);
  for (const member of members) expect(leftTheCall(await seenStates(member.page)), `${member.name}'s call`).toEqual([]);
});

test('the server restarted in a group of three: the video keeps moving and everyone is connected through the new server', async ({
  browser,
}) => {
  const port = await freePort();
  let server = await startServerProcess(port, { env: { ROOM_CAPACITY: '3' } });
  try {
    const members = await startGroup(browser, server.url, 'group-restart', ['Ann', 'Bo', 'Cy']);
    await server.stop('SIGKILL');
    for (const member of members) await expectState(member.page, RECONNECTING, GROUP_WAIT);
    // Peer to peer: with no server at all, the pictures keep coming.
    for (const member of members) await expectRemoteVideoMoving(member.page, 2, { timeout: GROUP_WAIT });

    server = await startServerProcess(port, { env: { ROOM_CAPACITY: '3' } });
    for (const member of members) await expectState(member.page, /active\.room\.server\.online/, GROUP_WAIT);
    // The new server gave everyone a new id; each tile follows its person under it.
    await expectEveryoneSeesEveryone(members);

    // The new server relays between them: a hang-up reaches the others, and they call again.
    const [, , cy] = members as [Member, Member, Member];
    await cy.page.getByRole('button', { name: 'Hang up' }).click();
    await expectEveryoneSeesEveryone(members.slice(0, 2));
    await cy.start();
    await expectEveryoneSeesEveryone(members);
  } finally {
    await server.stop('SIGKILL');
  }
});

test.describe('a room that holds three', () => {
  test.use({ serverOptions: { roomCapacity: 3 } });

  test('a fourth person is told the call is full and how many it holds; the call goes on', async ({ browser, server }) => {
    const members = await startGroup(browser, server.url, 'group-full', ['Ann', 'Bo', 'Cy']);
    const di = await openPerson(browser, `${server.url}/?room=group-full`);
    await di.getByRole('button', { name: 'Start' }).click();
    await expectState(di, 'roomFull');
    await expect(di.getByRole('status')).toContainText('is full: it holds 3 people');
    await expect(di.getByRole('button', { name: 'Try again' })).toBeVisible();
    await expect(di.locator('#self-view')).toBeHidden();
    for (const member of members) {
      await expectState(member.page, CONNECTED, GROUP_WAIT);
      expect(await tileIds(member.page)).toHaveLength(2);
      await expectRemoteVideoMoving(member.page, 2, { timeout: GROUP_WAIT });
    }
  });
});

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;

test('on a phone, a group of three shows both other people whole, side by side without overlap, with their names readable', async ({
  browser,
  server,
}) => {
  const phone = { width: 390, height: 844 };
  const members = await startGroup(browser, server.url, 'group-phone', ['Ann', 'Bo', 'Cy']);
  for (const member of members) await member.page.setViewportSize(phone);
  const screen: Box = { x: 0, y: 0, ...phone };

  for (const member of members) {
    const tiles = remoteTiles(member.page);
    await expect(tiles).toHaveCount(2);
    const boxes: Box[] = [];
    for (let index = 0; index < 2; index += 1) {
      const tile = tiles.nth(index);
      const box = await tile.boundingBox();
      expect(box, `${member.name}'s tile ${index} has a box`).not.toBeNull();
      expect(inside(box!, screen), `${member.name}'s tile ${index} ${JSON.stringify(box)} is on the screen`).toBe(true);
      // Large enough to see a face on a phone, not a thumbnail.
      expect(box!.width * box!.height, `${member.name}'s tile ${index} area`).toBeGreaterThan((phone.width * phone.height) / 8);
      boxes.push(box!);

      const name = tile.locator('.name');
      const nameBox = await name.boundingBox();
      expect(nameBox, `${member.name}'s tile ${index}: the name has a box`).not.toBeNull();
      expect(inside(nameBox!, box!), `the name ${JSON.stringify(nameBox)} is inside its tile ${JSON.stringify(box)}`).toBe(true);
      // Readable: nothing else of the page (the controls, the self-view) is drawn over the name.
      const onTop = await member.page.evaluate(
        ({ x, y, width, height }) => {
          const corners = [
            [x + 1, y + 1],
            [x + width - 1, y + 1],
            [x + 1, y + height - 1],
            [x + width - 1, y + height - 1],
          ];
          return corners.map(([cx, cy]) => document.elementFromPoint(cx!, cy!)?.closest('.name') !== null);
        },
        nameBox!,
      );
      expect(onTop, `${member.name}'s tile ${index}: the name is not covered`).toEqual([true, true, true, true]);
      expect(await name.evaluate((element) => parseFloat(getComputedStyle(element).fontSize))).toBeGreaterThanOrEqual(12);
    }
    expect(overlap(boxes[0]!, boxes[1]!), `${member.name}'s tiles ${JSON.stringify(boxes)} overlap`).toBe(false);
    await expectRemoteVideoMoving(member.page, 2, { timeout: GROUP_WAIT });
  }
});
