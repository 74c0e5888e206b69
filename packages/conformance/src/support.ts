import { afterEach, expect } from 'vitest';
import { isConcurrencyError, isValidationError, type NewEvent, type RecordedEvent } from '@janus/core';
import type { ConformanceTarget, StoreOptions, StoreUnderTest } from './target.js';

/** The stores of one describe block; every store it hands out is closed after each test. */
export interface Stores {
  create(options?: StoreOptions): Promise<StoreUnderTest>;
  /** Closes a store before the test ends (afterEach then leaves it alone). */
  close(store: StoreUnderTest): Promise<void>;
  /** Closes `store`, then opens a second instance over its storage. Only for targets that can reopen. */
  reopen(store: StoreUnderTest, options?: StoreOptions): Promise<StoreUnderTest>;
  /** An AbortController that is aborted when the test ends (before its stores close), so no follower outlives it. */
  abortController(): AbortController;
}

/** Call inside a describe block: registers the afterEach that closes what the block's tests opened. */
export function useStores(target: ConformanceTarget): Stores {
  const open = new Set<StoreUnderTest>();
  const controllers: AbortController[] = [];
  afterEach(async () => {
    for (const controller of controllers.splice(0)) controller.abort();
    const stores = [...open];
    open.clear();
    await Promise.all(stores.map((store) => store.close()));
  });
  const track = (store: StoreUnderTest) => {
    open.add(store);
    return store;
  };
  const close = async (store: StoreUnderTest) => {
    if (open.delete(store)) await store.close();
  };
  return {
    create: async (options) => track(await target.create(options)),
    close,
    reopen: async (store, options) => {
      if (!target.reopen) throw new Error('this target cannot reopen a store');
      await close(store);
      return track(await target.reopen(store, options));
    },
    abortController: () => {
      const controller = new AbortController();
      controllers.push(controller);
      return controller;
    },
  };
}

/** An event to append; data defaults to `{}`. */
export function ev(
  type: string,
  data: unknown = {},
  id?: string,
  metadata?: Record<string, unknown>,
): NewEvent {
  return {
    type,
    data,
    ...(id === undefined ? {} : { id }),
    ...(metadata === undefined ? {} : { metadata }),
  };
}

/** `count` events of type 'test.happened' with data `{ n }`, and ids `${idPrefix}-${n}` when a prefix is given. */
export function events(count: number, idPrefix?: string, first = 1): NewEvent[] {
  return Array.from({ length: count }, (_, i) =>
    ev('test.happened', { n: first + i }, idPrefix === undefined ? undefined : `${idPrefix}-${first + i}`),
  );
}

/** What a promise rejected with; fails the test when it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    return error;
  }
  return expect.fail(`expected a rejection, but it resolved with ${show(value)}`);
}

export async function expectConcurrencyError(
  promise: Promise<unknown>,
  streamId?: string,
  actual?: number,
): Promise<void> {
  const error = await rejection(promise);
  if (!isConcurrencyError(error)) return expect.fail(`expected a ConcurrencyError, got ${show(error)}`);
  if (streamId !== undefined) expect(error.streamId).toBe(streamId);
  if (actual !== undefined) expect(error.actual).toBe(actual);
}

export async function expectValidationError(promise: Promise<unknown>): Promise<void> {
  const error = await rejection(promise);
  if (!isValidationError(error)) expect.fail(`expected a ValidationError, got ${show(error)}`);
}

export function show(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v.toString()}n` : v));
  } catch {
    return String(value);
  }
}

/** Everything a test can observe about some streams and the global log, to prove that nothing changed. */
export interface Picture {
  readonly log: RecordedEvent[];
  readonly head: bigint;
  readonly streams: Record<string, { version: number; events: RecordedEvent[] }>;
}

export async function picture(store: StoreUnderTest, streamIds: readonly string[]): Promise<Picture> {
  const streams: Picture['streams'] = {};
  for (const id of streamIds) {
    streams[id] = { version: await store.streamVersion(id), events: await store.readStream(id) };
  }
  return { log: await store.readAll(), head: await store.head(), streams };
}

export async function expectUnchanged(store: StoreUnderTest, before: Picture): Promise<void> {
  expect(await picture(store, Object.keys(before.streams))).toEqual(before);
}

/** The parts of a recorded event that an append decides (not the store). */
export const written = (e: RecordedEvent) => ({
  streamId: e.streamId,
  version: e.version,
  type: e.type,
  data: e.data,
});

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds, polling; fails after `timeoutMs` with `what`. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) expect.fail(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(2);
  }
}

/** Resolves with the promise's value, or fails the test after `timeoutMs`. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`timed out after ${timeoutMs} ms: ${what}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function expectStrictlyIncreasing(positions: readonly bigint[]): void {
  for (const [i, p] of positions.entries()) {
    expect(typeof p).toBe('bigint');
    expect(p).toBeGreaterThan(i === 0 ? 0n : (positions[i - 1] ?? 0n));
  }
}
