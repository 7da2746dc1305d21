/**
 * PeerJS's signaling server (the `peer` package), as the benchmark's yardstick:
 * `node --import tsx bench/peerJsProcess.ts <port>`; its socket is at ws://127.0.0.1:<port>/peerjs.
 */
import { PeerServer } from 'peer';

// Its default limit is 5,000 clients; the memory figure opens 10,000.
PeerServer({ port: Number(process.argv[2]), host: '127.0.0.1', path: '/', concurrent_limit: 1_000_000 });
