/**
 * The signaling rules of PROTOCOL.md as a client sees them: joining, relaying, addressing,
 * rooms and leaving. Bad input and the transport have their own files.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, pair, startServer } from './helpers.js';

afterEach(closeAll);

const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const;
const candidate = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };

describe('JOIN', () => {
  it('answers WELCOME with a peer id, the room, the ICE servers and policy, and a resume token', async () => {
    const iceServers = [{ urls: 'stun:stun.example.org:3478' }, { urls: ['turn:turn.example.org'], username: 'u', credential: 'c' }];
    const server = await startServer({ iceServers });
    const a = await server.connect();

    const welcome = await a.join('room-1', 'Ann');

    expect(welcome.content).toEqual({
      peer_id: expect.any(String),
      room: 'room-1',
      peers: [],
      ice_servers: iceServers,
      ice_transport_policy: 'all',
      resume: expect.any(String),
    });
    expect(welcome.content.peer_id).not.toBe('');
    expect(welcome.content.resume).not.toBe('');
  });

  it('lists the peers already there in join order, and tells each of them who came', async () => {
    const server = await startServer({ roomCapacity: 3 });
    const [a, b, c] = [await server.connect(), await server.connect(), await server.connect()];
    const idA = (await a.join('room-1', 'Ann')).content.peer_id;
    const idB = (await b.join('room-1', 'Bob')).content.peer_id;

    const welcomeC = await c.join('room-1', 'Cy');

    expect(welcomeC.content.peers).toEqual([
      { peer_id: idA, name: 'Ann' },
      { peer_id: idB, name: 'Bob' },
    ]);
    const idC = welcomeC.content.peer_id;
    expect(new Set([idA, idB, idC]).size).toBe(3);
    expect((await a.next('PEER_JOINED')).content).toEqual({ peer_id: idB, name: 'Bob' });
    expect((await a.next('PEER_JOINED')).content).toEqual({ peer_id: idC, name: 'Cy' });
    expect((await b.next('PEER_JOINED')).content).toEqual({ peer_id: idC, name: 'Cy' });
    // The joiner is not told about itself.
    await c.roundTrip();
    expect(c.all('PEER_JOINED')).toEqual([]);
  });

  it('trims the display name before others see it', async () => {
    const server = await startServer();
    const a = await server.connect();
    const b = await server.connect();
    await a.join('room-1', 'Ann');

    await b.join('room-1', '  Bob  ');

    expect((await a.next('PEER_JOINED')).content.name).toBe('Bob');
  });

  it('answers a third joiner of a room for two with ROOM_FULL, and the two hear nothing of it', async () => {
    const server = await startServer({ roomCapacity: 2 });
    const { a, b } = await pair(server);
    const c = await server.connect();

    c.send({ message_type: 'JOIN', content: { room: 'room-1', name: 'Cy' } });

    const full = (await c.next('ERROR')).content;
    expect(full.code).toBe('ROOM_FULL');
    expect(full.message).toContain('it holds 2 people');
    await Promise.all([a.roundTrip(), b.roundTrip()]);
    expect(a.all('PEER_JOINED')).toHaveLength(1);
    expect(b.all('PEER_JOINED')).toEqual([]);
    // ROOM_FULL leaves the socket free to join somewhere else.
    expect((await c.join('room-2')).content.room).toBe('room-2');
  });
});

describe('SDP and CANDIDATE relay', () => {
  it('delivers SDP only to the peer named by `to`, stamped with the sender as `from`', async () => {
    const server = await startServer({ roomCapacity: 3 });
    const { a, b, idA, idB } = await pair(server);
    const c = await server.connect();
    await c.join('room-1', 'Cy');

    a.send({ message_type: 'SDP', content: offer, to: idB });

    expect(await b.next('SDP')).toEqual({ message_type: 'SDP', content: offer, from: idA });
    await c.roundTrip();
    expect(c.all('SDP')).toEqual([]);
    await a.roundTrip();
    expect(a.all('SDP')).toEqual([]);
  });

  it('overwrites a `from` the client supplied', async () => {
    const server = await startServer();
    const { a, b, idA, idB } = await pair(server);

    a.send({ message_type: 'SDP', content: offer, to: idB, from: idB });
    a.send({ message_type: 'CANDIDATE', content: candidate, to: idB, from: 'someone-else' });

    expect((await b.next('SDP')).from).toBe(idA);
    expect((await b.next('CANDIDATE')).from).toBe(idA);
  });

  it('relays a candidate and the `null` end-of-candidates marker, in order', async () => {
    const server = await startServer();
    const { a, b, idA, idB } = await pair(server);

    b.send({ message_type: 'CANDIDATE', content: candidate, to: idA });
    b.send({ message_type: 'CANDIDATE', content: null, to: idA });

    expect(await a.next('CANDIDATE')).toEqual({ message_type: 'CANDIDATE', content: candidate, from: idB });
    expect(await a.next('CANDIDATE')).toEqual({ message_type: 'CANDIDATE', content: null, from: idB });
  });

  it('does not pass on fields the contract does not know', async () => {
    const server = await startServer();
    const { a, b, idA } = await pair(server);

    a.send({ message_type: 'SDP', content: { ...offer, secret: 'x' }, extra: 'y' });

    expect(await b.next('SDP')).toEqual({ message_type: 'SDP', content: offer, from: idA });
  });
});

describe('addressing', () => {
  it('lets `to` be left out when exactly one other peer is in the room', async () => {
    const server = await startServer();
    const { a, b, idA, idB } = await pair(server);

    a.send({ message_type: 'SDP', content: offer });
    b.send({ message_type: 'CANDIDATE', content: null });

    expect((await b.next('SDP')).from).toBe(idA);
    expect((await a.next('CANDIDATE')).from).toBe(idB);
  });

  it('answers a missing `to` with BAD_MESSAGE naming "to" when two or more others are there', async () => {
    const server = await startServer({ roomCapacity: 3 });
    const { a, b } = await pair(server);
    const c = await server.connect();
    await c.join('room-1');

    c.send({ message_type: 'SDP', content: offer });

    const error = await c.next('ERROR');
    expect(error.content.code).toBe('BAD_MESSAGE');
    expect(error.content.message).toContain('"to"');
    await Promise.all([a.roundTrip(), b.roundTrip()]);
    expect([...a.all('SDP'), ...b.all('SDP')]).toEqual([]);
  });

  it('answers a missing `to` with UNKNOWN_PEER when nobody else is in the room', async () => {
    const server = await startServer();
    const a = await server.connect();
    await a.join('room-1');

    a.send({ message_type: 'CANDIDATE', content: candidate });

    expect((await a.next('ERROR')).content.code).toBe('UNKNOWN_PEER');
  });

  it('answers a `to` naming nobody in the room with UNKNOWN_PEER', async () => {
    const server = await startServer();
    const { a } = await pair(server);

    a.send({ message_type: 'SDP', content: offer, to: 'no-such-peer' });

    expect((await a.next('ERROR')).content.code).toBe('UNKNOWN_PEER');
  });

  it('never lets a message cross rooms, even to a peer id that exists elsewhere', async () => {
    const server = await startServer();
    const { a, b } = await pair(server, 'room-1');
    const other = await pair(server, 'room-2');

    a.send({ message_type: 'SDP', content: offer, to: other.idA });
    a.send({ message_type: 'CANDIDATE', content: null, to: other.idB });

    expect((await a.next('ERROR')).content.code).toBe('UNKNOWN_PEER');
    expect((await a.next('ERROR')).content.code).toBe('UNKNOWN_PEER');
    await Promise.all([other.a.roundTrip(), other.b.roundTrip(), b.roundTrip()]);
    for (const client of [other.a, other.b, b]) {
      expect([...client.all('SDP'), ...client.all('CANDIDATE')]).toEqual([]);
    }
  });
});

describe('leaving', () => {
  it('tells the other peer PEER_LEFT after LEAVE, and the socket can JOIN again', async () => {
    const server = await startServer();
    const { a, b, idA, idB } = await pair(server);

    a.send({ message_type: 'LEAVE' });

    expect((await b.next('PEER_LEFT')).content).toEqual({ peer_id: idA });
    // Out of the room, relaying is no longer possible...
    a.send({ message_type: 'SDP', content: offer, to: idB });
    expect((await a.next('ERROR')).content.code).toBe('NOT_JOINED');
    // ...until it joins again, as a newcomer the other peer is told about.
    const again = await a.join('room-1', 'Ann');
    expect(again.content.peers).toEqual([{ peer_id: idB, name: 'Bob' }]);
    expect((await b.next('PEER_JOINED')).content).toEqual({ peer_id: again.content.peer_id, name: 'Ann' });
  });

  it('tells the other peer PEER_LEFT when a socket closes and its resume window runs out, and frees its seat', async () => {
    const server = await startServer({ roomCapacity: 2, resumeGraceMs: 100 });
    const { a, b, idA, idB } = await pair(server);

    b.ws.close();

    expect((await a.next('PEER_LEFT')).content).toEqual({ peer_id: idB });
    const c = await server.connect();
    const welcome = await c.join('room-1', 'Cy');
    expect(welcome.content.peers).toEqual([{ peer_id: idA, name: 'Ann' }]);
  });

  it('lets the last peer leave, after which the room starts empty again', async () => {
    const server = await startServer();
    const a = await server.connect();
    await a.join('room-1');

    a.send({ message_type: 'LEAVE' });
    const b = await server.connect();
    // LEAVE has no answer; B joining after A's round trip sees the room as A left it.
    await a.roundTrip();

    expect((await b.join('room-1')).content.peers).toEqual([]);
  });
});
