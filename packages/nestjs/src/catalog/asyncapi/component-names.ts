/*
 * The ids the document gives its parts. AsyncAPI allows only `[A-Za-z0-9._-]` in component
 * keys, and references are JSON pointers, so every id is reduced to those characters.
 */

const UNSAFE = /[^A-Za-z0-9._-]/g;

/** Reduces any text to the characters a component key may hold. */
export function safeId(text: string): string {
  return text.replace(UNSAFE, '_') || '_';
}

/** `OrderPlaced.v2`: a message type at one version, as message and payload schema component. */
export function messageId(name: string, version: number): string {
  return `${safeId(name)}.v${version}`;
}

/** `OrderPlaced.durable`: a message type on one transport. */
export function channelId(name: string, transport: string): string {
  return `${safeId(name)}.${safeId(transport)}`;
}

export function componentRef(section: 'schemas' | 'messages' | 'correlationIds', id: string): string {
  return `#/components/${section}/${id}`;
}

export function channelRef(channel: string): string {
  return `#/channels/${channel}`;
}

/** An operation must list its messages through its channel's own `messages`. */
export function channelMessageRef(channel: string, message: string): string {
  return `#/channels/${channel}/messages/${message}`;
}

/** `id`, or `id_2`, `id_3`… when `taken` holds it already. */
export function uniqueId(id: string, taken: Record<string, unknown>): string {
  let candidate = id;
  for (let n = 2; candidate in taken; n++) candidate = `${id}_${n}`;
  return candidate;
}
