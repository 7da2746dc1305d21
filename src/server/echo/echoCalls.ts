/**
 * The test calls running on this node, with their limits: at most `maxCalls` at once and one
 * per peer (a peer is one socket's seat). Knows nothing of HTTP or WebSockets.
 */
export interface RunningCall {
  stop(reason: string): Promise<void>;
}

export type StartOutcome = 'started' | 'busy' | 'already';

export interface EchoCalls {
  /** Starts a call for `key` unless a limit stands in the way. `start` is told how to say it is over. */
  tryStart(key: string, start: (ended: () => void) => RunningCall): StartOutcome;
  has(key: string): boolean;
  readonly size: number;
  /** Stops every call and waits until all are released. */
  closeAll(): Promise<void>;
}

export function createEchoCalls(maxCalls: number): EchoCalls {
  const calls = new Map<string, RunningCall>();
  return {
    tryStart(key, start) {
      if (calls.has(key)) return 'already';
      if (calls.size >= maxCalls) return 'busy';
      let over = false;
      let call: RunningCall | undefined;
      call = start(() => {
        over = true;
        if (call !== undefined && calls.get(key) === call) calls.delete(key);
      });
      // A call may end before `start` has even returned (its socket failed at once).
      if (!over) calls.set(key, call);
      return 'started';
    },
    has(key) {
      return calls.has(key);
    },
    get size() {
      return calls.size;
    },
    async closeAll() {
      await Promise.all([...calls.values()].map((call) => call.stop('the server is shutting down')));
      calls.clear();
    },
  };
}
