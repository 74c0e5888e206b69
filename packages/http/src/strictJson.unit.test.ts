import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MAX_JSON_DEPTH, duplicateKey, nestsDeeperThan } from './strictJson.js';

describe('duplicateKey', () => {
  test.each([
    ['{"amount":"1","amount":"5000"}', 'amount'],
    ['{"a":{"b":1,"c":2,"b":3}}', 'a.b'],
    ['{"items":[{"sku":"x"},{"sku":"y","sku":"z"}]}', 'items.1.sku'],
    ['[[1,2],{"k":1,"k":1}]', '1.k'],
    ['{"a":"\\"a\\":1,","a":2}', 'a'],
    ['{"a":1,"\\u0061":2}', 'a'],
    ['{ "a" : 1 , "b" : { "a" : 2 } , "a" : 3 }', 'a'],
    ['{"":1,"":2}', ''],
  ])('%s has a duplicate at %s', (text, path) => {
    JSON.parse(text); // valid JSON, as the parser guarantees
    expect(duplicateKey(text)).toBe(path);
  });

  test.each([
    '{"a":1,"b":{"a":1},"c":[{"a":1},{"a":1}]}',
    '{"a":"a","b":"\\\\","c":"{\\"a\\":1,\\"a\\":2}"}',
    '"a"',
    '[]',
    '{}',
    '{"a":[],"b":{},"c":null}',
  ])('%s has none', (text) => {
    JSON.parse(text);
    expect(duplicateKey(text)).toBeUndefined();
  });

  test('no JSON.stringify output has one; adding a key again anywhere is found', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        expect(duplicateKey(text)).toBeUndefined();
        // Repeat the first key of the first non-empty object: `{"k":v,` becomes `{"k":v,"k":v,`.
        const match = /\{("(?:[^"\\]|\\.)*"):/.exec(text);
        if (!match) return;
        const key = JSON.parse(match[1] ?? '""') as string;
        const doubled = text.replace(/^([\s\S]*?\{)("(?:[^"\\]|\\.)*":)/, `$1$2null,$2`);
        const path = duplicateKey(doubled) ?? 'none';
        expect(path === key || path.endsWith(`.${key}`), `${path} in ${doubled}`).toBe(true);
      }),
    );
  });
});

describe('nestsDeeperThan', () => {
  const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
  test('64 levels of objects or arrays pass, 65 do not', () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan('['.repeat(65) + ']'.repeat(65), 64)).toBe(true);
    expect(nestsDeeperThan('[{"a":['.repeat(21) + ']}]'.repeat(21), 64)).toBe(false);
    expect(nestsDeeperThan('[{"a":['.repeat(22) + ']}]'.repeat(22), 64)).toBe(true);
  });

  test('brackets inside strings do not count, escaped quotes do not end them', () => {
    expect(nestsDeeperThan(JSON.stringify({ a: '['.repeat(1000) }), 2)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ a: '\\"[[[[' }), 1)).toBe(false);
    expect(nestsDeeperThan(`["\\"${'['.repeat(10)}"]`, 1)).toBe(false);
  });

  test('siblings do not add up: depth, not count', () => {
    expect(nestsDeeperThan(JSON.stringify(Array.from({ length: 1000 }, () => [[1]])), 3)).toBe(false);
  });

  test('ends on any text, valid JSON or not (it runs before the parser)', () => {
    for (const text of ['"', '"\\', '[[[', ']]]]', '{"a":"[[[', '\\"', '']) {
      expect(typeof nestsDeeperThan(text, 2)).toBe('boolean');
    }
    expect(nestsDeeperThan('[[[ "unterminated', 2)).toBe(true);
  });

  test('agrees with the depth of any JSON value', () => {
    const depth = (v: unknown): number =>
      v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depth)) : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 8 }), (value, max) => {
        expect(nestsDeeperThan(JSON.stringify(value), max)).toBe(depth(value) > max);
      }),
    );
  });
});
