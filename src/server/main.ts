/** Starts the server from environment settings and shuts it down cleanly on SIGINT/SIGTERM. */
import { fileURLToPath } from 'node:url';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type ServerConfig } from './config.js';

function readConfig(): ServerConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Cannot start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

const config = readConfig();
const app = await buildApp({
  clientDir: fileURLToPath(new URL('../client/', import.meta.url)),
  roomCapacity: config.roomCapacity,
  iceServers: config.iceServers,
  turn: config.turn,
  iceTransportPolicy: config.iceTransportPolicy,
  tls: config.tls,
  heartbeatIntervalMs: config.heartbeatIntervalMs,
  allowedOrigins: config.allowedOrigins,
  resumeGraceMs: config.resumeGraceMs,
  rateLimitBurst: config.rateLimitBurst,
  rateLimitPerSecond: config.rateLimitPerSecond,
  maxSocketsPerIp: config.maxSocketsPerIp,
  maxNewRoomsPerIp: config.maxNewRoomsPerIp,
  logger: { level: config.logLevel },
  trustProxy: config.trustProxy,
  echo: config.echo,
  echoMaxSeconds: config.echoMaxSeconds,
  echoMaxCalls: config.echoMaxCalls,
  ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
});

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

try {
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // A wildcard address is not one a browser can open; the machine's own name is.
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  const host = wildcard ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const scheme = config.tls ? 'https' : 'http';
  app.log.info(`Open ${scheme}://${host}:${port}/ and send its link to the person you want to call.`);
} catch (error) {
  app.log.error({ err: error }, `Cannot listen on ${config.host}:${config.port}`);
  process.exit(1);
}
