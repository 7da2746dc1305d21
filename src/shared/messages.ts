/**
 * The signaling messages of PROTOCOL.md as JSON schemas, with their TypeScript types derived
 * from them: one source of truth for the server, the browser client and any other client.
 *
 * Each leaf schema carries `expected`, the words an error message uses for it, so that a
 * rejected frame is answered with a sentence that names the field and what it must be.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ERROR_CODES } from './errorCodes.js';
import {
  MAX_NAME_CHARS,
  MAX_PEER_ID_CHARS,
  MAX_RESUME_TOKEN_CHARS,
  MAX_SDP_CHARS,
  ROOM_ID_PATTERN,
} from './limits.js';

const PeerId = Type.String({
  minLength: 1,
  maxLength: MAX_PEER_ID_CHARS,
  expected: `a peer id (a string of 1-${MAX_PEER_ID_CHARS} characters)`,
});

export const RoomId = Type.String({
  pattern: ROOM_ID_PATTERN,
  expected: 'a room name of 1-64 characters, each a letter, digit, "_" or "-"',
});

const DisplayName = Type.String({
  minLength: 1,
  maxLength: MAX_NAME_CHARS,
  // Checked after trimming; a name of only spaces is no name.
  pattern: '\\S',
  expected: `a display name of 1-${MAX_NAME_CHARS} characters that is not only spaces`,
});

const ResumeToken = Type.String({
  minLength: 1,
  maxLength: MAX_RESUME_TOKEN_CHARS,
  expected: 'the resume token from an earlier WELCOME',
});

const optionalNullable = <T extends TSchema>(schema: T, expected: string) =>
  Type.Optional(Type.Union([schema, Type.Null()], { expected }));

// ---- client to server -------------------------------------------------------------------

export const JoinContent = Type.Object(
  {
    room: RoomId,
    name: Type.Optional(DisplayName),
    resume: Type.Optional(ResumeToken),
  },
  { expected: 'an object like {"room": "my-room"}' },
);

export const SessionDescription = Type.Object(
  {
    type: Type.Union([Type.Literal('offer'), Type.Literal('answer')], {
      expected: '"offer" or "answer"',
    }),
    sdp: Type.String({
      maxLength: MAX_SDP_CHARS,
      expected: `a string of at most ${MAX_SDP_CHARS.toLocaleString('en')} characters`,
    }),
  },
  { expected: 'an object like {"type": "offer", "sdp": "v=0..."}' },
);

export const IceCandidate = Type.Object(
  {
    candidate: Type.Optional(Type.String({ expected: 'a string' })),
    sdpMid: optionalNullable(Type.String(), 'a string or null'),
    sdpMLineIndex: optionalNullable(
      Type.Integer({ minimum: 0, maximum: 65535 }),
      'a whole number from 0 to 65535, or null',
    ),
    usernameFragment: optionalNullable(Type.String(), 'a string or null'),
  },
  { expected: 'an ICE candidate object (RTCIceCandidateInit) or null' },
);

export const CandidateContent = Type.Union([IceCandidate, Type.Null()], {
  expected: 'an ICE candidate object (RTCIceCandidateInit) or null',
});

export const CLIENT_MESSAGE_TYPES = ['JOIN', 'SDP', 'CANDIDATE', 'LEAVE'] as const;
export type ClientMessageType = (typeof CLIENT_MESSAGE_TYPES)[number];

export { PeerId };

export type JoinContent = Static<typeof JoinContent>;
export type SessionDescription = Static<typeof SessionDescription>;
export type IceCandidate = Static<typeof IceCandidate>;
export type CandidateContent = Static<typeof CandidateContent>;

export type ClientMessage =
  | { message_type: 'JOIN'; content: JoinContent }
  | { message_type: 'SDP'; content: SessionDescription; to?: string }
  | { message_type: 'CANDIDATE'; content: CandidateContent; to?: string }
  | { message_type: 'LEAVE' };

// ---- server to client -------------------------------------------------------------------

const PeerInfo = Type.Object({ peer_id: PeerId, name: Type.String() });

const IceServer = Type.Object({
  urls: Type.Union([Type.String(), Type.Array(Type.String())]),
  username: Type.Optional(Type.String()),
  credential: Type.Optional(Type.String()),
});

export const IceServers = Type.Array(IceServer);

/** `relay`: the operator wants every call relayed, so people never learn each other's addresses. */
export const IceTransportPolicy = Type.Union([Type.Literal('all'), Type.Literal('relay')]);

export const serverMessageSchemas = {
  WELCOME: Type.Object({
    message_type: Type.Literal('WELCOME'),
    content: Type.Object({
      peer_id: PeerId,
      room: RoomId,
      peers: Type.Array(PeerInfo),
      ice_servers: IceServers,
      ice_transport_policy: Type.Optional(IceTransportPolicy),
      resume: Type.String(),
    }),
  }),
  PEER_JOINED: Type.Object({ message_type: Type.Literal('PEER_JOINED'), content: PeerInfo }),
  PEER_LEFT: Type.Object({
    message_type: Type.Literal('PEER_LEFT'),
    content: Type.Object({ peer_id: PeerId }),
  }),
  SDP: Type.Object({
    message_type: Type.Literal('SDP'),
    content: SessionDescription,
    from: PeerId,
  }),
  CANDIDATE: Type.Object({
    message_type: Type.Literal('CANDIDATE'),
    content: CandidateContent,
    from: PeerId,
  }),
  ERROR: Type.Object({
    message_type: Type.Literal('ERROR'),
    content: Type.Object({
      code: Type.Union(ERROR_CODES.map((code) => Type.Literal(code))),
      message: Type.String(),
    }),
  }),
} as const;

type ServerSchemas = typeof serverMessageSchemas;
export type ServerMessageType = keyof ServerSchemas;
export type ServerMessage = { [K in ServerMessageType]: Static<ServerSchemas[K]> }[ServerMessageType];
export type ServerMessageOf<K extends ServerMessageType> = Static<ServerSchemas[K]>;
export type PeerInfo = Static<typeof PeerInfo>;
export type IceServerConfig = Static<typeof IceServer>;
export type IceTransportPolicy = Static<typeof IceTransportPolicy>;
