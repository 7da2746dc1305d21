import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';

/** `/content/sdp` → `content.sdp`: the way a person names a field. */
export function fieldName(prefix: string, path: string): string {
  const parts = [prefix, ...path.split('/').filter(Boolean)].filter(Boolean);
  return parts.join('.') || 'message';
}

/**
 * A short description of a value a client sent. It never echoes more than a few characters, and
 * never serialises a nested value: a 30,000-deep array would overflow the stack of JSON.stringify.
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

/** One sentence for the first thing wrong with a value: which field, what it must be, what came. */
export function describeSchemaError(prefix: string, error: ValueError): string {
  const field = fieldName(prefix, error.path);
  const expected = (error.schema as { expected?: string }).expected ?? error.message.toLowerCase();
  if (error.type === ValueErrorType.ObjectRequiredProperty) {
    return `Field "${field}" is missing; it must be ${expected}.`;
  }
  return `Field "${field}" must be ${expected}; got ${describeValue(error.value)}.`;
}
