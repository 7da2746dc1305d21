/**
 * PeerJS's signaling server (the `peer` package), as the benchmark's yardstick:
 * `node dist/bench/peerJsProcess.mjs <port>`; its socket is at ws://127.0.0.1:<port>/peerjs
 * (built by bench/compiledProcesses.ts).
 */
import { PeerServer } from 'peer';

PeerServer({
  port: Number(process.argv[2]),
  host: '127.0.0.1',
  path: '/',
  // Its default limit is 5,000 clients; the memory figure opens 10,000.
  concurrent_limit: 1_000_000,
  // It drops a client that sent no HEARTBEAT for 90 s. The benchmark's clients send one every
  // 5 s as PeerJS's client does, but a busy machine can hold their timers up for longer than that.
  alive_timeout: 3_600_000,
});
