/**
 * The signaling link when the server cannot take calls just now (ERROR UNAVAILABLE, e.g. its
 * Redis is down): it tries again with back-off instead of waiting forever for a WELCOME. A fake
 * WebSocket stands in for the browser's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, createMachine } from 'xstate';
import type { SignalEvent } from '../../../src/client/machine/events.js';
import { createSignalingActor } from '../../../src/client/effects/signaling.js';
import type { CallSession } from '../../../src/client/effects/callSession.js';

class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static opened: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  readonly sent: unknown[] = [];
  private readonly listeners = new Map<string, Array<(event: unknown) => void>>();

  constructor(readonly url: URL) {
    FakeSocket.opened.push(this);
  }
  addEventListener(type: string, listener: (event: unknown) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  private dispatch(type: string, event: unknown) {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    if (this.readyState === FakeSocket.CLOSED) return;
    this.readyState = FakeSocket.CLOSED;
    // As a server does: it answers the close with the same code.
    setTimeout(() => this.dispatch('close', { code }), 0);
  }
  // What the test does as the server.
  accept() {
    this.readyState = FakeSocket.OPEN;
    this.dispatch('open', {});
  }
  receive(message: unknown) {
    this.dispatch('message', { data: JSON.stringify(message) });
  }
  drop(code: number) {
    this.readyState = FakeSocket.CLOSED;
    this.dispatch('close', { code });
  }
}

const session: CallSession = { resumeToken: () => null, saveResumeToken: () => {}, wasInCall: () => false, markInCall: () => {}, forget: () => {} };
const welcome = { message_type: 'WELCOME', content: { peer_id: 'p1', room: 'room-1', peers: [], ice_servers: [], resume: 'token-1' } };
const unavailable = { message_type: 'ERROR', content: { code: 'UNAVAILABLE', message: 'This server cannot take calls just now; send JOIN again in a few seconds.' } };

function startLink() {
  const events: SignalEvent['type'][] = [];
  const link = createSignalingActor(new URL('ws://call.test/ws'), session, () => 0);
  const machine = createMachine({
    invoke: { src: link, input: { room: 'room-1', name: 'Ann' } },
    on: { '*': { actions: ({ event }) => events.push(event.type as SignalEvent['type']) } },
  });
  const actor = createActor(machine).start();
  return { events, stop: () => actor.stop() };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.opened = [];
  vi.stubGlobal('WebSocket', FakeSocket);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('the signaling link and an unavailable server', () => {
  it('tries again with back-off after UNAVAILABLE, and joins once the server takes calls', async () => {
    const { events, stop } = startLink();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const socket = FakeSocket.opened[attempt]!;
      socket.accept();
      expect(socket.sent).toEqual([{ message_type: 'JOIN', content: { room: 'room-1', name: 'Ann' } }]);
      socket.receive(unavailable);
      expect(socket.readyState).toBe(FakeSocket.CLOSED);
      await vi.advanceTimersByTimeAsync(5_000);
    }
    const last = FakeSocket.opened[3]!;
    last.accept();
    last.receive(welcome);

    expect(FakeSocket.opened).toHaveLength(4);
    expect(events).toContain('signal.welcome');
    expect(events).not.toContain('signal.lost');
    stop();
  });

  it('still says the server is unreachable when the very first socket closes without an answer', async () => {
    const { events, stop } = startLink();
    FakeSocket.opened[0]!.drop(1006);
    await vi.advanceTimersByTimeAsync(5_000);

    expect(events).toEqual(['signal.lost']);
    expect(FakeSocket.opened).toHaveLength(1);
    stop();
  });
});
