/** The floor relay as a process of its own: `node --import tsx bench/floorRelayProcess.ts <port>`. */
import { startFloorRelay } from './floorRelay.js';

const server = startFloorRelay(Number(process.argv[2]));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
