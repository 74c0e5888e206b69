import { InMemoryEventStore, handleCommand } from '@janus/core';
import { given } from '@janus/core/testing';
import { describe, expect, test } from 'vitest';
import {
  AddStock,
  ReleaseStock,
  ReserveStock,
  StockAdded,
  StockReleased,
  StockReservationFailed,
  StockReserved,
  inventory,
} from './inventory.js';

const at = '2026-05-01T10:00:00.000Z';
const metadata = { timestamp: at };
const productId = 'apple';
const stocked = (quantity: number, available = quantity) =>
  StockAdded({ productId, quantity, available, at });
const reserved = (orderId: string, quantity: number, available: number, revision = 1) =>
  StockReserved({ productId, orderId, revision, quantity, available, at });
const reserve = (orderId: string, quantity: number, revision = 1) =>
  ReserveStock({ productId, orderId, revision, quantity }, metadata);
const release = (orderId: string, revision = 1) => ReleaseStock({ productId, orderId, revision }, metadata);

describe('inventory', () => {
  test('stock is added to what is available', () => {
    given(inventory, [stocked(5)])
      .when(AddStock({ productId, quantity: 3 }, metadata))
      .then([stocked(3, 8)]);
  });

  test('a reservation within what is available is made', () => {
    given(inventory, [stocked(5)])
      .when(reserve('o1', 2))
      .then([reserved('o1', 2, 3)]);
  });

  test('a reservation beyond what is available fails as an event, never as a refusal', () => {
    given(inventory, [stocked(5), reserved('o1', 4, 1)])
      .when(reserve('o2', 2))
      .then([
        StockReservationFailed({ productId, orderId: 'o2', revision: 1, quantity: 2, available: 1, at }),
      ]);
  });

  test('the same reservation asked twice is made once', () => {
    given(inventory, [stocked(5), reserved('o1', 2, 3)])
      .when(reserve('o1', 2))
      .then([]);
  });

  test('another revision of the same order is another reservation', () => {
    given(inventory, [stocked(5), reserved('o1', 2, 3)])
      .when(reserve('o1', 1, 2))
      .then([reserved('o1', 1, 2, 2)]);
  });

  test('a release gives the units back, once', () => {
    given(inventory, [stocked(5), reserved('o1', 2, 3)])
      .when(release('o1'))
      .then([StockReleased({ productId, orderId: 'o1', revision: 1, quantity: 2, available: 5, at })]);
    const released = StockReleased({ productId, orderId: 'o1', revision: 1, quantity: 2, available: 5, at });
    given(inventory, [stocked(5), reserved('o1', 2, 3), released])
      .when(release('o1'))
      .then([]);
  });

  test('a released reservation is never made again', () => {
    const released = StockReleased({ productId, orderId: 'o1', revision: 1, quantity: 2, available: 5, at });
    given(inventory, [stocked(5), reserved('o1', 2, 3), released])
      .when(reserve('o1', 2))
      .then([]);
  });

  test('a release of part of a reservation gives back that much, never more than it still holds', () => {
    const partly = StockReleased({ productId, orderId: 'o1', revision: 1, quantity: 3, available: 3, at });
    given(inventory, [stocked(5), reserved('o1', 5, 0)])
      .when(ReleaseStock({ productId, orderId: 'o1', revision: 1, quantity: 3 }, metadata))
      .then([partly]);
    given(inventory, [stocked(5), reserved('o1', 5, 0), partly])
      .when(ReleaseStock({ productId, orderId: 'o1', revision: 1, quantity: 3 }, metadata))
      .then([StockReleased({ productId, orderId: 'o1', revision: 1, quantity: 2, available: 5, at })]);
    given(inventory, [stocked(5), reserved('o1', 5, 0), partly])
      .when(release('o1'))
      .then([StockReleased({ productId, orderId: 'o1', revision: 1, quantity: 2, available: 5, at })]);
  });

  test('releasing what was never reserved does nothing', () => {
    given(inventory, [stocked(5)])
      .when(release('o9'))
      .then([]);
  });

  test('200 concurrent reservations of 1 unit against 50 units: exactly 50 made, stock never negative', async () => {
    const store = new InMemoryEventStore();
    const stream = `inventory-${productId}`;
    await handleCommand(store, inventory, stream, AddStock({ productId, quantity: 50 }, metadata));
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        handleCommand(store, inventory, stream, reserve(`o${i}`, 1), {
          retry: { attempts: 1000, baseDelayMs: 0, maxDelayMs: 1 },
        }),
      ),
    );
    expect(outcomes).toHaveLength(200);
    const events = await store.readStream(stream);
    const made = events.filter((e) => e.type === StockReserved.type);
    const failed = events.filter((e) => e.type === StockReservationFailed.type);
    expect(made).toHaveLength(50);
    expect(failed).toHaveLength(150);
    expect(events.every((e) => (e.data as { available: number }).available >= 0)).toBe(true);
  });
});
