import type { StateValue } from 'xstate';

/**
 * The active states as dotted paths: `{ active: { room: { call: 'waiting', server: 'online' } } }`
 * → `"active.room.call.waiting active.room.server.online"`. Parallel regions give one path each,
 * separated by a space, in the order the machine defines them.
 */
export function stateToString(value: StateValue): string {
  return leafPaths(value, '').join(' ');
}

function leafPaths(value: StateValue, prefix: string): string[] {
  if (typeof value === 'string') return [prefix + value];
  return Object.entries(value).flatMap(([key, child]) =>
    child === undefined || (typeof child === 'object' && Object.keys(child).length === 0)
      ? [prefix + key]
      : leafPaths(child, `${prefix}${key}.`),
  );
}
