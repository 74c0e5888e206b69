import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { isValidationError, ValidationError } from './errors.js';
import { command, event, query, returns, type MessageOf } from './message.js';

const AddItem = command(
  'shop.AddItem',
  z.object({ cartId: z.string().min(1), quantity: z.number().int().positive() }),
);
const GetCart = query('shop.GetCart', z.object({ cartId: z.string() }), returns<{ items: number }>());
const ItemAdded = event('shop.ItemAdded.v1', z.object({ cartId: z.string(), quantity: z.number() }));

describe('message definitions', () => {
  test('one declaration gives a factory that fills in every metadata field', () => {
    const message = AddItem({ cartId: 'c1', quantity: 2 });
    expect(message.type).toBe('shop.AddItem');
    expect(message.data).toEqual({ cartId: 'c1', quantity: 2 });
    expect(message.metadata.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(message.metadata.correlationId).toBe(message.metadata.messageId);
    expect(message.metadata.causationId).toBeNull();
    expect(message.metadata.principal).toBeNull();
    expect(new Date(message.metadata.timestamp).toISOString()).toBe(message.metadata.timestamp);
  });

  test('made message ids are time-ordered UUIDs (v7), so the event ids derived from them index well', () => {
    const first = AddItem({ cartId: 'c1', quantity: 1 }).metadata.messageId;
    const later = AddItem({ cartId: 'c1', quantity: 1 }).metadata.messageId;
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(later.slice(0, 13) >= first.slice(0, 13)).toBe(true);
    expect(later).not.toBe(first);
  });

  test('given metadata is kept', () => {
    const principal = { id: 'alice', roles: ['customer'] };
    const message = GetCart(
      { cartId: 'c1' },
      {
        messageId: 'm1',
        correlationId: 'corr',
        causationId: 'cause',
        principal,
        timestamp: '2026-01-01T00:00:00.000Z',
      },
    );
    expect(message.metadata).toEqual({
      messageId: 'm1',
      correlationId: 'corr',
      causationId: 'cause',
      principal,
      timestamp: '2026-01-01T00:00:00.000Z',
    });
  });

  test('events are plain type and data: deciders stay deterministic', () => {
    expect(ItemAdded({ cartId: 'c1', quantity: 1 })).toEqual({
      type: 'shop.ItemAdded.v1',
      data: { cartId: 'c1', quantity: 1 },
    });
  });

  test('validate returns the parsed data or a ValidationError with paths', async () => {
    await expect(AddItem.validate({ cartId: 'c1', quantity: 3 })).resolves.toEqual({
      cartId: 'c1',
      quantity: 3,
    });
    const error: unknown = await AddItem.validate({ cartId: '', quantity: -1 }).catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['cartId', 'quantity']);
    expect((error as ValidationError).message).toContain('command shop.AddItem');
  });

  test('is() recognizes messages of its type', () => {
    expect(AddItem.is(AddItem({ cartId: 'c', quantity: 1 }))).toBe(true);
    expect(AddItem.is(GetCart({ cartId: 'c' }))).toBe(false);
  });

  test('kinds and names are part of the definition', () => {
    expect([AddItem.kind, GetCart.kind, ItemAdded.kind]).toEqual(['command', 'query', 'event']);
    expect(() => event('has spaces', z.object({}))).toThrow(/invalid message type name/);
  });

  test('types flow from the schema', () => {
    const message: MessageOf<typeof AddItem> = AddItem({ cartId: 'c', quantity: 1 });
    // @ts-expect-error quantity must be a number
    AddItem({ cartId: 'c', quantity: '1' });
    expect(message.data.quantity).toBe(1);
  });
});
