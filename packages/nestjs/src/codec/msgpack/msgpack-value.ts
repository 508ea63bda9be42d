import { PayloadEncodeError } from '../payload-encode.error';

/** Nesting deeper than this is refused on both sides; it also stops a circular structure. */
export const MSGPACK_MAX_DEPTH = 100;

/**
 * The value MessagePack writes for a message: JSON's data model plus byte arrays. `toJSON` is
 * applied (a `Date` becomes its ISO string, as with `json`, so `@Type(() => Date)` reads it
 * back), properties holding `undefined`, functions or symbols are left out, and in arrays they
 * become `null`. What would not read back as it was written is refused rather than changed:
 * `BigInt`, `Map`, `Set`, typed arrays other than `Uint8Array`, and a `__proto__` key.
 */
export function toMsgpackValue(value: unknown, path = '', depth = 0): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'number':
      return value;
    case 'bigint':
      throw refused(path, 'is a BigInt, which reads back as a number or not at all: send it as a string');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  if (depth >= MSGPACK_MAX_DEPTH) throw refused(path, `is nested deeper than ${MSGPACK_MAX_DEPTH} levels, or circular`);
  // Before `toJSON`: a Buffer has one, which would turn its bytes into `{ type, data }`.
  if (value instanceof Uint8Array) return value;
  const object = value as { toJSON?: unknown };
  if (typeof object.toJSON === 'function') return toMsgpackValue((object.toJSON as () => unknown)(), path, depth + 1);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer)
    throw refused(path, 'is a typed array or ArrayBuffer: only Uint8Array travels as bytes');
  if (value instanceof Map || value instanceof Set)
    throw refused(path, `is a ${value instanceof Map ? 'Map' : 'Set'}: use a plain object or an array`);
  if (Array.isArray(value)) {
    const items = new Array<unknown>(value.length);
    for (let index = 0; index < value.length; index++)
      items[index] = toMsgpackValue(value[index], `${path}[${index}]`, depth + 1) ?? null;
    return items;
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value as object)) {
    if (key === '__proto__') throw refused(path, 'has a "__proto__" key, which receivers refuse');
    const item = toMsgpackValue(
      (value as Record<string, unknown>)[key],
      path === '' ? key : `${path}.${key}`,
      depth + 1,
    );
    if (item !== undefined) copy[key] = item;
  }
  return copy;
}

function refused(path: string, problem: string): PayloadEncodeError {
  return new PayloadEncodeError(`msgpack cannot send ${path === '' ? 'the message' : path}: it ${problem}`);
}
