/**
 * Validates a frame from a client against the wire contract. The checks are compiled once
 * at import (TypeBox's compiler), so validating a relayed SDP or candidate stays cheap.
 */
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { describeSchemaError, describeValue } from './describeSchemaError.js';
import {
  CLIENT_MESSAGE_TYPES,
  IceCandidate,
  JoinContent,
  PeerId,
  SessionDescription,
  type ClientMessage,
  type ClientMessageType,
} from './messages.js';
import { parseJsonObject, type ParseResult } from './parseResult.js';

const compile = <T extends TSchema>(schema: T): TypeCheck<T> => TypeCompiler.Compile(schema);
const checkJoin = compile(JoinContent);
const checkSdp = compile(SessionDescription);
const checkCandidate = compile(IceCandidate);
const checkPeerId = compile(PeerId);

function invalid<T extends TSchema>(check: TypeCheck<T>, prefix: string, value: unknown) {
  const first = check.Errors(value).First();
  return {
    ok: false as const,
    code: 'BAD_MESSAGE' as const,
    reason: first
      ? describeSchemaError(prefix, first)
      : `Field "${prefix}" is not valid.`,
  };
}

function isClientMessageType(value: unknown): value is ClientMessageType {
  return (CLIENT_MESSAGE_TYPES as readonly unknown[]).includes(value);
}

export function parseClientMessage(raw: string): ParseResult<ClientMessage> {
  const parsed = parseJsonObject(raw);
  if (!parsed.ok) return parsed;
  const { message_type: type, content, to } = parsed.value;

  if (!isClientMessageType(type)) {
    return {
      ok: false,
      code: 'BAD_MESSAGE',
      reason:
        type === undefined
          ? `Field "message_type" is missing; it must be one of ${CLIENT_MESSAGE_TYPES.join(', ')}.`
          : `Field "message_type" must be one of ${CLIENT_MESSAGE_TYPES.join(', ')}; got ${describeValue(type)}.`,
    };
  }
  if (to !== undefined && !checkPeerId.Check(to)) return invalid(checkPeerId, 'to', to);

  switch (type) {
    case 'JOIN': {
      // The contract trims names; trim before checking so "  " is refused as empty.
      const c =
        typeof content === 'object' && content !== null && typeof (content as { name?: unknown }).name === 'string'
          ? { ...content, name: ((content as { name: string }).name).trim() }
          : content;
      if (!checkJoin.Check(c)) return invalid(checkJoin, 'content', c);
      const join: ClientMessage = { message_type: 'JOIN', content: { room: c.room } };
      if (c.name !== undefined) join.content.name = c.name;
      if (c.resume !== undefined) join.content.resume = c.resume;
      return { ok: true, message: join };
    }
    case 'SDP':
      if (!checkSdp.Check(content)) return invalid(checkSdp, 'content', content);
      return { ok: true, message: addressed({ message_type: 'SDP', content: { type: content.type, sdp: content.sdp } }, to) };
    case 'CANDIDATE':
      if (content === null) return { ok: true, message: addressed({ message_type: 'CANDIDATE', content: null }, to) };
      if (!checkCandidate.Check(content)) return invalid(checkCandidate, 'content', content);
      return { ok: true, message: addressed({ message_type: 'CANDIDATE', content: pickCandidate(content) }, to) };
    case 'LEAVE':
      return { ok: true, message: { message_type: 'LEAVE' } };
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

/** Adds `to` only when the client gave one: an assignment, which costs far less than a spread. */
function addressed(message: Extract<ClientMessage, { message_type: 'SDP' | 'CANDIDATE' }>, to: string | undefined): ClientMessage {
  if (to !== undefined) message.to = to;
  return message;
}

/** Only the known fields travel on: a relayed message never carries what a client smuggled in. */
function pickCandidate(c: IceCandidate): IceCandidate {
  const out: IceCandidate = {};
  if (c.candidate !== undefined) out.candidate = c.candidate;
  if (c.sdpMid !== undefined) out.sdpMid = c.sdpMid;
  if (c.sdpMLineIndex !== undefined) out.sdpMLineIndex = c.sdpMLineIndex;
  if (c.usernameFragment !== undefined) out.usernameFragment = c.usernameFragment;
  return out;
}
