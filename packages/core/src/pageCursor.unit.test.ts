import { describe, expect, test } from 'vitest';
import { ValidationError } from './errors.js';
import { decodeCursor, encodeCursor, pageFrom } from './pageCursor.js';

const ID = /^[a-z]{1,8}$/;

describe('page cursors', () => {
  test('a cursor gives back the key it was made from', () => {
    expect(decodeCursor(encodeCursor('tea'), ID)).toBe('tea');
  });

  test.each([
    ['not base64 of anything we made', 'bm9wZQ'],
    ['a key the pattern refuses', encodeCursor('TEA')],
    ['a key the pattern matches only in part', encodeCursor('tea|1')],
    ['another version', Buffer.from('v2:tea').toString('base64url')],
    ['padding added', `${encodeCursor('tea')}=`],
    ['empty', ''],
  ])('refuses %s with a ValidationError on cursor', (_, cursor) => {
    const error = (() => {
      try {
        decodeCursor(cursor, ID);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: 'cursor', message: 'is not a cursor this service made' },
    ]);
  });

  test('pages: the next cursor names the last item, and is null on the last page', () => {
    const rest = ['a', 'b', 'c', 'd', 'e'];
    const first = pageFrom(rest, 2, (x) => x);
    expect(first).toEqual({ items: ['a', 'b'], nextCursor: encodeCursor('b') });
    expect(pageFrom(rest.slice(4), 2, (x) => x)).toEqual({ items: ['e'], nextCursor: null });
    expect(pageFrom(rest.slice(3), 2, (x) => x)).toEqual({ items: ['d', 'e'], nextCursor: null });
  });
});
