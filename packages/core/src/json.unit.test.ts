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

test('toJson writes what JSON.stringify with a bigint replacer writes, and leaves its input unchanged', () => {
  const replaced = (value: unknown) =>
    JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
  fc.assert(
    fc.property(
      fc.anything({ withBigInt: true, withDate: true, withMap: true, withBoxedValues: true }),
      (value) => {
        const before = replaced(value);
        expect(toJson(value)).toBe(before);
        expect(replaced(value)).toBe(before);
      },
    ),
  );
  const custom = { toJSON: (key: string) => ({ key, cents: 5n, at: new Date(0) }) };
  expect(toJson({ custom })).toBe(replaced({ custom }));
  const at = new Date(0);
  expect(toJson({ at, amounts: [1n, { cents: -2n }] })).toBe(
    '{"at":"1970-01-01T00:00:00.000Z","amounts":[{"$bigint":"1"},{"cents":{"$bigint":"-2"}}]}',
  );
});

test('toJson of very deep or cyclic values answers or fails as JSON.stringify does', () => {
  let deep: unknown = 5n;
  for (let i = 0; i < 200; i++) deep = [deep];
  expect(fromJson(toJson(deep))).toEqual(deep);
  const cyclic: Record<string, unknown> = { amount: 1n };
  cyclic.self = cyclic;
  expect(() => toJson(cyclic)).toThrow(/circular/);
});
