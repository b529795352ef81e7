import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FormatError, MAX_DEPTH, parseJsonStrict } from '../src/index.js';

function malformed(text: string, path?: string): FormatError {
  let caught: unknown;
  try {
    parseJsonStrict(text);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof FormatError, `expected MALFORMED_JSON for ${JSON.stringify(text.slice(0, 40))}`);
  assert.equal(caught.code, 'MALFORMED_JSON');
  assert.ok(!caught.message.includes('\n'), 'one-line message');
  if (path !== undefined) assert.equal(caught.path, path);
  return caught;
}

describe('parseJsonStrict', () => {
  test('given valid JSON, when parsed, then the value equals JSON.parse', () => {
    const text = '{"a":[1,2.5,-0,"x\\u00e9\\ud83d\\ude00",true,null,{"b":{}}],"c:d":"e:f","\\"q":"{:}"}';
    assert.deepEqual(parseJsonStrict(text), JSON.parse(text));
  });

  test('given a duplicate top-level name, when parsed, then MALFORMED_JSON names it', () => {
    const e = malformed('{"a":1,"b":2,"a":3}', '/a');
    assert.match(e.message, /duplicate property name "a"/);
  });

  test('given a duplicate nested name, when parsed, then the pointer leads to it', () => {
    malformed('{"x":{"y":[{"ok":1},{"a":1,"a":2}]}}', '/x/y/1/a');
  });

  test('given names that are equal only after unescaping, when parsed, then they are duplicates', () => {
    malformed('{"a":1,"\\u0061":2}', '/a');
  });

  test('given a repeated "__proto__", when parsed, then it is a duplicate', () => {
    malformed('{"__proto__":1,"__proto__":2}', '/__proto__');
  });

  test('given the same name in sibling objects, when parsed, then it is not a duplicate', () => {
    assert.deepEqual(parseJsonStrict('[{"a":1},{"a":2}]'), [{ a: 1 }, { a: 2 }]);
  });

  test('given an escaped lone surrogate in a value or a name, when parsed, then MALFORMED_JSON', () => {
    malformed('{"a":"\\ud800"}', '/a');
    malformed('["x","\\udfff"]', '/1');
    malformed('{"\\ud83d":1}');
  });

  test('given a raw lone surrogate in the text, when parsed, then MALFORMED_JSON', () => {
    malformed('{"a":"\ud800"}', '/a');
  });

  test('given a number that overflows a double, when parsed, then MALFORMED_JSON', () => {
    malformed('{"n":1e400}', '/n');
  });

  for (const [name, text] of [
    ['empty input', ''],
    ['a trailing comma', '{"a":1,}'],
    ['single quotes', "{'a':1}"],
    ['a byte order mark', '\ufeff{}'],
    ['a NaN literal', '{"a":NaN}'],
    ['two values', '{} {}'],
    ['a truncated object', '{"a":'],
  ] as const) {
    test(`given ${name}, when parsed, then MALFORMED_JSON with a one-line message`, () => {
      malformed(text);
    });
  }

  test(`given nesting deeper than ${MAX_DEPTH}, when parsed, then MALFORMED_JSON`, () => {
    malformed('['.repeat(MAX_DEPTH + 1) + ']'.repeat(MAX_DEPTH + 1));
  });
});
