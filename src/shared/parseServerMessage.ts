/**
 * Validates a frame from the server. Uses TypeBox's interpreter rather than its compiler, so a
 * browser page can run it under a Content Security Policy without 'unsafe-eval'.
 */
import { Value } from '@sinclair/typebox/value';
import { describeSchemaError } from './describeSchemaError.js';
import { serverMessageSchemas, type ServerMessage, type ServerMessageType } from './messages.js';
import { parseJsonObject, type ParseResult } from './parseResult.js';

function isServerMessageType(value: unknown): value is ServerMessageType {
  return typeof value === 'string' && Object.hasOwn(serverMessageSchemas, value);
}

export function parseServerMessage(raw: string): ParseResult<ServerMessage> {
  const parsed = parseJsonObject(raw);
  if (!parsed.ok) return parsed;
  const type = parsed.value.message_type;
  if (!isServerMessageType(type)) {
    return {
      ok: false,
      code: 'BAD_MESSAGE',
      reason: `Field "message_type" must be one of ${Object.keys(serverMessageSchemas).join(', ')}; got ${JSON.stringify(type)}.`,
    };
  }
  const schema = serverMessageSchemas[type];
  if (!Value.Check(schema, parsed.value)) {
    const first = Value.Errors(schema, parsed.value).First();
    return {
      ok: false,
      code: 'BAD_MESSAGE',
      reason: first ? describeSchemaError('', first) : `A ${type} message is not valid.`,
    };
  }
  return { ok: true, message: parsed.value as ServerMessage };
}
