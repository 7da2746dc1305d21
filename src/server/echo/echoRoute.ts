/**
 * `POST /echo {room, peer_id}`: a peer alone in its room asks for a test call, and the server's
 * echo peer joins that room through `/ws`. The checks here keep it to one call per peer and
 * `maxCalls` per node; every refusal says what was wrong and what to do.
 */
import { isIP } from 'node:net';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { describeSchemaError } from '../../shared/describeSchemaError.js';
import { EchoRequest, type EchoRefused, type EchoStarted } from '../../shared/echoRequest.js';
import { ECHO_PATH } from '../../shared/limits.js';
import type { RoomStore } from '../roomStore.js';
import { startEchoCall } from './echoCall.js';
import { createEchoCalls } from './echoCalls.js';

export interface EchoRouteOptions {
  /** False: the route answers that test calls are off (ECHO=off). */
  enabled: boolean;
  maxSeconds: number;
  maxCalls: number;
  rooms: RoomStore;
}

const checkRequest = TypeCompiler.Compile(EchoRequest);

function refuse(reply: FastifyReply, status: number, error: string, message: string) {
  return reply.code(status).send({ error, message } satisfies EchoRefused);
}

const isLoopback = (ip: string) => ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');

/** This server's own signaling socket, as a client on this machine reaches it. */
function ownSignalingUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('The server is not listening on TCP.');
  const host = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  const scheme = app.initialConfig.https ? 'wss' : 'ws';
  return `${scheme}://${isIP(host) === 6 ? `[${host}]` : host}:${address.port}/ws`;
}

export async function echoRoute(app: FastifyInstance, options: EchoRouteOptions): Promise<void> {
  const calls = createEchoCalls(options.maxCalls);
  app.addHook('onClose', () => calls.closeAll());

  app.post(ECHO_PATH, async (request, reply) => {
    if (!options.enabled) {
      return refuse(reply, 404, 'Not Found', 'This server does not offer test calls (it runs with ECHO=off); call another person instead.');
    }
    const body = request.body;
    if (!checkRequest.Check(body)) {
      const first = checkRequest.Errors(body).First();
      const reason = first ? describeSchemaError('body', first) : 'The body is not valid.';
      return refuse(reply, 400, 'Bad Request', `${reason} Send JSON like {"room": "…", "peer_id": "…"} after your WELCOME.`);
    }
    const { room, peer_id: peerId } = body;
    const members = await options.rooms.members(room);
    if (!members.includes(peerId)) {
      return refuse(reply, 404, 'Not Found', `No peer "${peerId}" is in room "${room}"; JOIN the room over /ws first, then ask with the peer_id from your WELCOME.`);
    }
    const key = JSON.stringify([room, peerId]);
    const already = () =>
      refuse(reply, 409, 'Conflict', `You already have a test call going; it ends by itself after ${options.maxSeconds} s, or when you leave the room.`);
    // Checked first: once the echo peer is in, the room has someone else in it.
    if (calls.has(key)) return already();
    if (members.length > 1) {
      return refuse(reply, 409, 'Conflict', `Room "${room}" already has someone else in it; a test call needs a room of your own (open /?echo).`);
    }
    const outcome = calls.tryStart(key, (ended) =>
      startEchoCall({
        signalingUrl: ownSignalingUrl(app),
        room,
        partner: peerId,
        maxMs: options.maxSeconds * 1_000,
        // The person's browser is on this machine: loopback may be the only path between them.
        additionalHostAddresses: isLoopback(request.ip) ? ['127.0.0.1'] : [],
        log: (message) => request.log.warn({ room }, message),
        ended(reason) {
          request.log.info({ room, reason }, 'test call ended');
          ended();
        },
      }),
    );
    switch (outcome) {
      case 'already':
        return already();
      case 'busy':
        return refuse(reply, 503, 'Service Unavailable', `This server already has ${options.maxCalls} test call${options.maxCalls === 1 ? '' : 's'} going, the most it runs at once; try again in a minute.`);
      case 'started':
        return reply.code(202).send({ max_seconds: options.maxSeconds } satisfies EchoStarted);
    }
  });
}
