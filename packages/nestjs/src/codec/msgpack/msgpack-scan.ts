import { PayloadDecodeError } from '../payload-decode.error';
import { MSGPACK_MAX_DEPTH } from './msgpack-value';

const PROTO = [0x5f, 0x5f, 0x70, 0x72, 0x6f, 0x74, 0x6f, 0x5f, 0x5f]; // "__proto__"

/**
 * Reads a MessagePack payload's structure before msgpackr builds anything, and refuses what a
 * sender could use against the receiver: extension types (msgpackr would build `Date`, `Set`,
 * `RegExp`, errors, typed arrays, records compiled to code, structured clones), map keys that
 * are not strings or are `__proto__`, nesting past `MSGPACK_MAX_DEPTH`, lengths beyond the
 * bytes present (a 2^32-item array header in five bytes), trailing bytes, and a top level that
 * is not a map. Iterative, so depth costs no stack.
 */
export function assertSafeMsgpack(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length;
  let position = 0;
  /** Items still to read per open array or map (a map counts keys and values). */
  const open: number[] = [];
  const isMap: boolean[] = [];

  const fail = (problem: string): never => {
    throw new PayloadDecodeError(`payload is not acceptable msgpack: ${problem} (at byte ${position})`);
  };
  const need = (count: number): void => {
    if (count > end - position) fail('it ends early');
  };
  const length = (size: 1 | 2 | 4): number => {
    need(size);
    const value = size === 1 ? bytes[position] : size === 2 ? view.getUint16(position) : view.getUint32(position);
    position += size;
    return value;
  };
  const container = (count: number, map: boolean): void => {
    // Every item takes at least one byte: a larger count cannot be honest.
    if ((map ? count * 2 : count) > end - position) fail(`a ${map ? 'map' : 'array'} claims ${count} items`);
    if (open.length >= MSGPACK_MAX_DEPTH) fail(`it nests deeper than ${MSGPACK_MAX_DEPTH} levels`);
    if (count > 0) {
      open.push(map ? count * 2 : count);
      isMap.push(map);
    }
  };

  if (end === 0) fail('it is empty');
  const first = bytes[0];
  if (isExtension(first)) fail(extensionProblem(first));
  if (!((first >= 0x80 && first <= 0x8f) || first === 0xde || first === 0xdf))
    fail('the message is not a map of its properties');

  do {
    // A map's even items are keys: strings only, and never `__proto__`.
    const atKey = open.length > 0 && isMap[isMap.length - 1] && open[open.length - 1] % 2 === 0;
    if (open.length > 0) open[open.length - 1]--;
    need(1);
    const token = bytes[position++];
    if (atKey) {
      let size: number;
      if (token >= 0xa0 && token <= 0xbf) size = token - 0xa0;
      else if (token === 0xd9) size = length(1);
      else if (token === 0xda) size = length(2);
      else if (token === 0xdb) size = length(4);
      else fail('a map key is not a string');
      need(size!);
      if (size! === PROTO.length && PROTO.every((byte, index) => bytes[position + index] === byte))
        fail('a map has a "__proto__" key');
      position += size!;
    } else if (token <= 0x7f || token >= 0xe0 || token === 0xc0 || token === 0xc2 || token === 0xc3) {
      // fixint, nil, booleans: the token is the value
    } else if (token <= 0x8f) container(token - 0x80, true);
    else if (token <= 0x9f) container(token - 0x90, false);
    else if (token <= 0xbf) skip(token - 0xa0);
    else if (token === 0xc4 || token === 0xd9) skip(length(1));
    else if (token === 0xc5 || token === 0xda) skip(length(2));
    else if (token === 0xc6 || token === 0xdb) skip(length(4));
    else if (token === 0xca) skip(4);
    else if (token === 0xcb) skip(8);
    else if (token >= 0xcc && token <= 0xd3) skip(1 << (token & 0x03));
    else if (token === 0xdc) container(length(2), false);
    else if (token === 0xdd) container(length(4), false);
    else if (token === 0xde) container(length(2), true);
    else if (token === 0xdf) container(length(4), true);
    else if (token === 0xc1) fail('it holds the reserved byte 0xc1');
    else fail(extensionProblem(token));
    while (open.length > 0 && open[open.length - 1] === 0) {
      open.pop();
      isMap.pop();
    }
  } while (open.length > 0);
  if (position !== end) fail(`${end - position} bytes follow the message`);

  function skip(count: number): void {
    need(count);
    position += count;
  }
}

function isExtension(token: number): boolean {
  return (token >= 0xc7 && token <= 0xc9) || (token >= 0xd4 && token <= 0xd8);
}

function extensionProblem(token: number): string {
  return `it holds an extension type (token 0x${token.toString(16)}), which receivers never decode`;
}
