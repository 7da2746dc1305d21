/**
 * What survives a reload of the page: the room's resume token and whether the person was in the
 * call, kept in sessionStorage (per tab, gone when the tab closes).
 */
export interface CallSession {
  resumeToken(): string | null;
  saveResumeToken(token: string): void;
  wasInCall(): boolean;
  markInCall(): void;
  forget(): void;
}

export function createCallSession(storage: Storage | null, room: string): CallSession {
  const key = `call:${room}`;
  const read = (): { token?: string; inCall?: boolean } => {
    try {
      return JSON.parse(storage?.getItem(key) ?? '{}') as { token?: string; inCall?: boolean };
    } catch {
      return {};
    }
  };
  const write = (value: { token?: string; inCall?: boolean }) => {
    try {
      storage?.setItem(key, JSON.stringify(value));
    } catch {
      // Storage can be full or disabled (private mode); a reload then simply starts over.
    }
  };
  return {
    resumeToken: () => read().token ?? null,
    saveResumeToken: (token) => write({ ...read(), token }),
    wasInCall: () => read().inCall === true,
    markInCall: () => write({ ...read(), inCall: true }),
    forget: () => {
      try {
        storage?.removeItem(key);
      } catch {
        // As above: without storage there is nothing to forget.
      }
    },
  };
}
