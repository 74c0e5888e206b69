import type { RecordedEvent } from '@janus/core';
import { describe, expect, test } from 'vitest';
import { eventJson, toJsonText } from './json.js';

describe('toJsonText', () => {
  test('writes bigints as decimal strings, exactly', () => {
    expect(toJsonText({ position: 12345678901234567890n, nested: [1n, 'x'] }, 0)).toBe(
      '{"position":"12345678901234567890","nested":["1","x"]}',
    );
  });

  test('indents by default, one line with 0', () => {
    expect(toJsonText({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(toJsonText({ a: 1 }, 0)).toBe('{"a":1}');
  });
});

describe('eventJson', () => {
  test('every field of an event, data null when there is none', () => {
    const event: RecordedEvent = {
      id: 'e1',
      type: 'bank.Closed.v1',
      data: undefined,
      metadata: { userId: 'u1' },
      streamId: 'account-1',
      version: 4,
      position: 9n,
      recordedAt: '2025-01-01T00:00:00.000Z',
    };
    expect(JSON.parse(toJsonText(eventJson(event)))).toEqual({
      position: '9',
      streamId: 'account-1',
      version: 4,
      type: 'bank.Closed.v1',
      recordedAt: '2025-01-01T00:00:00.000Z',
      id: 'e1',
      data: null,
      metadata: { userId: 'u1' },
    });
  });
});
