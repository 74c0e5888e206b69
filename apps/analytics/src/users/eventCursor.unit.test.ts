import { ValidationError } from '@janus/core';
import { expect, test } from 'vitest';
import { decodeEventCursor, encodeEventCursor } from './eventCursor.js';

test('a cursor names the place it was made from', () => {
  for (const place of [
    { atMs: 0, position: 1 },
    { atMs: 1_767_607_230_000, position: 42 },
    { atMs: 253_402_300_799_999, position: Number.MAX_SAFE_INTEGER },
  ]) {
    expect(decodeEventCursor(encodeEventCursor(place))).toEqual(place);
  }
});

test('anything else is a ValidationError on cursor', () => {
  const made = (text: string) => Buffer.from(text).toString('base64url');
  for (const cursor of [
    '',
    'abc',
    made('v1:10'),
    made('v2:10:1'),
    made('v1:-1:1'),
    made('v1:10:0'),
    made('v1:010:1'),
    made('v1:10:99999999999999999'),
    `${encodeEventCursor({ atMs: 10, position: 1 })}=`,
  ]) {
    expect(() => decodeEventCursor(cursor), cursor).toThrow(ValidationError);
  }
});
