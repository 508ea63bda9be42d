import { PlaceholderConversionError } from '@smart-message/postgres';
import { toQuestionMarks } from '../../src/transaction/question-mark-placeholders';

// Knex binds `?` by position and sends `\?` as a literal `?`; these pin the rewrite from `$n`
// (knex.spec.ts and mikro-orm.spec.ts run a statement through it on the real server).
describe('toQuestionMarks', () => {
  it.each<[string, string, unknown[], string, unknown[]]>([
    ['in order', 'SELECT $1, $2', ['a', 'b'], 'SELECT ?, ?', ['a', 'b']],
    ['out of order and repeated', 'SELECT $2, $1, $2', ['a', 'b'], 'SELECT ?, ?, ?', ['b', 'a', 'b']],
    ['two digits', 'SELECT $10', [...Array(9).fill(0), 'ten'], 'SELECT ?', ['ten']],
    ['undefined bound as null', 'SELECT $1', [undefined], 'SELECT ?', [null]],
    ['a ? outside quotes (jsonb operator)', "SELECT $1::jsonb ? 'k'", ['{}'], "SELECT ?::jsonb \\? 'k'", ['{}']],
    ['$n and ? in a string literal', "SELECT '$1 ?', $1", ['a'], "SELECT '$1 \\?', ?", ['a']],
    ["a doubled '' in a string", "SELECT 'it''s $1', $1", ['a'], "SELECT 'it''s $1', ?", ['a']],
    ["an E string with \\' escapes", "SELECT E'\\'$1', $1", ['a'], "SELECT E'\\'$1', ?", ['a']],
    ['a quoted identifier', 'SELECT 1 AS "$1", $1', ['a'], 'SELECT 1 AS "$1", ?', ['a']],
    [
      'a dollar-quoted body',
      'DO $body$ SELECT $1 $body$; SELECT $1',
      ['a'],
      'DO $body$ SELECT $1 $body$; SELECT ?',
      ['a'],
    ],
    ['an anonymous dollar quote', 'SELECT $$ $1 $$, $1', ['a'], 'SELECT $$ $1 $$, ?', ['a']],
    [
      'line and nested block comments',
      'SELECT $1 -- $2\n/* $2 /* $2 */ $2 */',
      ['a'],
      'SELECT ? -- $2\n/* $2 /* $2 */ $2 */',
      ['a'],
    ],
    ['$ inside an identifier', 'SELECT a$1 FROM t WHERE x = $1', ['a'], 'SELECT a$1 FROM t WHERE x = ?', ['a']],
  ])('%s', (_name, text, values, expectedText, expectedBindings) => {
    expect(toQuestionMarks(text, values)).toEqual({ text: expectedText, bindings: expectedBindings });
  });

  it.each([
    ['a placeholder with no value', 'SELECT $2', ['a']],
    ['$0', 'SELECT $0', ['a']],
    ['a backslash before a ?', "SELECT E'\\?'", []],
  ])('refuses %s, sending nothing', (_name, text, values) => {
    expect(() => toQuestionMarks(text, values)).toThrow(PlaceholderConversionError);
  });
});
