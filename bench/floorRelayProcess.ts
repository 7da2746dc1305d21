/**
 * A floor relay as a process of its own: `node dist/bench/floorRelayProcess.mjs <port>`
 * for the one on `ws` alone, `… <port> fastify` for the one behind Fastify (built by
 * bench/compiledProcesses.ts).
 */
import { startFastifyFloorRelay, startFloorRelay } from './floorRelay.js';

const port = Number(process.argv[2]);
if (process.argv[3] === 'fastify') {
  const app = await startFastifyFloorRelay(port);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
} else {
  const server = startFloorRelay(port);
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
