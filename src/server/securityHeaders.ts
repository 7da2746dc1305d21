/**
 * The security headers of every HTTP answer (through @fastify/helmet), above all the Content
 * Security Policy the call page runs under: only its own scripts, styles and socket, no inline
 * code, no framing. The page is built so that it needs nothing more (no inline script or style
 * attributes; the server-message check is compiled ahead of time, so no eval).
 */
import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  // The videos play MediaStreams through srcObject, which media-src does not govern; blob: and
  // mediastream: keep a stream or recording given by URL working too.
  'media-src': ["'self'", 'blob:', 'mediastream:'],
  // CSP Level 3 lets 'self' match ws:/wss: to the same host, which is where /ws is.
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
} as const;

export const helmetOptions: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    // Exactly the directives above: helmet's defaults would add upgrade-insecure-requests, which
    // breaks a server run on plain http://127.0.0.1, and allow inline styles.
    useDefaults: false,
    directives: CONTENT_SECURITY_POLICY,
  },
  // Helmet would send HSTS over plain http too, where RFC 6797 forbids it; the hook below sends
  // it only on answers that went out over https.
  strictTransportSecurity: false,
};

/** One year, the usual HSTS age; subdomains of the call's host are left to their own servers. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000';

/**
 * An onSend hook: HSTS on answers to https requests, whether this server speaks TLS itself or a
 * trusted reverse proxy did (Fastify reads X-Forwarded-Proto only from proxies in TRUST_PROXY).
 */
export async function strictTransportSecurity(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.protocol === 'https') reply.header('strict-transport-security', STRICT_TRANSPORT_SECURITY);
}
