/**
 * The code that proves no one is in the middle of a connection. Each browser's DTLS certificate
 * is named by the `a=fingerprint` lines of its description, and the media is encrypted to exactly
 * those certificates. Someone who could change the descriptions on their way (e.g. a compromised
 * call server) would have to put their own fingerprints in, and then the two people would see
 * different codes: each side derives the code from its own and the other's fingerprints as it
 * received them.
 *
 * Both sides must get the same code, so the two sets are put in an order both agree on (sorted),
 * not local-then-remote. The code is short enough to read aloud (8 digits), so it is derived with
 * PBKDF2: someone in the middle who tries certificates until two codes match pays 100,000 hashes
 * per try, and must finish while the call is being set up.
 */

const ITERATIONS = 100_000;
const SALT = 'peer-call verification code v1';

/** The description's certificate fingerprints, as `algorithm HEX`, each once, sorted. */
export function fingerprintsOf(sdp: string): string[] {
  const found = new Set<string>();
  for (const match of sdp.matchAll(/^a=fingerprint:(\S+)[ \t]+([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})+)[ \t]*\r?$/gm)) {
    found.add(`${match[1]!.toLowerCase()} ${match[2]!.toUpperCase()}`);
  }
  return [...found].sort();
}

/** `12345678` → `1234 5678`, easier to read aloud. */
const grouped = (digits: string) => `${digits.slice(0, 4)} ${digits.slice(4)}`;

/**
 * The code for a connection from its two descriptions, the same on both sides whichever is
 * local; null while either has no fingerprint.
 */
export async function verificationCode(localSdp: string, remoteSdp: string, subtle: typeof crypto.subtle = crypto.subtle): Promise<string | null> {
  const local = fingerprintsOf(localSdp).join(',');
  const remote = fingerprintsOf(remoteSdp).join(',');
  if (local === '' || remote === '') return null;
  const [first, second] = [local, remote].sort();
  const text = new TextEncoder();
  const key = await subtle.importKey('raw', text.encode(`${first}\n${second}`), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: text.encode(SALT), iterations: ITERATIONS }, key, 64);
  const number = new DataView(bits).getBigUint64(0);
  return grouped((number % 100_000_000n).toString().padStart(8, '0'));
}
