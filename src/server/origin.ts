/**
 * Which pages may open the signaling socket. Browsers always send Origin on a WebSocket
 * upgrade, so a missing one is a non-browser client (a bot, a test), which the contract allows.
 */
export function isOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowList: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (allowList.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
