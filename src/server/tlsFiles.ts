/**
 * Reads the certificate and key for https:// at start-up and checks that Node's TLS accepts them
 * as a pair, so a wrong path, a DER file or a key of another certificate stops the server with a
 * sentence instead of failing the first browser that connects.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

export interface TlsFiles {
  cert: string;
  key: string;
}

export type TlsFilesResult =
  | { ok: true; files: TlsFiles }
  | { ok: false; setting: 'TLS_CERT' | 'TLS_KEY'; message: string };

function read(setting: 'TLS_CERT' | 'TLS_KEY', path: string, what: string): TlsFilesResult | string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? ` (${String(error.code)})` : '';
    return { ok: false, setting, message: `${setting} is "${path}", which cannot be read${reason}; point it at the ${what} (a PEM file) and make sure the server may read it.` };
  }
  if (!text.includes('-----BEGIN ')) {
    return { ok: false, setting, message: `${setting} is "${path}", which is not a PEM file (no "-----BEGIN" line); give the ${what} in PEM form.` };
  }
  return text;
}

export function readTlsFiles(certPath: string, keyPath: string): TlsFilesResult {
  const cert = read('TLS_CERT', certPath, 'certificate');
  if (typeof cert !== 'string') return cert;
  const key = read('TLS_KEY', keyPath, 'private key of the certificate');
  if (typeof key !== 'string') return key;
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      setting: /key/i.test(reason) ? 'TLS_KEY' : 'TLS_CERT',
      message: `TLS_CERT ("${certPath}") and TLS_KEY ("${keyPath}") do not make a usable pair (${reason}); give a certificate and the private key it was made with.`,
    };
  }
  return { ok: true, files: { cert, key } };
}
