import type { StateValue } from 'xstate';

/** `{ active: { room: 'waiting' } }` → `"active.room.waiting"`, the form tools and tests read. */
export function stateToString(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([key, child]) => (child === undefined ? key : `${key}.${stateToString(child)}`))
    .join(',');
}
