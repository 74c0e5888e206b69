// JSON bodies without duplicate keys. JSON.parse keeps the last of two equal keys, so
// `{"amount":"1","amount":"5000"}` would deposit 5000 while a proxy, a log or a signature that reads the
// first one sees 1: a body that says two things is refused instead.
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

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/**
 * Replaces the app's `application/json` parser with Fastify's own (same errors for malformed or empty
 * bodies, same prototype-poisoning refusal) followed by the duplicate-key check: a 400 naming the key.
 */
export function useStrictJson(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
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
