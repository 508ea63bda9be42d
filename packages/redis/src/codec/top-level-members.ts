/**
 * How many members of the top-level object of `json` (valid JSON text of an object) are named
 * `name`, counting no further than `limit + 1`. JSON.parse keeps only the last of duplicated
 * members, so this reads the text itself. Costs one or two `indexOf` when the name appears at
 * most `limit` times literally and the text has no `\u` escape (JSON.stringify writes none for
 * ASCII names): a name can only be spelled otherwise with `\u` escapes.
 */
export function countTopLevelMembers(json: string, name: string, limit: number): number {
  const literal = JSON.stringify(name);
  let occurrences = 0;
  for (let at = json.indexOf(literal); at >= 0 && occurrences <= limit; at = json.indexOf(literal, at + 1))
    occurrences++;
  if (occurrences <= limit && !json.includes('\\u')) return occurrences;
  return scanTopLevelMembers(json, name, limit);
}

function scanTopLevelMembers(json: string, name: string, limit: number): number {
  let count = 0;
  let depth = 0;
  let expectingKey = false;
  for (let at = 0; at < json.length; at++) {
    const char = json.charCodeAt(at);
    if (char === QUOTE) {
      const end = stringEnd(json, at);
      if (depth === 1 && expectingKey && (JSON.parse(json.slice(at, end + 1)) as string) === name) {
        count++;
        if (count > limit) return count;
      }
      expectingKey = false;
      at = end;
    } else if (char === OPEN_BRACE) {
      depth++;
      expectingKey = depth === 1;
    } else if (char === OPEN_BRACKET) {
      depth++;
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      depth--;
    } else if (char === COMMA && depth === 1) {
      expectingKey = true;
    }
  }
  return count;
}

/** Index of the quote that closes the string opening at `start`. */
function stringEnd(json: string, start: number): number {
  for (let at = start + 1; at < json.length; at++) {
    const char = json.charCodeAt(at);
    if (char === BACKSLASH) at++;
    else if (char === QUOTE) return at;
  }
  return json.length - 1;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
