import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventOf, RecordedEvent } from '@janus/core';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { SqliteEventStore } from './sqliteEventStore.js';
import { exitCode, killAll, killHard, randomInt, sleep, startWorker } from './testing/killableWorker.js';
import {
  OrderConfirmed,
  OrderPlaced,
  Reserved,
  fulfilment,
  type Fulfilment,
} from './testing/projectionFixtures.js';

// A workflow sends its commands before its state and checkpoint commit. Killed between the two, it
// replays the event and sends the same commands again, with the same ids: the handlers' appends are
// idempotent, so every command takes effect exactly once however often the process dies.

const ORDERS_BEFORE = 60;
const ORDERS = 150;
const KILLS = 12;

let dir: string;
let file: string;
let store: SqliteEventStore | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-workflow-kill-'));
  file = path.join(dir, 'store.db');
});

afterEach(async () => {
  await killAll();
  await store?.close();
  store = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a workflow SIGKILLed mid-flight again and again: every command takes effect exactly once, every order completes', async () => {
  store = await SqliteEventStore.open(file);
  const events = store;
  const lines = new Map<string, number>();
  const place = async (from: number, to: number) => {
    const placed: Promise<unknown>[] = [];
    for (let i = from; i < to; i++) {
      const orderId = `o${i}`;
      lines.set(orderId, randomInt(1, 5));
      placed.push(
        events.append(`order-${orderId}`, [OrderPlaced({ orderId, lines: lines.get(orderId) ?? 0 })], {
          expectedVersion: 'no_stream',
        }),
      );
    }
    await Promise.all(placed);
  };
  await place(0, ORDERS_BEFORE);

  // Orders keep coming in while the workflow's process is started and killed.
  let placedCount = ORDERS_BEFORE;
  const writer = (async () => {
    while (placedCount < ORDERS) {
      const next = Math.min(placedCount + 3, ORDERS);
      await place(placedCount, next);
      placedCount = next;
      await sleep(randomInt(10, 40));
    }
  })();

  let behind = 0;
  for (let kill = 0; kill < KILLS; kill++) {
    const worker = startWorker('workflowWorker', [file, 'run']);
    await worker.ready;
    await sleep(randomInt(20, 300));
    await killHard(worker);
    const record = await events.projections.record(fulfilment.name);
    if (record && record.position < (await events.head())) behind++;
  }
  await writer;
  const finisher = startWorker('workflowWorker', [file, 'catch-up']);
  expect(await exitCode(finisher, 30_000)).toBe(0);
  expect(behind).toBeGreaterThan(0);

  const record = await events.projections.record(fulfilment.name);
  expect(record).toMatchObject({ position: await events.head(), failure: null });
  const states = events.projections.documents<Fulfilment>(fulfilment.state);
  for (const [orderId, n] of lines) {
    const [placed, ...rest] = await events.readStream(`order-${orderId}`);
    // Exactly one confirmation per order: the last Reservation's command, sent once in effect.
    expect(rest.map((e) => e.type)).toEqual([OrderConfirmed.type]);
    // Exactly one reservation per line, with the ids derived from the command that caused it.
    const reservations = (await events.readStream(`stock-${orderId}`)) as RecordedEvent<
      EventOf<typeof Reserved>
    >[];
    expect(reservations.map((e) => e.data.line).sort()).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(reservations.map((e) => e.id).sort()).toEqual(
      Array.from({ length: n }, (_, i) => `${fulfilment.name}:${placed?.id}:${i}:0`).sort(),
    );
    expect(await states.get(orderId)).toEqual({ lines: n, reserved: n, confirmRequested: true });
  }
  const all = await events.readAll();
  const total = [...lines.values()].reduce((a, b) => a + b, 0);
  expect(all.filter((e) => Reserved.is(e))).toHaveLength(total);
  expect(all.filter((e) => OrderConfirmed.is(e))).toHaveLength(ORDERS);
});
