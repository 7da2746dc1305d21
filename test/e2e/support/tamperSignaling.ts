/**
 * Someone in the middle of the signaling: `tamperFingerprints(page)` routes the page's `/ws`
 * socket through Playwright (`page.routeWebSocket`), forwards every frame both ways to the real
 * server, and rewrites the `a=fingerprint` lines of each `SDP` the page receives, as a compromised
 * server replacing the descriptions would. The page then holds a remote description whose DTLS
 * fingerprint is not its peer's. Call it before the page opens its socket (before `goto`, e.g. in `openPerson`'s `prepare`).
 */
import type { BrowserContext, Page } from '@playwright/test';
import { SIGNALING_PATH } from '../../../src/shared/limits.js';

export interface Tampering {
  /** How many SDP messages to the page have had a fingerprint rewritten. */
  rewritten(): number;
}

const FINGERPRINT = /^(a=fingerprint:\S+ )([0-9A-Fa-f:]+)$/gm;

/** The same fingerprint with every hex digit moved on by one: as long, and never the same. */
export function otherFingerprint(hex: string): string {
  return hex.replace(/[0-9A-Fa-f]/g, (digit) => ((parseInt(digit, 16) + 1) % 16).toString(16).toUpperCase());
}

/** Rewrites the fingerprints of a server frame when it is an SDP message; other frames pass as they are. */
export function tamperFrame(frame: string): { frame: string; tampered: boolean } {
  let message: unknown;
  try {
    message = JSON.parse(frame);
  } catch {
    return { frame, tampered: false };
  }
  if (typeof message !== 'object' || message === null || (message as { message_type?: unknown }).message_type !== 'SDP') return { frame, tampered: false };
  const content = (message as { content?: { sdp?: unknown } }).content;
  if (typeof content?.sdp !== 'string' || !/^a=fingerprint:/m.test(content.sdp)) return { frame, tampered: false };
  const sdp = content.sdp.replace(FINGERPRINT, (_line, prefix: string, hex: string) => prefix + otherFingerprint(hex));
  return { frame: JSON.stringify({ ...message, content: { ...content, sdp } }), tampered: true };
}

/** For a page, or every page of a context. */
export async function tamperFingerprints(target: Page | BrowserContext): Promise<Tampering> {
  let rewritten = 0;
  await target.routeWebSocket(
    (url) => url.pathname === SIGNALING_PATH,
    (socket) => {
      const server = socket.connectToServer();
      socket.onMessage((frame) => server.send(frame));
      server.onMessage((frame) => {
        if (typeof frame !== 'string') return socket.send(frame);
        const result = tamperFrame(frame);
        if (result.tampered) rewritten += 1;
        socket.send(result.frame);
      });
    },
  );
  return { rewritten: () => rewritten };
}
