import { describe, expect, it } from 'vitest';
import { createCallSession } from '../../../src/client/effects/callSession.js';

/** sessionStorage in memory: the same contract, nothing shared between tests. */
class MemoryStorage implements Storage {
  readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, String(value));
  }
}

/** Storage that is full or blocked: reading and writing throw, as browsers do (QuotaExceededError, SecurityError). */
class BrokenStorage extends MemoryStorage {
  override getItem(): string | null {
    throw new Error('SecurityError: access denied');
  }
  override setItem(): void {
    throw new Error('QuotaExceededError: storage full');
  }
}

describe('createCallSession', () => {
  it('knows nothing about a room it has never seen', () => {
    const session = createCallSession(new MemoryStorage(), 'room-1');
    expect(session.resumeToken()).toBeNull();
    expect(session.wasInCall()).toBe(false);
  });

  it('keeps the resume token across a reload (a new session on the same storage)', () => {
    const storage = new MemoryStorage();
    createCallSession(storage, 'room-1').saveResumeToken('token-1');
    const reloaded = createCallSession(storage, 'room-1');
    expect(reloaded.resumeToken()).toBe('token-1');
    reloaded.saveResumeToken('token-2');
    expect(createCallSession(storage, 'room-1').resumeToken()).toBe('token-2');
  });

  it('remembers being in the call without losing the token, and forgets both', () => {
    const storage = new MemoryStorage();
    const session = createCallSession(storage, 'room-1');
    session.saveResumeToken('token-1');
    session.markInCall();
    expect(createCallSession(storage, 'room-1').wasInCall()).toBe(true);
    expect(session.resumeToken()).toBe('token-1');
    session.saveResumeToken('token-2');
    expect(session.wasInCall()).toBe(true);

    session.forget();
    expect(session.resumeToken()).toBeNull();
    expect(session.wasInCall()).toBe(false);
    expect(storage.length).toBe(0);
  });

  it('keeps each room apart', () => {
    const storage = new MemoryStorage();
    const one = createCallSession(storage, 'room-1');
    const two = createCallSession(storage, 'room-2');
    one.saveResumeToken('token-1');
    one.markInCall();
    expect(two.resumeToken()).toBeNull();
    expect(two.wasInCall()).toBe(false);
    two.forget();
    expect(one.resumeToken()).toBe('token-1');
  });

  it('treats what it cannot read as nothing saved, and writes over it', () => {
    const storage = new MemoryStorage();
    storage.setItem('call:room-1', '{not json');
    const session = createCallSession(storage, 'room-1');
    expect(session.resumeToken()).toBeNull();
    expect(session.wasInCall()).toBe(false);
    session.saveResumeToken('token-1');
    expect(session.resumeToken()).toBe('token-1');
    expect(JSON.parse(storage.getItem('call:room-1') ?? '')).toEqual({ token: 'token-1' });
  });

  it('carries on without remembering anything when storage is full or blocked', () => {
    const session = createCallSession(new BrokenStorage(), 'room-1');
    expect(() => {
      session.saveResumeToken('token-1');
      session.markInCall();
    }).not.toThrow();
    expect(session.resumeToken()).toBeNull();
    expect(session.wasInCall()).toBe(false);
  });

  it('works without storage at all (null: disabled in this browser)', () => {
    const session = createCallSession(null, 'room-1');
    expect(() => {
      session.saveResumeToken('token-1');
      session.markInCall();
      session.forget();
    }).not.toThrow();
    expect(session.resumeToken()).toBeNull();
    expect(session.wasInCall()).toBe(false);
  });
});
