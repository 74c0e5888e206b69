import fc from 'fast-check';
import { expect, test } from 'vitest';
import { fromJson, toJson } from './json.js';

test('bigints round-trip exactly, at any size', () => {
  fc.assert(
    // Normalized through JSON first: JSON itself cannot keep -0, which is not what this test is about.
    fc.property(
      fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown),
      fc.bigInt(),
      (value, big) => {
        const input = { value, big, nested: [big, { big }] };
        expect(fromJson(toJson(input))).toEqual(input);
      },
    ),
  );
});

test('an object that merely looks tagged but has more keys stays an object', () => {
  expect(fromJson('{"$bigint":"1","other":2}')).toEqual({ $bigint: '1', other: 2 });
});

test('a tag spelled with JSON escapes is still a bigint, as JSON.parse reads it', () => {
  expect(fromJson('{"a":[{"\\u0024bigint":"-12"}],"b":{"\\u0024bigint":"x","c":1}}')).toEqual({
    a: [-12n],
    b: { $bigint: 'x', c: 1 },
  });
});

test('only a string under the tag is a bigint', () => {
  expect(fromJson('{"$bigint":{"$bigint":"7"}}')).toEqual({ $bigint: 7n });
  expect(fromJson('[{"$bigint":7},{"$bigint":"7"}]')).toEqual([{ $bigint: 7 }, 7n]);
});
