/**
 * The page's security headers (helmet): a Content Security Policy the page works under, and the
 * usual hardening headers, on the page but not in the way of the signaling upgrade.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, startServer, upgrade } from './helpers.js';

afterEach(closeAll);

const EXPECTED_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join(';');

let clientDir: string;
beforeAll(async () => {
  clientDir = await mkdtemp(join(tmpdir(), 'peer-call-page-'));
  await writeFile(join(clientDir, 'index.html'), '<!doctype html><title>call</title><script type="module" src="/app.js"></script>');
});
afterAll(async () => {
  await rm(clientDir, { recursive: true, force: true });
});

describe('security headers', () => {
  it('serves the page with exactly the Content Security Policy it needs, and no upgrade to https', async () => {
    const server = await startServer({ clientDir });

    const response = await server.app.inject({ method: 'GET', url: '/' });

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<title>call</title>');
    expect(response.headers['content-security-policy']).toBe(EXPECTED_CSP);
    expect(response.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(response.headers['content-security-policy']).not.toContain('unsafe');
  });

  it('sends the other hardening headers with the page', async () => {
    const server = await startServer({ clientDir });

    const { headers } = await server.app.inject({ method: 'GET', url: '/' });

    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    });
    expect(headers['x-powered-by']).toBeUndefined();
  });

  it('sends no HSTS over plain http, where browsers must ignore it (RFC 6797)', async () => {
    const server = await startServer({ clientDir });

    const { headers } = await server.app.inject({ method: 'GET', url: '/' });

    expect(headers['strict-transport-security']).toBeUndefined();
  });

  it('sends HSTS behind a trusted proxy that says the request came over https, and only then', async () => {
    const behindProxy = await startServer({ clientDir, trustProxy: '127.0.0.1' });
    const direct = await startServer({ clientDir });
    const overHttps = { 'x-forwarded-proto': 'https' };

    const proxied = await behindProxy.app.inject({ method: 'GET', url: '/', headers: overHttps, remoteAddress: '127.0.0.1' });
    const proxiedHttp = await behindProxy.app.inject({ method: 'GET', url: '/', headers: { 'x-forwarded-proto': 'http' }, remoteAddress: '127.0.0.1' });
    const spoofed = await direct.app.inject({ method: 'GET', url: '/', headers: overHttps, remoteAddress: '192.0.2.9' });

    expect(proxied.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(proxiedHttp.headers['strict-transport-security']).toBeUndefined();
    expect(spoofed.headers['strict-transport-security']).toBeUndefined();
  });

  it('puts them on the health check too, but leaves the signaling upgrade as it was', async () => {
    const server = await startServer({ clientDir });

    const health = await server.app.inject({ method: 'GET', url: '/healthz' });
    const upgraded = await upgrade(server.url);

    expect(health.headers['content-security-policy']).toBe(EXPECTED_CSP);
    expect(upgraded.status).toBe(101);
    expect(upgraded.headers['content-security-policy']).toBeUndefined();
    const client = await server.connect();
    expect((await client.join('room-1')).content.room).toBe('room-1');
  });

  it('has a call page that needs nothing the policy forbids: no inline script, style or handler', async () => {
    // The real page, as shipped: what the policy must let work in the browser.
    const page = await readFile(fileURLToPath(new URL('../../src/client/public/index.html', import.meta.url)), 'utf8');

    const scripts = [...page.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/[^"]+"/);
      expect(body?.trim()).toBe('');
    }
    expect(page).not.toMatch(/<style\b/i);
    expect(page).not.toMatch(/\sstyle\s*=/i);
    expect(page).not.toMatch(/\son[a-z]+\s*=/i);
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//i);
  });
});
