/**
 * Top-level keys that occur more than once in a JSON line. pino does not merge a child's
 * bindings with a line's own fields; it writes both, and readers disagree on which one wins.
 */
export function duplicateKeys(line: string): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  let depth = 0;
  let index = 0;
  while (index < line.length) {
    const char = line[index];
    if (char === '"') {
      const end = endOfString(line, index);
      const token = JSON.parse(line.slice(index, end + 1)) as string;
      if (depth === 1 && line[end + 1] === ':') {
        if (seen.has(token)) duplicates.add(token);
        seen.add(token);
      }
      index = end + 1;
      continue;
    }
    if (char === '{' || char === '[') depth++;
    if (char === '}' || char === ']') depth--;
    index++;
  }
  return [...duplicates];
}

function endOfString(line: string, start: number): number {
  let index = start + 1;
  while (line[index] !== '"') index += line[index] === '\\' ? 2 : 1;
  return index;
}
