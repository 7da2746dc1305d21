/**
 * A self-signed certificate for trying the call on a LAN and for the https tests, made by
 * Debian's `openssl` (no crypto of our own). Browsers warn about it, since nobody vouches for it;
 * that is the price of not needing a domain name.
 */
import { execFileSync } from 'node:child_process';
import { isIP } from 'node:net';
import { join } from 'node:path';

export interface CertificateFiles {
  cert: string;
  key: string;
}

/** Writes `cert.pem` and `key.pem` into `dir`, valid for `names` (host names or IP addresses). */
export function makeLocalCertificate(dir: string, names: readonly string[], days = 30): CertificateFiles {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const altNames = names.map((name) => (isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
  const args = [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', String(days),
    '-subj', '/CN=peer-call local certificate', '-addext', `subjectAltName=${altNames}`,
  ];
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const missing = error instanceof Error && 'code' in error && error.code === 'ENOENT';
    throw new Error(
      missing
        ? "openssl was not found; it makes the local certificate. Install it with 'apt-get install openssl' (npm test does)."
        : `openssl could not make a certificate: ${String((error as { stderr?: unknown }).stderr ?? error)}`,
    );
  }
  return { cert, key };
}
