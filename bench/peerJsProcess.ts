/**
 * PeerJS's signaling server (the `peer` package), as the benchmark's yardstick:
 * `node --import tsx bench/peerJsProcess.ts <port>`; its socket is at ws://127.0.0.1:<port>/peerjs.
 */
import { PeerServer } from 'peer';

PeerServer({
  port: Number(process.argv[2]),
  host: '127.0.0.1',
  path: '/',
  // Its default limit is 5,000 clients; the memory figure opens 10,000.
  concurrent_limit: 1_000_000,
  // It drops a client that sent no HEARTBEAT for 90 s; the benchmark's clients send none, and
  // the rounds (and opening 10,000 sockets on a busy machine) can take longer than that.
  alive_timeout: 3_600_000,
});
