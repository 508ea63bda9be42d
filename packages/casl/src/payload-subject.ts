import { subject } from '@casl/ability';

/** How deep the payload may nest before the policy refuses to judge it. */
export const MAX_PAYLOAD_DEPTH = 32;

/** The property CASL's `subject()` tags an object with; a payload must not bring its own. */
const SUBJECT_TYPE_FIELD = '__caslSubjectType__';

/**
 * The payload as CASL judges it: a copy of its own enumerable fields (those set to `undefined`
 * left out), each object copied into one without a prototype, tagged with the message type.
 * `undefined` when it nests deeper than `MAX_PAYLOAD_DEPTH`.
 *
 * Why a copy: CASL reads a condition's field with `object[field]`, which walks the prototype
 * chain, so a payload whose prototype a decoder let the sender choose (`"__proto__": { … }`)
 * could satisfy a condition with a field it does not carry. Copying own fields only, into
 * prototype-less objects, leaves nothing to inherit. The copy also keeps the handler's instance
 * untouched: `subject()` would tag the object it is given. A getter on the message class's
 * prototype is not a field and is not seen.
 */
export function payloadSubject(type: string, payload: object): Record<string, unknown> | undefined {
  const copy = copyFields(payload, 0);
  return copy === TOO_DEEP ? undefined : subject(type, copy as Record<string, unknown>);
}

const TOO_DEEP = Symbol('too deep');

function copyFields(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  // Compared by value (dates) or as a whole (bytes): their parts are not fields.
  if (value instanceof Date || ArrayBuffer.isView(value)) return value;
  if (depth >= MAX_PAYLOAD_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const copied = copyFields(item, depth + 1);
      if (copied === TOO_DEEP) return TOO_DEEP;
      items.push(copied);
    }
    return items;
  }
  const copy: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value)) {
    if (key === SUBJECT_TYPE_FIELD) continue;
    const field = (value as Record<string, unknown>)[key];
    if (field === undefined) continue;
    const copied = copyFields(field, depth + 1);
    if (copied === TOO_DEEP) return TOO_DEEP;
    // defineProperty, not assignment: a key named "__proto__" stays a plain field.
    Object.defineProperty(copy, key, { value: copied, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}
