import { expect, test } from 'vitest';
import { correlationId } from './correlationId.js';

test("the client's id when it is a plain token, else a new UUID", () => {
  expect(correlationId('req-123')).toBe('req-123');
  expect(correlationId(['a-1', 'b-2'])).toBe('a-1');
  for (const bad of [undefined, '', 'with space', 'new\nline', 'x'.repeat(129), '{"json":1}']) {
    expect(correlationId(bad)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  }
});
