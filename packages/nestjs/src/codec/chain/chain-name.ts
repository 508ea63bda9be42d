import { SerializerChainError } from './serializer-chain.error';

/** Separates the parts of a chain: `json+deflate` is the `json` serializer, then the `deflate` stage. */
export const CHAIN_SEPARATOR = '+';

/**
 * The most parts a chain may have: a payload serializer and up to three stages (compression,
 * encryption, one more). Receivers refuse longer chains before looking any part up, so a frame
 * cannot make them run a stage over and over.
 */
export const MAX_CHAIN_PARTS = 4;

const PART = /^[A-Za-z0-9._-]+$/;

/** Whether a serializer or stage name can be a part of a chain: letters, digits, `.`, `_` and `-`. */
export function isChainPartName(name: string): boolean {
  return PART.test(name);
}

/** What is wrong with a chain's spelling, or undefined; registries are not consulted. */
export function chainSpellingProblem(chain: string): string | undefined {
  const parts = chain.split(CHAIN_SEPARATOR);
  if (parts.length > MAX_CHAIN_PARTS)
    return `has ${parts.length} parts; a chain is a serializer and at most ${MAX_CHAIN_PARTS - 1} stages`;
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index];
    if (!PART.test(part))
      return part === ''
        ? 'has an empty part: write parts joined by single "+", e.g. "json+deflate"'
        : `has a part "${part}" with characters other than letters, digits, ".", "_" and "-"`;
    if (parts.indexOf(part) !== index) return `names "${part}" twice: each stage runs at most once`;
  }
  return undefined;
}

/** The parts of a well-spelled chain; throws `SerializerChainError` otherwise. */
export function chainParts(chain: string): string[] {
  const problem = chainSpellingProblem(chain);
  if (problem !== undefined) throw new SerializerChainError(chain, problem);
  return chain.split(CHAIN_SEPARATOR);
}

/** The payload serializer's name: the first part of a chain. */
export function payloadSerializerOf(chain: string): string {
  const end = chain.indexOf(CHAIN_SEPARATOR);
  return end < 0 ? chain : chain.slice(0, end);
}
