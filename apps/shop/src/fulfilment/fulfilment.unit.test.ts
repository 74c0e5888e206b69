// The fulfilment workflow specified event by event: the commands it sends and the state it keeps per
// order, run as the projection runner runs it, without a runner, stores or timers.
import { given } from '@janus/core/testing';
import { describe, expect, test } from 'vitest';
import { ReleaseStock, ReserveStock, StockReservationFailed, StockReserved } from '../catalog/inventory.js';
import {
  ConfirmOrder,
  ConfirmOrderChange,
  OrderCancelled,
  OrderChangeApplied,
  OrderChangeRefused,
  OrderChangeRequested,
  OrderShipped,
  RejectOrderChange,
  OrderConfirmed,
  OrderItemsChanged,
  OrderPlaced,
  OrderRejected,
  RejectOrder,
  type OrderLine,
} from '../orders/order.js';
import { fulfilment, upgraded } from './fulfilment.js';

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
      base: {},
      reserved: {},
      held: [],
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
      base: {},
      reserved: { tea: 3, cake: 2 },
      held: [
        { productId: 'tea', revision: 1, quantity: 3 },
        { productId: 'cake', revision: 1, quantity: 2 },
      ],
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
      base: {},
      reserved: {},
      held: [],
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
      base: {},
      reserved: {},
      held: [],
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

  // A confirmed order's changes: it holds tea 3 and cake 2 (revision 1) while a change is reserved.
  const confirmedOrder = [placed(), reserved(tea), reserved(cake), confirmed()];
  const changeRequested = (lines: OrderLine[], revision = 2) =>
    OrderChangeRequested({ orderId, revision, lines, total: total(lines), at });
  const changeApplied = (lines: OrderLine[], revision = 2) =>
    OrderChangeApplied({ orderId, revision, lines, total: total(lines), at });
  const lessCake: OrderLine = { ...cake, quantity: 1 };
  const jam: OrderLine = { productId: 'jam', quantity: 1, unitPrice: 500n };
  const partly = (line: OrderLine, quantity: number, revision = 1) =>
    ReleaseStock({ productId: line.productId, orderId, revision, quantity });

  test('a confirmed order changed: only what a line adds is reserved, and the order keeps what it holds', () => {
    const change = given(fulfilment, confirmedOrder).when(changeRequested([moreTea, cake]));
    change.thenSends([reserve({ ...tea, quantity: 3 }, 2)]);
    change.thenState(orderId, {
      orderId,
      revision: 2,
      phase: 'changing',
      lines: { tea: 6, cake: 2 },
      base: { tea: 3, cake: 2 },
      reserved: {},
      held: [
        { productId: 'tea', revision: 1, quantity: 3 },
        { productId: 'cake', revision: 1, quantity: 2 },
      ],
    });
    const reservedAll = change.when(reserved({ ...tea, quantity: 3 }, 2));
    reservedAll.thenSends([ConfirmOrderChange({ orderId, revision: 2 })]);
    const applied = reservedAll.when(changeApplied([moreTea, cake]));
    applied.thenSends([]);
    expect(applied.state(orderId)).toMatchObject({
      phase: 'confirmed',
      base: { tea: 6, cake: 2 },
      held: [
        { productId: 'tea', revision: 1, quantity: 3 },
        { productId: 'cake', revision: 1, quantity: 2 },
        { productId: 'tea', revision: 2, quantity: 3 },
      ],
    });
  });

  test('a change applied gives back what a line lost, newest reservation first, part of one if need be', () => {
    // Nothing added: the change is confirmed at once; applied, cake 2 → 1 and tea removed are released.
    const change = given(fulfilment, confirmedOrder).when(changeRequested([lessCake]));
    change.thenSends([ConfirmOrderChange({ orderId, revision: 2 })]);
    const applied = change.when(changeApplied([lessCake]));
    applied.thenSends([partly(tea, 3), partly(cake, 1)]);
    expect(applied.state(orderId)).toMatchObject({
      phase: 'confirmed',
      base: { cake: 1 },
      held: [{ productId: 'cake', revision: 1, quantity: 1 }],
    });
    // tea 3 (rev 1) + 3 (rev 2), then down to 2: rev 2's 3 first, then 1 of rev 1's.
    const grown = given(fulfilment, [
      ...confirmedOrder,
      changeRequested([moreTea, cake]),
      reserved({ ...tea, quantity: 3 }, 2),
      changeApplied([moreTea, cake]),
    ]);
    const shrunk = grown.when(
      changeRequested([{ ...tea, quantity: 2 }, cake], 3),
      changeApplied([{ ...tea, quantity: 2 }, cake], 3),
    );
    shrunk.thenSends([ConfirmOrderChange({ orderId, revision: 3 }), partly(tea, 3, 2), partly(tea, 1, 1)]);
    expect(shrunk.state(orderId)?.held).toEqual([
      { productId: 'tea', revision: 1, quantity: 2 },
      { productId: 'cake', revision: 1, quantity: 2 },
    ]);
  });

  test('a change that cannot be reserved is refused: its own reservations released, nothing the order held', () => {
    const change = given(fulfilment, [
      ...confirmedOrder,
      changeRequested([moreTea, cake, jam]),
      reserved(jam, 2),
    ]);
    const refusal = change.when(failed({ ...tea, quantity: 3 }, 1, 2));
    refusal.thenSends([
      RejectOrderChange({
        orderId,
        revision: 2,
        reason: "out of stock: 3 more of product 'tea' wanted, 1 available",
      }),
      release(jam, 2),
    ]);
    const settled = refusal.when(OrderChangeRefused({ orderId, revision: 2, reason: 'out of stock', at }));
    settled.thenState(orderId, {
      orderId,
      revision: 2,
      phase: 'confirmed',
      lines: { tea: 3, cake: 2 },
      base: { tea: 3, cake: 2 },
      reserved: {},
      held: [
        { productId: 'tea', revision: 1, quantity: 3 },
        { productId: 'cake', revision: 1, quantity: 2 },
      ],
    });
    // An answer of the refused change that comes late is given back.
    settled.when(reserved(jam, 2)).thenSends([release(jam, 2)]);
  });

  test('a change superseded before it was applied: its reservations are released, the new one reserved', () => {
    const first = given(fulfilment, [
      ...confirmedOrder,
      changeRequested([moreTea, cake]),
      reserved({ ...tea, quantity: 3 }, 2),
    ]);
    const second = first.when(changeRequested([tea, cake, jam], 3));
    second.thenSends([release(tea, 2), reserve(jam, 3)]);
    expect(second.state(orderId)?.held).toEqual([
      { productId: 'tea', revision: 1, quantity: 3 },
      { productId: 'cake', revision: 1, quantity: 2 },
    ]);
    second.when(reserved(jam, 3)).thenSends([ConfirmOrderChange({ orderId, revision: 3 })]);
  });

  test('an order cancelled during a change, or after one, releases every reservation it holds', () => {
    given(fulfilment, [...confirmedOrder, changeRequested([cake, jam]), reserved(jam, 2)])
      .when(cancelled(true))
      .thenSends([release(tea), release(cake), release(jam, 2)]);
    given(fulfilment, [
      ...confirmedOrder,
      changeRequested([cake, jam]),
      reserved(jam, 2),
      changeApplied([cake, jam]),
    ])
      .when(cancelled(true))
      .thenSends([release(cake), release(jam, 2)]);
  });

  test('an order shipped keeps what it holds: nothing is sent', () => {
    const shipped = given(fulfilment, confirmedOrder).when(OrderShipped({ orderId, revision: 1, at }));
    shipped.thenSends([]);
    expect(shipped.state(orderId)).toMatchObject({ phase: 'shipped', base: { tea: 3, cake: 2 } });
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

describe('a state stored by the version before orders changed until shipped', () => {
  // That version kept no `base` and no `held`: `reserved` was all an order held, confirmed or not.
  test('a confirmed order reads as this version keeps it, so a cancel releases what it holds', () => {
    const now = given(fulfilment, [
      placed(),
      reserved(tea),
      reserved(cake),
      OrderConfirmed({ orderId, revision: 1, at }),
    ]);
    const stored = {
      orderId,
      revision: 1,
      phase: 'confirmed' as const,
      lines: { tea: 3, cake: 2 },
      reserved: { tea: 3, cake: 2 },
    };
    expect(upgraded(stored)).toEqual(now.state(orderId));
  });

  test('an order still reserving reads as this version keeps it', () => {
    const now = given(fulfilment, [placed(), reserved(tea)]);
    const stored = {
      orderId,
      revision: 1,
      phase: 'reserving' as const,
      lines: { tea: 3, cake: 2 },
      reserved: { tea: 3 },
    };
    expect(upgraded(stored)).toEqual(now.state(orderId));
  });
});
