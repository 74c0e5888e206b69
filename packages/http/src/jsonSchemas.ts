import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/**
 * Turns zod schemas into JSON Schemas for one OpenAPI document: schemas with an id (`.meta({ id })`)
 * and recursive ones become shared components, referenced as `#/components/schemas/<name>`.
 */
export class JsonSchemas {
  readonly components: Record<string, JsonSchema> = {};
  /** Each component as zod gave it, before its refs were rewritten: to tell an equal schema from another. */
  readonly #raw = new Map<string, JsonSchema>();

  /** `io`: 'input' for what clients send (before transforms), 'output' for what they get back. */
  of(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const converted = z.toJSONSchema(schema, {
      io,
      unrepresentable: 'any',
      target: 'draft-2020-12',
    }) as JsonSchema;
    const { $schema: _schema, $defs, ...root } = converted;
    const definitions = Object.entries(($defs ?? {}) as Record<string, JsonSchema>);
    const renamed = new Map<string, string>();
    const added: [string, JsonSchema][] = [];
    for (const [name, definition] of definitions) {
      const { component, isNew } = this.#name(name, definition, io);
      renamed.set(name, component);
      if (isNew) added.push([component, definition]);
    }
    for (const [component, definition] of added) {
      this.components[component] = rewriteRefs(definition, renamed) as JsonSchema;
    }
    return rewriteRefs(root, renamed) as JsonSchema;
  }

  /** The component name for a definition: its own, or a free variant when another schema has that name. */
  #name(name: string, definition: JsonSchema, io: 'input' | 'output'): { component: string; isNew: boolean } {
    const candidates = [name, `${name}${io === 'input' ? 'Input' : 'Output'}`];
    for (let i = 2; ; i++) {
      const candidate = candidates.shift() ?? `${name}${i}`;
      const existing = this.#raw.get(candidate);
      if (existing === undefined) {
        this.#raw.set(candidate, definition);
        return { component: candidate, isNew: true };
      }
      if (isDeepStrictEqual(existing, definition)) return { component: candidate, isNew: false };
    }
  }
}

function rewriteRefs(value: unknown, renamed: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, renamed));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => {
      if (key === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')) {
        const name = v.slice('#/$defs/'.length);
        return [key, `#/components/schemas/${renamed.get(name) ?? name}`];
      }
      return [key, rewriteRefs(v, renamed)];
    }),
  );
}
