import { isValidationError } from '@janus/core';
import { expect, test } from 'vitest';
import { z } from 'zod';
import { parseInput, strictTopLevel } from './parseInput.js';

const issuesOf = async (promise: Promise<unknown>) => {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isValidationError(error)) throw new Error('expected a ValidationError');
  return error.issues;
};

test('a plain object schema becomes strict; an explicitly loose one stays loose', async () => {
  const strict = strictTopLevel(z.object({ a: z.string() }));
  expect(await issuesOf(parseInput(strict, { a: 'x', b: 1, c: 2 }, 'body'))).toEqual([
    { path: 'b', message: 'unknown field' },
    { path: 'c', message: 'unknown field' },
  ]);
  const loose = strictTopLevel(z.looseObject({ a: z.string() }));
  expect(await parseInput(loose, { a: 'x', b: 1 }, 'body')).toEqual({ a: 'x', b: 1 });
  const notAnObject = z.string();
  expect(strictTopLevel(notAnObject)).toBe(notAnObject);
});

test('every issue, with dotted paths; the parsed (transformed) value on success', async () => {
  const schema = z.strictObject({
    amount: z.string().transform((s) => BigInt(s)),
    to: z.strictObject({ id: z.string() }),
  });
  expect(await issuesOf(parseInput(schema, { amount: 5, to: { id: 1, x: 0 } }, 'body'))).toEqual([
    { path: 'amount', message: expect.stringContaining('string') as unknown },
    { path: 'to.id', message: expect.stringContaining('string') as unknown },
    { path: 'to.x', message: 'unknown field' },
  ]);
  expect(await parseInput(schema, { amount: '5', to: { id: 'a' } }, 'body')).toEqual({
    amount: 5n,
    to: { id: 'a' },
  });
});
