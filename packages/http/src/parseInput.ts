import { ValidationError, type ValidationIssue } from '@janus/core';
import { z } from 'zod';

/**
 * The schema as the adapter uses it: a plain (stripping) top-level object becomes strict, so that an
 * unknown field is a 400 instead of silently ignored. An explicit `z.looseObject` stays loose; nested
 * objects are the schema author's (use `z.strictObject` there too).
 */
export function strictTopLevel<S extends z.ZodType>(schema: S): S {
  if (schema instanceof z.ZodObject && schema.def.catchall === undefined)
    return schema.strict() as unknown as S;
  return schema;
}

/** Parses request input (`where`: 'body', 'params', 'query') with a zod schema; a ValidationError lists every issue. */
export async function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string,
): Promise<z.output<S>> {
  const result = await schema.safeParseAsync(value);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap(toIssues);
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new ValidationError(`invalid ${where}: ${summary}`, issues);
}

function toIssues(issue: z.core.$ZodIssue): ValidationIssue[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: 'unknown field' }));
  }
  return [{ path: path.join('.'), message: issue.message }];
}
