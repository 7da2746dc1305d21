/** The name a person typed, remembered in this browser (localStorage) for their next call. */
export interface NameStore {
  read(): string | null;
  write(name: string): void;
}

const KEY = 'call:name';

export function createNameStore(storage: Storage | null): NameStore {
  return {
    read: () => {
      try {
        const name = storage?.getItem(KEY)?.trim();
        return name ? name : null;
      } catch {
        return null;
      }
    },
    write: (name) => {
      try {
        if (name === '') storage?.removeItem(KEY);
        else storage?.setItem(KEY, name);
      } catch {
        // Storage may be blocked or full; the name is then only for this call.
      }
    },
  };
}
