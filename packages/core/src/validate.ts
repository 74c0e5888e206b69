import { ValidationError, type ValidationIssue } from './errors.js';
import type { InferOutput, StandardIssue, StandardSchemaV1 } from './standardSchema.js';

/** Validates `value` against any Standard Schema; throws a ValidationError listing every issue. */
export async function validate<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  what = 'input',
): Promise<InferOutput<S>> {
  const result = await schema['~standard'].validate(value);
  if (result.issues) {
    const issues = result.issues.map(toIssue);
    const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    throw new ValidationError(`invalid ${what}: ${summary}`, issues);
  }
  return result.value;
}

function toIssue(issue: StandardIssue): ValidationIssue {
  const path = (issue.path ?? [])
    .map((segment) => String(typeof segment === 'object' ? segment.key : segment))
    .join('.');
  return { path, message: issue.message };
}
