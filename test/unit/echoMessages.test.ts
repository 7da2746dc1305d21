/** What the echo peer answers on the data channel: mirrored media states, chat echoed, limits, bad input ignored. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHAT_REPLIES, createEchoResponder, MEDIA_REPLIES } from '../../src/server/echo/echoMessages.js';
import type { PeerMessage } from '../../src/shared/peerMessages.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_796_130_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

function responder({ accepts = () => true }: { accepts?: () => boolean } = {}) {
  const sent: PeerMessage[] = [];
  const logged: string[] = [];
  let ids = 0;
  const echo = createEchoResponder({
    send: (message) => {
      if (!accepts()) return false;
      sent.push(message);
      return true;
    },
    log: (line) => logged.push(line),
    now: () => Date.now(),
    newId: () => `echo-${(ids += 1)}`,
  });
  return { echo, sent, logged };
}

const media = (audio: boolean, video: boolean, screen = false) => JSON.stringify({ type: 'media', audio, video, screen });
const chat = (id: string, text: string) => JSON.stringify({ type: 'chat', id, text, sent_at: 1 });
const chats = (sent: readonly PeerMessage[]) => sent.filter((message) => message.type === 'chat');

describe('the echo peer on the data channel', () => {
  it('says on open that it sends audio and video, then mirrors what the caller says they send', () => {
    const { echo, sent } = responder();
    echo.opened();
    echo.received(media(false, true));
    echo.received(media(false, false));
    echo.received(media(true, false, true));

    expect(sent).toEqual([
      { type: 'media', audio: true, video: true, screen: false },
      { type: 'media', audio: false, video: true, screen: false },
      { type: 'media', audio: false, video: false, screen: false },
      { type: 'media', audio: true, video: false, screen: true },
    ]);
  });

  it('says nothing new when the caller repeats a state, and says it again when the channel opens again', () => {
    const { echo, sent } = responder();
    echo.opened();
    echo.received(media(true, true));
    echo.received(media(true, true));
    expect(sent).toHaveLength(1);

    echo.opened();
    expect(sent).toHaveLength(2);
  });

  it('answers a chat message with the same text, its own id and its own time', () => {
    const { echo, sent } = responder();
    const text = '<img src=x onerror=alert(1)> hello';
    vi.advanceTimersByTime(5_000);

    echo.received(chat('page-1', text));

    expect(sent).toEqual([{ type: 'chat', id: 'echo-1', text, sent_at: Date.now() }]);
  });

  it.each([
    ['not JSON', '{"type": "chat"', 'not JSON'],
    ['bytes', Buffer.from(chat('b', 'hi')), 'binary'],
    ['an unknown type', JSON.stringify({ type: 'file', name: 'x' }), '"file"'],
    ['a chat without text', JSON.stringify({ type: 'chat', id: 'x', text: '', sent_at: 1 }), '"chat"'],
    ['a chat too long', chat('long', 'x'.repeat(2_001)), '"chat"'],
    ['a media state missing a field', JSON.stringify({ type: 'media', audio: true, video: true }), '"media"'],
  ])('ignores %s with a log line, and carries on', (_what, data, reason) => {
    const { echo, sent, logged } = responder();

    echo.received(data);
    echo.received(chat('after', 'still here'));

    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(reason);
    expect(sent).toEqual([expect.objectContaining({ type: 'chat', text: 'still here' })]);
  });

  it('logs a flood of invalid messages in a few lines, counting the rest', () => {
    const { echo, logged } = responder();
    for (let i = 0; i < 1_000; i += 1) echo.received('nonsense');
    expect(logged.length).toBeLessThanOrEqual(3);

    vi.advanceTimersByTime(5_000);
    echo.received('nonsense');
    expect(logged.at(-1)).toMatch(/and 997 more since the last line/);
  });

  it('answers a chat flood only up to its limit, drops the rest, and answers again once the limit allows', () => {
    const { echo, sent, logged } = responder();
    for (let i = 0; i < 10_000; i += 1) echo.received(chat(`flood-${i}`, 'spam'));

    expect(chats(sent)).toHaveLength(CHAT_REPLIES.burst);
    expect(logged).toHaveLength(1);

    vi.advanceTimersByTime(1_000);
    for (let i = 0; i < 100; i += 1) echo.received(chat(`later-${i}`, 'spam'));
    expect(chats(sent)).toHaveLength(CHAT_REPLIES.burst + CHAT_REPLIES.perSecond);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('holds back a flood of media changes but ends on the caller\'s latest state, with one timer at most', () => {
    const { echo, sent } = responder();
    echo.opened();
    for (let i = 0; i < 1_000; i += 1) echo.received(media(i % 2 === 0, true));
    echo.received(media(false, false, true));

    expect(sent).toHaveLength(MEDIA_REPLIES.burst);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1_000);

    expect(sent.at(-1)).toEqual({ type: 'media', audio: false, video: false, screen: true });
    expect(sent).toHaveLength(MEDIA_REPLIES.burst + 1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sends nothing and leaves no timer once closed, and says what it dropped', () => {
    const { echo, sent, logged } = responder();
    echo.opened();
    for (let i = 0; i < 100; i += 1) echo.received(media(i % 2 === 0, true));
    for (let i = 0; i < 100; i += 1) echo.received(chat(`c-${i}`, 'x'));
    const before = sent.length;

    echo.close();
    vi.advanceTimersByTime(10_000);
    echo.received(chat('late', 'x'));
    echo.opened();

    expect(sent).toHaveLength(before);
    expect(vi.getTimerCount()).toBe(0);
    expect(logged.at(-1)).toBe(`Test call over: ${100 - CHAT_REPLIES.burst} chat messages over the limit, 0 ignored messages not logged`);
  });

  it('tells a state the channel could not take when the next change comes', () => {
    let open = false;
    const { echo, sent } = responder({ accepts: () => open });
    echo.opened();
    echo.received(media(false, true));
    expect(sent).toEqual([]);

    open = true;
    echo.received(media(false, false));
    expect(sent).toEqual([{ type: 'media', audio: false, video: false, screen: false }]);
  });
});
