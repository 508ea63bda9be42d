import { PlaceholderConversionError } from './placeholder-conversion.error';

/** A statement in Knex's raw form: `?` placeholders, values in order of appearance. */
export interface QuestionMarkStatement {
  readonly text: string;
  readonly bindings: unknown[];
}

/**
 * Rewrites a `$1, $2, …` statement for Knex's `raw(text, bindings)`, which binds `?` by position:
 * each `$n` becomes `?` with values[n-1] appended (so a repeated `$n` is bound twice), and every
 * `?` already in the text is written as `\?`, which Knex sends as a plain `?` (the jsonb `?`
 * operators, a `?` in a string). `$n` inside string literals, quoted identifiers, dollar quotes
 * and comments is text, not a placeholder, so the scan skips those. Values are still bound by
 * the driver, never spliced into the text.
 */
export function toQuestionMarks(text: string, values: readonly unknown[]): QuestionMarkStatement {
  const bindings: unknown[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    const next = text[i + 1];
    if (char === "'" || char === '"') {
      const end = endOfQuoted(text, i, char, char === "'" && isEscapeString(text, i));
      out += escapeQuestionMarks(text.slice(i, end));
      i = end;
    } else if (char === '-' && next === '-') {
      const newline = text.indexOf('\n', i);
      const end = newline === -1 ? text.length : newline;
      out += escapeQuestionMarks(text.slice(i, end));
      i = end;
    } else if (char === '/' && next === '*') {
      const end = endOfBlockComment(text, i);
      out += escapeQuestionMarks(text.slice(i, end));
      i = end;
    } else if (char === '$' && !isIdentifierChar(text[i - 1])) {
      const digits = /^\$(\d+)/.exec(text.slice(i));
      if (digits) {
        const position = Number(digits[1]);
        if (position < 1 || position > values.length)
          throw new PlaceholderConversionError(`$${position} has no value (${values.length} given)`);
        const value = values[position - 1];
        bindings.push(value === undefined ? null : value);
        out += '?';
        i += digits[0].length;
        continue;
      }
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i));
      if (tag) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        const end = close === -1 ? text.length : close + tag[0].length;
        out += escapeQuestionMarks(text.slice(i, end));
        i = end;
      } else {
        out += char;
        i += 1;
      }
    } else {
      out += escapeQuestionMarks(char);
      i += 1;
    }
  }
  return { text: out, bindings };
}

/** Knex reads `\?` as an escaped `?`; a backslash already before a `?` would make it a placeholder. */
function escapeQuestionMarks(chunk: string): string {
  if (/\\\?/.test(chunk)) throw new PlaceholderConversionError('the text has a backslash right before a `?`');
  return chunk.replace(/\?/g, '\\?');
}

function isIdentifierChar(char: string | undefined): boolean {
  return char !== undefined && /[A-Za-z0-9_$]/.test(char);
}

/** `E'…'` strings take backslash escapes, so `\'` does not end them. */
function isEscapeString(text: string, quote: number): boolean {
  return (text[quote - 1] === 'E' || text[quote - 1] === 'e') && !isIdentifierChar(text[quote - 2]);
}

function endOfQuoted(text: string, start: number, quote: string, backslashEscapes: boolean): number {
  for (let i = start + 1; i < text.length; i++) {
    if (backslashEscapes && text[i] === '\\') {
      i += 1;
    } else if (text[i] === quote) {
      if (text[i + 1] === quote) i += 1;
      else return i + 1;
    }
  }
  return text.length;
}

/** PostgreSQL block comments nest. */
function endOfBlockComment(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length - 1; i++) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth += 1;
      i += 1;
    } else if (text[i] === '*' && text[i + 1] === '/') {
      depth -= 1;
      i += 1;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}
