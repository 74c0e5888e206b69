import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { SafeText, refineSafeJson, unsafeStrings, unsafeText } from './safeText.js';

describe('unsafeText', () => {
  test.each([
    ['\ud800', /lone surrogate/],
    ['ab\udfff', /lone surrogate/],
    ['\ude00\ud83d', /lone surrogate/],
    ...['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'].map(
      (c): [string, RegExp] => [`x${c}y`, /bidirectional/],
    ),
  ])('%j is refused', (text, reason) => {
    expect(unsafeText(text)).toMatch(reason);
    expect(SafeText.safeParse(text).success).toBe(false);
  });

  test.each([
    '',
    'Rent',
    'coffee \ud83d\ude00',
    'שכר דירה',
    'a\u200db',
    'a\u200fb',
    '\u2029',
    '\u2065\u206a',
  ])('%j is text', (text) => {
    expect(unsafeText(text)).toBeUndefined();
    expect(SafeText.parse(text)).toBe(text);
  });
});

describe('unsafe strings in JSON', () => {
  test('every unsafe key and value is named by its path', () => {
    expect(
      unsafeStrings({ ok: 'fine', title: 'a\u202eb', list: ['x', '\ud800'], ['k\u2066']: 1, deep: { n: 1 } }),
    ).toEqual([
      { path: ['title'], message: expect.stringMatching(/bidirectional/) as unknown },
      { path: ['list', 1], message: expect.stringMatching(/surrogate/) as unknown },
      { path: ['k\u2066'], message: expect.stringMatching(/^its key .*bidirectional/) as unknown },
    ]);
  });

  test('as a zod refinement, the issues carry the paths', () => {
    const schema = z.object({ properties: z.record(z.string(), z.json()).superRefine(refineSafeJson) });
    const result = schema.safeParse({ properties: { a: { b: '\udc00' } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['properties', 'a', 'b']]);
  });
});
