/**
 * `npm run start:lan`: serves the call over https:// on every address of this machine, with a
 * self-signed certificate for those addresses (made once by openssl, kept in .lan-certificate/),
 * so that two machines of one LAN can call each other. Browsers warn about the certificate,
 * since nobody vouches for it; accept it once on each machine.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeLocalCertificate } from './localCertificate.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, '.lan-certificate');
const lanAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal)
  .map((entry) => entry!.address);
const names = ['localhost', '127.0.0.1', ...lanAddresses];

// The same certificate while the addresses stay the same, so a browser asks only once.
mkdirSync(dir, { recursive: true });
const namesFile = join(dir, 'names.txt');
const files = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
if (!existsSync(files.cert) || !existsSync(namesFile) || readFileSync(namesFile, 'utf8') !== names.join('\n')) {
  makeLocalCertificate(dir, names, 365);
  writeFileSync(namesFile, names.join('\n'));
  console.log(`Made a self-signed certificate for ${names.join(', ')} in ${dir}.`);
}

const port = process.env.PORT ?? '1337';
const server = spawn(process.execPath, [join(root, 'dist/server/main.js')], {
  env: { ...process.env, HOST: '0.0.0.0', PORT: port, TLS_CERT: files.cert, TLS_KEY: files.key },
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));

const where = lanAddresses.length > 0 ? lanAddresses.map((address) => `https://${address}:${port}/`).join(' or ') : `https://localhost:${port}/`;
console.log(
  `On both machines open ${where}. The browser warns that the connection is not private ` +
    '(the certificate is self-signed): choose Advanced, then Proceed (Chrome) or Accept the Risk (Firefox).',
);
