/**
 * The server for the echo benchmark, in a process of its own so that its CPU time is its own:
 * it tells its parent its address, then answers "cpu" with process.cpuUsage() and "close" by
 * closing and exiting.
 */
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/server/app.js';

const app = await buildApp({ clientDir: fileURLToPath(new URL('../dist/client/', import.meta.url)), echoMaxSeconds: 3_600, echoMaxCalls: 16 });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.send?.({ url: `http://127.0.0.1:${port}` });
process.on('message', (message) => {
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  if (message === 'close') void app.close().then(() => process.exit(0));
});
