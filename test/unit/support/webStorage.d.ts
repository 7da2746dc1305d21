/**
 * The Web Storage interface as lib.dom declares it, so that the unit tests can type-check
 * src/client/effects/callSession.ts under tsconfig.json. That config has no DOM lib on purpose
 * (server code that touches the browser must not compile); this adds the type only, no value.
 */
interface Storage {
  readonly length: number;
  clear(): void;
  getItem(key: string): string | null;
  key(index: number): string | null;
  removeItem(key: string): void;
  setItem(key: string, value: string): void;
}
