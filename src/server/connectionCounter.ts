/** Open connections per client IP, so one address cannot hold every socket the server has. */
export interface ConnectionCounter {
  /** Counts one more connection for `key` unless it already has `max`; false means refuse it. */
  tryOpen(key: string): boolean;
  /** That connection is gone. */
  closed(key: string): void;
  count(key: string): number;
}

export function createConnectionCounter(max: number): ConnectionCounter {
  // Only keys with open connections are kept, so the map never outgrows the open sockets.
  const open = new Map<string, number>();
  return {
    tryOpen(key) {
      const now = open.get(key) ?? 0;
      if (now >= max) return false;
      open.set(key, now + 1);
      return true;
    },
    closed(key) {
      const now = open.get(key) ?? 0;
      if (now <= 1) open.delete(key);
      else open.set(key, now - 1);
    },
    count: (key) => open.get(key) ?? 0,
  };
}
