// Free text people send (descriptions, names, reasons) must show what it says. Two kinds of characters
// do not: a lone surrogate (half of a UTF-16 pair: no UTF-8 text can hold it, so every copy of it differs)
// and the bidirectional controls that reorder what is shown (U+202E makes "Rent 0001" read as "Rent 1000",
// the "Trojan Source" trick). Every service refuses both with a 400 naming the field.
import { z } from 'zod';

// With the `u` flag a surrogate pair is one code point, so only lone halves match.
const LONE_SURROGATE = /\p{Cs}/u;
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

export const LONE_SURROGATE_MESSAGE = 'must not contain a lone surrogate (half of a UTF-16 pair)';
export const BIDI_CONTROL_MESSAGE =
  'must not contain bidirectional control characters (U+202A to U+202E, U+2066 to U+2069)';

/** Why `text` is not safe to keep and show, or undefined when it is. */
export function unsafeText(text: string): string | undefined {
  if (LONE_SURROGATE.test(text)) return LONE_SURROGATE_MESSAGE;
  if (BIDI_CONTROL.test(text)) return BIDI_CONTROL_MESSAGE;
  return undefined;
}

/** A string without lone surrogates or bidirectional controls: the start of every free-text field. */
export const SafeText = z
  .string()
  .refine((text) => !LONE_SURROGATE.test(text), LONE_SURROGATE_MESSAGE)
  .refine((text) => !BIDI_CONTROL.test(text), BIDI_CONTROL_MESSAGE);

/**
 * Every string in a JSON value (keys and values, at any depth) that is not safe text, with its path:
 * for free-form JSON such as analytics properties. Use it in a zod `superRefine`.
 */
export function unsafeStrings(
  value: unknown,
  path: readonly (string | number)[] = [],
): { readonly path: (string | number)[]; readonly message: string }[] {
  if (typeof value === 'string') {
    const message = unsafeText(value);
    return message === undefined ? [] : [{ path: [...path], message }];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => unsafeStrings(item, [...path, index]));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const message = unsafeText(key);
    const here = message === undefined ? [] : [{ path: [...path, key], message: `its key ${message}` }];
    return [...here, ...unsafeStrings(item, [...path, key])];
  });
}

/** A zod refinement adding an issue for every unsafe string of a JSON value (see unsafeStrings). */
export function refineSafeJson(value: unknown, context: z.RefinementCtx): void {
  for (const { path, message } of unsafeStrings(value)) context.addIssue({ code: 'custom', path, message });
}
