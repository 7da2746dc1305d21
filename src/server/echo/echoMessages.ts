/**
 * What the echo peer says on the "app" data channel (PROTOCOL.md, "Peer-to-peer messages"). It
 * sends back what it receives, so its `media` mirrors the caller's, and it answers each `chat`
 * with the same text. Replies are bounded per call: a page flooding the channel gets at most what
 * a person could send, and nothing queues up (chat beyond the limit is dropped; of media states
 * only the latest is kept, and sent once the limit allows). Knows nothing of werift.
 */
import type { ChatMessage, MediaState, PeerMessage } from '../../shared/peerMessages.js';
import { parsePeerMessage } from '../../shared/parsePeerMessage.js';
import { MEDIA_AT_START } from '../../shared/peerChannel.js';
import { createTokenBucket, type TokenBucket } from '../tokenBucket.js';

/** A person types and presses Enter a few times a second at most; a burst covers a paste or two. */
export const CHAT_REPLIES = { burst: 10, perSecond: 3 } as const;
/** Keyboard shortcuts (M, C, S) with key repeat reach about this many changes a second. */
export const MEDIA_REPLIES = { burst: 10, perSecond: 10 } as const;
/** Invalid messages are logged this often at most; the rest are counted in the next line. */
export const IGNORED_LOG_LINES = { burst: 3, perSecond: 0.2 } as const;


export interface EchoResponderOptions {
  /** Sends one message on the channel; false when the channel cannot take it now. */
  send(message: PeerMessage): boolean;
  /** A line for the server's log. */
  log(message: string): void;
  now(): number;
  newId(): string;
}

export interface EchoResponder {
  /** The channel is open: say what we send. */
  opened(): void;
  /** A message from the caller, as the channel delivered it (text, or bytes). */
  received(data: unknown): void;
  /** The call is over: nothing more is sent, no timer is left. */
  close(): void;
}

export function createEchoResponder(options: EchoResponderOptions): EchoResponder {
  const start = options.now();
  const chatBucket: TokenBucket = createTokenBucket(CHAT_REPLIES.burst, CHAT_REPLIES.perSecond, start);
  const mediaBucket: TokenBucket = createTokenBucket(MEDIA_REPLIES.burst, MEDIA_REPLIES.perSecond, start);
  const logBucket: TokenBucket = createTokenBucket(IGNORED_LOG_LINES.burst, IGNORED_LOG_LINES.perSecond, start);
  // Before it has heard from the caller: the audio and video it echoes.
  let mirrored: MediaState = MEDIA_AT_START;
  /** What the caller last said, and what we last told them; they differ while the limit holds it back. */
  let told: MediaState | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let unlogged = 0;
  let droppedChats = 0;
  let closed = false;

  const same = (a: MediaState, b: MediaState) => a.audio === b.audio && a.video === b.video && a.screen === b.screen;

  function tellMedia() {
    if (closed || (told !== null && same(told, mirrored))) return;
    if (!mediaBucket.take(options.now())) {
      // One timer at most, for the latest state only.
      retry ??= setTimeout(() => {
        retry = null;
        tellMedia();
      }, 1_000 / MEDIA_REPLIES.perSecond);
      return;
    }
    const state = mirrored;
    if (options.send({ type: 'media', ...state })) told = state;
  }

  function answerChat(message: ChatMessage) {
    if (!chatBucket.take(options.now())) {
      droppedChats += 1;
      if (droppedChats === 1) options.log(`Test call: chat beyond ${CHAT_REPLIES.perSecond} a second is not answered`);
      return;
    }
    options.send({ type: 'chat', id: options.newId(), text: message.text, sent_at: options.now() });
  }

  function ignore(reason: string) {
    unlogged += 1;
    if (!logBucket.take(options.now())) return;
    const more = unlogged > 1 ? ` (and ${unlogged - 1} more since the last line)` : '';
    unlogged = 0;
    options.log(`Test call: ignored ${reason} on the data channel${more}`);
  }

  return {
    opened() {
      told = null;
      tellMedia();
    },
    received(data) {
      if (closed) return;
      const parsed = parsePeerMessage(data);
      if (!parsed.ok) return ignore(parsed.reason);
      const message = parsed.message;
      switch (message.type) {
        case 'media':
          mirrored = { audio: message.audio, video: message.video, screen: message.screen };
          return tellMedia();
        case 'chat':
          return answerChat(message);
        default: {
          const unreachable: never = message;
          return unreachable;
        }
      }
    },
    close() {
      if (closed) return;
      closed = true;
      if (retry !== null) clearTimeout(retry);
      retry = null;
      if (droppedChats > 0 || unlogged > 0) options.log(`Test call over: ${droppedChats} chat messages over the limit, ${unlogged} ignored messages not logged`);
    },
  };
}
