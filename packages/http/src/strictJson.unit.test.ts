import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { duplicateKey } from './strictJson.js';

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
