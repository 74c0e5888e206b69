// JSON bodies without duplicate keys. JSON.parse keeps the last of two equal keys, so
// `{"amount":"1","amount":"5000"}` would deposit 5000 while a proxy, a log or a signature that reads the
// first one sees 1: a body that says two things is refused instead. Nor nested deeper than any request
// needs: 64 KiB of `[` is 65,536 levels, and every step after the parser (the schema's checks, the
// canonical JSON of a key's fingerprint) recurses once per level.
import { ValidationError } from '@janus/core';
import type { FastifyInstance } from 'fastify';

type Frame =
  | {
      readonly kind: 'object';
      readonly name: string;
      readonly keys: Set<string>;
      key: string;
      expectKey: boolean;
    }
  | { readonly kind: 'array'; readonly name: string; index: number };

/**
 * The dotted path (`items.0.sku`) of the first key that appears twice in one object of `text`, or
 * undefined. `text` must already be valid JSON (JSON.parse accepted it): this only follows its structure.
 * Keys are compared as JSON.parse decodes them, so `"a"` and `"\u0061"` are the same key.
 */
export function duplicateKey(text: string): string | undefined {
  const frames: Frame[] = [];
  const nameOfNext = () => {
    const parent = frames.at(-1);
    if (!parent) return '';
    return parent.kind === 'object' ? parent.key : String(parent.index);
  };
  const pathTo = (key: string) => [...frames.slice(1).map((f) => f.name), key].join('.');
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = i + 1;
      while (text.charCodeAt(end) !== QUOTE) end += text.charCodeAt(end) === BACKSLASH ? 2 : 1;
      const top = frames.at(-1);
      if (top?.kind === 'object' && top.expectKey) {
        const raw = text.slice(i, end + 1);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.keys.has(key)) return pathTo(key);
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = end;
    } else if (c === OPEN_BRACE) {
      frames.push({ kind: 'object', name: nameOfNext(), keys: new Set(), key: '', expectKey: true });
    } else if (c === OPEN_BRACKET) {
      frames.push({ kind: 'array', name: nameOfNext(), index: 0 });
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      frames.pop();
    } else if (c === COMMA) {
      const top = frames.at(-1);
      if (top?.kind === 'object') top.expectKey = true;
      else if (top) top.index += 1;
    }
  }
  return undefined;
}

/** How deep objects and arrays may nest in a request body: far more than any request of ours needs. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether `text` nests objects and arrays deeper than `max` levels: a linear scan that recurses nowhere
 * and ends on any text, valid JSON or not (run it before the parser).
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i++;
      while (i < text.length && text.charCodeAt(i) !== QUOTE) i += text.charCodeAt(i) === BACKSLASH ? 2 : 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/**
 * Replaces the app's `application/json` parser with Fastify's own (same errors for malformed or empty
 * bodies, same prototype-poisoning refusal), preceded by the nesting check (deeper than MAX_JSON_DEPTH:
 * a 400, never parsed) and followed by the duplicate-key check: a 400 naming the key.
 */
export function useStrictJson(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
      done(
        new ValidationError(`invalid body: objects and arrays nest deeper than ${MAX_JSON_DEPTH} levels`, [
          { path: '', message: `nests deeper than ${MAX_JSON_DEPTH} levels` },
        ]),
        undefined,
      );
      return;
    }
    // Fastify's parser answers through `done`, synchronously.
    void parse(request, text, (error, value) => {
      if (error) {
        done(error, undefined);
        return;
      }
      const duplicate = duplicateKey(text);
      if (duplicate === undefined) {
        done(null, value);
        return;
      }
      done(
        new ValidationError(`invalid body: the key '${duplicate}' appears twice`, [
          { path: duplicate, message: 'appears twice: each key may appear once in its object' },
        ]),
        undefined,
      );
    });
  });
}
