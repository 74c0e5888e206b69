// The fulfilment workflow specified event by event: the commands it sends and the state it keeps per
// order, run as the projection runner runs it, without a runner, stores or timers.
import { given } from '@janus/core/testing';
import { describe, expect, test } from 'vitest';
import { ReleaseStock, ReserveStock, StockReservationFailed, StockReserved } from '../catalog/inventory.js';
import {
  ConfirmOrder,
  OrderCancelled,
  OrderConfirmed,
  OrderItemsChanged,
  OrderPlaced,
  OrderRejected,
  RejectOrder,
  type OrderLine,
} from '../orders/order.js';
import { fulfilment } from './fulfilment.js';

const at = '2026-05-01T10:00:00.000Z';
const orderId = 'o1';
const tea: OrderLine = { productId: 'tea', quantity: 3, unitPrice: 400n };
const cake: OrderLine = { productId: 'cake', quantity: 2, unitPrice: 250n };
const moreTea: OrderLine = { ...tea, quantity: 6 };
const total = (lines: readonly OrderLine[]) =>
  lines.reduce((sum, line) => sum + line.unitPrice * BigInt(line.quantity), 0n);

const placed = (lines: OrderLine[] = [tea, cake], id = orderId) =>
  OrderPlaced({
    orderId: id,
    customerId: 'alice',
    revision: 1,
    lines,
    total: total(lines),
    fromCart: false,
    at,
  });
const itemsChanged = (lines: OrderLine[], revision = 2) =>
  OrderItemsChanged({ orderId, revision, lines, total: total(lines), at });
const reserved = (line: OrderLine, revision = 1, id = orderId) =>
  StockReserved({
    productId: line.productId,
    orderId: id,
    revision,
    quantity: line.quantity,
    available: 0,
    at,
  });
const failed = (line: OrderLine, available: number, revision = 1) =>
  StockReservationFailed({
    productId: line.productId,
    orderId,
    revision,
    quantity: line.quantity,
    available,
    at,
  });
const confirmed = (revision = 1) => OrderConfirmed({ orderId, revision, at });
const rejected = (reason: string) => OrderRejected({ orderId, revision: 1, reason, at });
const cancelled = (wasConfirmed: boolean, revision = 1) =>
  OrderCancelled({ orderId, revision, reason: 'no longer needed', wasConfirmed, at });

const reserve = (line: OrderLine, revision = 1, id = orderId) =>
  ReserveStock({ productId: line.productId, orderId: id, revision, quantity: line.quantity });
const release = (line: OrderLine, revision = 1) =>
  ReleaseStock({ productId: line.productId, orderId, revision });

describe('fulfilment', () => {
  test('an order placed: stock is reserved for every line', () => {
    given(fulfilment, [placed()]).thenSends([reserve(tea), reserve(cake)]);
    given(fulfilment, [placed()]).thenState(orderId, {
      orderId,
      revision: 1,
      phase: 'reserving',
      lines: { tea: 3, cake: 2 },
      reserved: {},
    });
  });

  test('every line reserved: the order is confirmed, once, and stays so', () => {
    const placedOrder = given(fulfilment, [placed()]);
    placedOrder.when(reserved(tea)).thenSends([]);
    const allReserved = placedOrder.when(reserved(tea), reserved(cake));
    allReserved.thenSends([ConfirmOrder({ orderId, revision: 1 })]);
    allReserved.thenState(orderId, {
      orderId,
      revision: 1,
      phase: 'confirming',
      lines: { tea: 3, cake: 2 },
      reserved: { tea: 3, cake: 2 },
    });
    const done = allReserved.when(confirmed());
    done.thenSends([]);
    expect(done.state(orderId)?.phase).toBe('confirmed');
  });

  test('one line short: the order is rejected and the lines already reserved are released', () => {
    const rejection = given(fulfilment, [placed(), reserved(tea)]).when(failed(cake, 1));
    rejection.thenSends([
      RejectOrder({ orderId, revision: 1, reason: "out of stock: 2 of product 'cake' wanted, 1 available" }),
      release(tea),
    ]);
    expect(rejection.state(orderId)).toMatchObject({ phase: 'rejected', reserved: {} });
  });

  test('the first line short: the order is rejected, with nothing to release', () => {
    given(fulfilment, [placed()])
      .when(failed(tea, 0))
      .thenSends([
        RejectOrder({ orderId, revision: 1, reason: "out of stock: 3 of product 'tea' wanted, 0 available" }),
      ]);
  });

  test('after a rejection, a reservation that comes late is released and a second shortage ignored', () => {
    const afterRejection = given(fulfilment, [placed(), failed(tea, 0)]);
    afterRejection.when(reserved(cake)).thenSends([release(cake)]);
    afterRejection.when(failed(cake, 0)).thenSends([]);
    const settled = afterRejection.when(reserved(cake), rejected('out of stock'));
    settled.thenSends([release(cake)]);
    settled.thenState(orderId, {
      orderId,
      revision: 1,
      phase: 'rejected',
      lines: { tea: 3, cake: 2 },
      reserved: {},
    });
  });

  test('a confirmed order cancelled: every line it holds is released', () => {
    const cancellation = given(fulfilment, [placed(), reserved(tea), reserved(cake), confirmed()]).when(
      cancelled(true),
    );
    cancellation.thenSends([release(tea), release(cake)]);
    expect(cancellation.state(orderId)).toMatchObject({ phase: 'cancelled', reserved: {} });
  });

  test('an order cancelled while reserving: what it holds is released now, what comes late on arrival', () => {
    const cancellation = given(fulfilment, [placed(), reserved(tea)]).when(cancelled(false));
    cancellation.thenSends([release(tea)]);
    cancellation.when(reserved(cake)).thenSends([release(cake)]);
    cancellation.when(failed(cake, 0)).thenSends([]);
  });

  test('items changed while reserving: the old revision is released, the new one reserved and confirmed', () => {
    const changed = given(fulfilment, [placed(), reserved(tea)]).when(itemsChanged([moreTea]));
    changed.thenSends([release(tea, 1), reserve(moreTea, 2)]);
    changed.thenState(orderId, {
      orderId,
      revision: 2,
      phase: 'reserving',
      lines: { tea: 6 },
      reserved: {},
    });
    // The old revision's answers come late: a reservation is given back, a shortage ignored.
    changed.when(reserved(cake, 1)).thenSends([release(cake, 1)]);
    changed.when(failed(cake, 0, 1)).thenSends([]);
    changed.when(reserved(moreTea, 2)).thenSends([ConfirmOrder({ orderId, revision: 2 })]);
  });

  test('items changed twice before any answer: each change releases nothing it does not hold', () => {
    given(fulfilment, [placed(), itemsChanged([moreTea])])
      .when(itemsChanged([cake], 3))
      .thenSends([reserve(cake, 3)]);
  });

  test('each order is an instance of its own', () => {
    const two = given(fulfilment, [placed([tea]), placed([tea], 'o2'), reserved(tea, 1, 'o2')]);
    two.thenSends([reserve(tea), reserve(tea, 1, 'o2'), ConfirmOrder({ orderId: 'o2', revision: 1 })]);
    expect(two.state(orderId)?.phase).toBe('reserving');
    expect(two.state('o2')?.phase).toBe('confirming');
  });

  test('its commands have ids derived from the event and their rank: a replay sends the very same', () => {
    const event = { ...placed(), id: 'evt-placed' };
    const ids = given(fulfilment, [event])
      .commands()
      .map((c) => c.metadata?.messageId);
    expect(ids).toEqual(['shop.fulfilment:evt-placed:0', 'shop.fulfilment:evt-placed:1']);
  });
});
