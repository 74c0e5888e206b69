import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  isConcurrencyError,
  isValidationError,
  type ExpectedVersion,
  type MultiAppendResult,
  type NewEvent,
  type RecordedEvent,
  type StreamAppend,
} from '@janus/core';
import { expectStrictlyIncreasing, show, useStores } from './support.js';
import type { ConformanceTarget, StoreUnderTest } from './target.js';

// Property-based checks: random operations run against the store and against a small model of what the
// guarantees promise. Runs are few (each one is a fresh store), so the suite stays fast on a real database.

/** 25 by default; raise it for a soak run: JANUS_CONFORMANCE_RUNS=1000 npx vitest run … */
const NUM_RUNS = Number(process.env.JANUS_CONFORMANCE_RUNS ?? 25);
const streamNames = ['a', 'b', 'c'] as const;
type StreamName = (typeof streamNames)[number];

type VersionSpec =
  | { readonly kind: 'omitted' | 'any' | 'no_stream' | 'exists' | 'current' }
  | { readonly kind: 'off'; readonly by: number }
  | { readonly kind: 'exact'; readonly n: number }
  | { readonly kind: 'invalid'; readonly value: unknown };

interface StreamSpec {
  readonly stream: StreamName;
  readonly count: number;
  readonly version: VersionSpec;
}

type OpSpec =
  | {
      readonly kind: 'write';
      readonly single: boolean;
      readonly ids: 'fresh' | 'none' | 'mixed';
      readonly streams: readonly StreamSpec[];
    }
  /** An earlier operation's appends again, same ids, with new expected versions. */
  | {
      readonly kind: 'replay';
      readonly of: number;
      readonly ofWritten: boolean;
      readonly versions: readonly VersionSpec[];
    }
  /** An earlier operation's appends plus one new event: ids that overlap only partly. */
  | { readonly kind: 'overlap'; readonly of: number; readonly ofWritten: boolean }
  | { readonly kind: 'duplicate-id' };

const streamArb = fc.constantFrom(...streamNames);
const versionArb: fc.Arbitrary<VersionSpec> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: 'current' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(...(['omitted', 'any', 'no_stream', 'exists'] as const))
      .map((kind) => ({ kind })),
  },
  { weight: 2, arbitrary: fc.integer({ min: -2, max: 2 }).map((by) => ({ kind: 'off' as const, by })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 4 }).map((n) => ({ kind: 'exact' as const, n })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(-1, 1.5, 'nope').map((value) => ({ kind: 'invalid' as const, value })),
  },
);
const streamSpecArb: fc.Arbitrary<StreamSpec> = fc.record({
  stream: streamArb,
  count: fc.integer({ min: 1, max: 3 }),
  version: versionArb,
});
const opArb: fc.Arbitrary<OpSpec> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      single: fc.boolean(),
      ids: fc.constantFrom('fresh' as const, 'fresh' as const, 'none' as const, 'mixed' as const),
      streams: fc.oneof(
        {
          weight: 5,
          arbitrary: fc.uniqueArray(streamSpecArb, { minLength: 1, maxLength: 3, selector: (s) => s.stream }),
        },
        { weight: 1, arbitrary: fc.array(streamSpecArb, { minLength: 2, maxLength: 3 }) },
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('replay' as const),
      of: fc.nat(),
      ofWritten: fc.boolean(),
      versions: fc.array(versionArb, { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('overlap' as const), of: fc.nat(), ofWritten: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'duplicate-id' as const }) },
);

interface Operation {
  readonly method: 'append' | 'appendMany';
  readonly appends: readonly StreamAppend[];
}

interface ModelEvent {
  readonly streamId: string;
  readonly version: number;
  readonly id: string | undefined;
  readonly type: string;
  readonly data: unknown;
  readonly commit: number;
}

type ErrorKind = 'validation' | 'concurrency' | 'any error';
type Prediction =
  | { readonly kind: 'write' | 'replay'; readonly versions: readonly { streamId: string; version: number }[] }
  | { readonly kind: 'reject'; readonly accept: readonly ErrorKind[] };

const isValidVersion = (v: unknown) =>
  v === undefined ||
  v === 'any' ||
  v === 'no_stream' ||
  v === 'exists' ||
  (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);

const holds = (expected: ExpectedVersion | undefined, actual: number) =>
  expected === undefined ||
  expected === 'any' ||
  (expected === 'no_stream' && actual === 0) ||
  (expected === 'exists' && actual > 0) ||
  expected === actual;

/** What the guarantees promise, for one writer at a time. */
class Model {
  readonly streams = new Map<string, ModelEvent[]>();
  readonly ids = new Map<string, ModelEvent>();
  commits = 0;

  version(streamId: string): number {
    return this.streams.get(streamId)?.length ?? 0;
  }

  predict(appends: readonly StreamAppend[]): Prediction {
    const given = appends.flatMap((a) => a.events.flatMap((e) => (e.id === undefined ? [] : [e.id])));
    if (!appends.every((a) => isValidVersion(a.expectedVersion)))
      return { kind: 'reject', accept: ['any error'] };
    if (
      new Set(appends.map((a) => a.streamId)).size !== appends.length ||
      new Set(given).size !== given.length
    ) {
      return { kind: 'reject', accept: ['validation'] };
    }
    const conflict = appends.some((a) => !holds(a.expectedVersion, this.version(a.streamId)));
    const stored = given.filter((id) => this.ids.has(id));
    if (stored.length > 0) {
      const replay = appends.every((a) =>
        a.events.every((e) => e.id !== undefined && this.ids.get(e.id)?.streamId === a.streamId),
      );
      if (!replay)
        return { kind: 'reject', accept: conflict ? ['validation', 'concurrency'] : ['validation'] };
      const versions = appends.map((a) => ({
        streamId: a.streamId,
        version: Math.max(...a.events.map((e) => this.ids.get(e.id ?? '')?.version ?? 0)),
      }));
      return { kind: 'replay', versions };
    }
    if (conflict) return { kind: 'reject', accept: ['concurrency'] };
    const versions = appends.map((a) => ({
      streamId: a.streamId,
      version: this.version(a.streamId) + a.events.length,
    }));
    return { kind: 'write', versions };
  }

  apply(appends: readonly StreamAppend[]): void {
    const commit = this.commits++;
    for (const a of appends) {
      const stream = this.streams.get(a.streamId) ?? [];
      for (const e of a.events) {
        const event = {
          streamId: a.streamId,
          version: stream.length + 1,
          id: e.id,
          type: e.type,
          data: e.data,
          commit,
        };
        stream.push(event);
        if (e.id !== undefined) this.ids.set(e.id, event);
      }
      this.streams.set(a.streamId, stream);
    }
  }
}

function resolveVersion(spec: VersionSpec, current: number): ExpectedVersion | undefined {
  switch (spec.kind) {
    case 'omitted':
      return undefined;
    case 'current':
      return current;
    case 'off':
      return current + spec.by;
    case 'exact':
      return spec.n;
    case 'invalid':
      return spec.value as ExpectedVersion;
    default:
      return spec.kind;
  }
}

function concretize(
  op: OpSpec,
  index: number,
  history: readonly Operation[],
  written: readonly Operation[],
  model: Model,
): Operation | undefined {
  const from = 'ofWritten' in op && op.ofWritten ? written : history;
  const earlier = from.length === 0 ? undefined : from[('of' in op ? op.of : 0) % from.length];
  switch (op.kind) {
    case 'write': {
      const appends = op.streams.map((s, k) => ({
        streamId: s.stream,
        expectedVersion: resolveVersion(s.version, model.version(s.stream)),
        events: Array.from({ length: s.count }, (_, j): NewEvent => {
          const id =
            op.ids === 'fresh' || (op.ids === 'mixed' && j === 0) ? `o${index}.${k}.${j}` : undefined;
          return { type: `prop.${s.stream}`, data: { op: index, k, j }, ...(id === undefined ? {} : { id }) };
        }),
      }));
      return { method: op.single && appends.length === 1 ? 'append' : 'appendMany', appends };
    }
    case 'replay':
      if (!earlier) return undefined;
      return {
        method: earlier.method,
        appends: earlier.appends.map((a, k) => ({
          ...a,
          expectedVersion: resolveVersion(
            op.versions[k % op.versions.length] ?? { kind: 'any' },
            model.version(a.streamId),
          ),
        })),
      };
    case 'overlap': {
      if (!earlier) return undefined;
      const [first, ...rest] = earlier.appends;
      if (!first) return undefined;
      const extra: NewEvent = { id: `o${index}.extra`, type: 'prop.extra', data: { op: index } };
      return { method: 'appendMany', appends: [{ ...first, events: [...first.events, extra] }, ...rest] };
    }
    case 'duplicate-id':
      return {
        method: 'append',
        appends: [
          {
            streamId: 'a',
            events: [
              { id: `o${index}.dup`, type: 'prop.a', data: { n: 1 } },
              { id: `o${index}.dup`, type: 'prop.a', data: { n: 2 } },
            ],
          },
        ],
      };
  }
}

async function perform(store: StoreUnderTest, op: Operation): Promise<MultiAppendResult> {
  const [only] = op.appends;
  if (op.method === 'append' && only) {
    const result = await store.append(only.streamId, only.events, { expectedVersion: only.expectedVersion });
    return { streams: [result], position: result.position };
  }
  return store.appendMany(op.appends);
}

const errorKind = (error: unknown): ErrorKind =>
  isValidationError(error) ? 'validation' : isConcurrencyError(error) ? 'concurrency' : 'any error';

const replayKey = (appends: readonly StreamAppend[]) =>
  JSON.stringify(appends.map((a) => [a.streamId, a.events.map((e) => e.id)]));

/** Checks what every successful append answered against where its events are in the log. */
function expectResultsMatchLog(results: readonly MultiAppendResult[], log: readonly RecordedEvent[]): void {
  const positions = new Map(log.map((e) => [`${e.streamId}@${e.version}`, e.position]));
  for (const result of results) {
    for (const s of result.streams) {
      expect(s.position).toBe(s.version === 0 ? 0n : positions.get(`${s.streamId}@${s.version}`));
    }
    expect(result.position).toBe(
      result.streams.reduce((max, s) => (s.position > max ? s.position : max), 0n),
    );
  }
}

async function runAgainstModel(store: StoreUnderTest, ops: readonly OpSpec[]): Promise<void> {
  const model = new Model();
  const history: Operation[] = [];
  /** The operations that wrote events: replays of them are more interesting than of failed ones. */
  const written: Operation[] = [];
  const firstResults = new Map<string, MultiAppendResult>();
  const results: MultiAppendResult[] = [];
  for (const [index, spec] of ops.entries()) {
    const op = concretize(spec, index, history, written, model);
    if (!op) continue;
    history.push(op);
    const prediction = model.predict(op.appends);
    const context = `operation ${index}: ${show(op)}`;
    let outcome: { ok: true; result: MultiAppendResult } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, result: await perform(store, op) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    if (prediction.kind === 'reject') {
      expect(outcome.ok, `${context} should fail with ${prediction.accept.join(' or ')}`).toBe(false);
      if (!outcome.ok && !prediction.accept.includes('any error')) {
        expect(prediction.accept, `${context} failed with ${show(outcome.error)}`).toContain(
          errorKind(outcome.error),
        );
      }
      continue;
    }
    const key = replayKey(op.appends);
    // Ids that were all appended, but never as this one append (a part of an earlier append): the
    // guarantees do not say, so a store may answer it as a replay or refuse it with a ValidationError.
    const partReplay = prediction.kind === 'replay' && !firstResults.has(key);
    if (!outcome.ok) {
      if (partReplay && isValidationError(outcome.error)) continue;
      return expect.fail(`${context} should ${prediction.kind}, but failed: ${show(outcome.error)}`);
    }
    const { result } = outcome;
    results.push(result);
    expect(
      result.streams.map((s) => ({ streamId: s.streamId, version: s.version })),
      context,
    ).toEqual(prediction.versions);
    if (prediction.kind === 'replay') {
      if (!partReplay) {
        expect(result, `${context} should answer what the first append answered`).toEqual(
          firstResults.get(key),
        );
      }
    } else {
      model.apply(op.appends);
      written.push(op);
      if (op.appends.every((a) => a.events.every((e) => e.id !== undefined))) firstResults.set(key, result);
    }
  }

  const log = await store.readAll();
  const total = [...model.streams.values()].reduce((n, s) => n + s.length, 0);
  expect(log).toHaveLength(total);
  expectStrictlyIncreasing(log.map((e) => e.position));
  expect(await store.head()).toBe(log.at(-1)?.position ?? 0n);
  expect(new Set(log.map((e) => e.id)).size).toBe(log.length);
  for (const streamId of streamNames) {
    const expected = model.streams.get(streamId) ?? [];
    const stream = await store.readStream(streamId);
    expect(stream.map((e) => ({ id: e.id, type: e.type, data: e.data, version: e.version }))).toEqual(
      expected.map((e) => ({
        id: e.id ?? (expect.any(String) as unknown),
        type: e.type,
        data: e.data,
        version: e.version,
      })),
    );
    expect(await store.streamVersion(streamId)).toBe(expected.length);
    expect(log.filter((e) => e.streamId === streamId)).toEqual(stream);
  }
  // Commits appear in the log in the order they were made (within one commit, any order).
  const commits = log.map((e) => model.streams.get(e.streamId)?.[e.version - 1]?.commit ?? -1);
  expect(commits).toEqual([...commits].sort((x, y) => x - y));
  expectResultsMatchLog(results, log);
}

interface ConcurrentOp {
  readonly single: boolean;
  readonly streams: readonly { stream: StreamName; count: number; version: ExpectedVersion }[];
}
const concurrentVersionArb: fc.Arbitrary<ExpectedVersion> = fc.oneof(
  fc.constantFrom('any' as const, 'no_stream' as const, 'exists' as const),
  fc.integer({ min: 0, max: 4 }),
);
const concurrentOpArb: fc.Arbitrary<ConcurrentOp> = fc.record({
  single: fc.boolean(),
  streams: fc.uniqueArray(
    fc.record({ stream: streamArb, count: fc.integer({ min: 1, max: 2 }), version: concurrentVersionArb }),
    { minLength: 1, maxLength: 3, selector: (s) => s.stream },
  ),
});
const seedArb = fc.record({ a: fc.nat(3), b: fc.nat(3), c: fc.nat(3) });

/**
 * Runs operations all at once and checks what any correct store must show whatever the interleaving:
 * only ConcurrencyErrors, never a spurious one, atomic all-or-nothing commits, expected versions that
 * held at commit time, and an order of commits that explains every stream (serializability).
 */
async function runConcurrently(
  store: StoreUnderTest,
  seed: Readonly<Record<StreamName, number>>,
  specs: readonly ConcurrentOp[],
): Promise<void> {
  const seedAppends = streamNames
    .filter((s) => seed[s] > 0)
    .map((s) => ({
      streamId: s,
      events: Array.from({ length: seed[s] }, (_, j) => ({
        id: `seed.${s}.${j}`,
        type: 'prop.seed',
        data: { j },
      })),
    }));
  if (seedAppends.length > 0) await store.appendMany(seedAppends);
  const ops: Operation[] = specs.map((spec, i) => {
    const appends = spec.streams.map((s) => ({
      streamId: s.stream,
      expectedVersion: s.version,
      events: Array.from({ length: s.count }, (_, j) => ({
        id: `c${i}.${s.stream}.${j}`,
        type: 'prop.c',
        data: { i, j },
      })),
    }));
    return { method: spec.single && appends.length === 1 ? 'append' : 'appendMany', appends };
  });
  const outcomes = await Promise.allSettled(ops.map((op) => perform(store, op)));

  const log = await store.readAll();
  expectStrictlyIncreasing(log.map((e) => e.position));
  const byId = new Map(log.map((e) => [e.id, e]));
  expect(byId.size).toBe(log.length);
  for (const streamId of streamNames) {
    const stream = await store.readStream(streamId);
    expect(stream.map((e) => e.version)).toEqual(Array.from({ length: stream.length }, (_, i) => i + 1));
    expect(log.filter((e) => e.streamId === streamId)).toEqual(stream);
  }

  /** For each successful operation and stream: the version its first event got. */
  const firstVersions = new Map<number, Map<string, number>>();
  let written = seedAppends.reduce((n, a) => n + a.events.length, 0);
  for (const [i, outcome] of outcomes.entries()) {
    const op = ops[i];
    if (!op) continue;
    const context = `operation ${i}: ${show(op)}`;
    const stored = op.appends.flatMap((a) => a.events.map((e) => byId.get(e.id ?? '')));
    if (outcome.status === 'rejected') {
      expect(isConcurrencyError(outcome.reason), `${context} failed with ${show(outcome.reason)}`).toBe(true);
      expect(
        stored.filter((e) => e !== undefined),
        `${context} failed, yet wrote`,
      ).toEqual([]);
      expect(
        op.appends.some((a) => a.expectedVersion !== 'any'),
        `${context}: 'any' never conflicts`,
      ).toBe(true);
      continue;
    }
    written += stored.length;
    const versions = new Map<string, number>();
    for (const [k, a] of op.appends.entries()) {
      const events = a.events.map((e) => byId.get(e.id ?? ''));
      const first = events[0]?.version ?? 0;
      expect(
        events.map((e) => [e?.streamId, e?.version]),
        `${context}: its events, in order, one after the other`,
      ).toEqual(a.events.map((_, j) => [a.streamId, first + j]));
      expect(
        holds(a.expectedVersion, first - 1),
        `${context}: expected ${show(a.expectedVersion)} on '${a.streamId}', which was at ${first - 1}`,
      ).toBe(true);
      const last = events.at(-1);
      expect(outcome.value.streams[k]).toEqual({
        streamId: a.streamId,
        version: last?.version,
        position: last?.position,
      });
      versions.set(a.streamId, first);
    }
    firstVersions.set(i, versions);
  }
  expect(log).toHaveLength(written);

  // No spurious conflicts: an operation whose versions held at the start, on streams no successful
  // operation touched, had nothing to conflict with.
  const touched = new Set([...firstVersions.values()].flatMap((v) => [...v.keys()]));
  for (const [i, outcome] of outcomes.entries()) {
    const op = ops[i];
    if (outcome.status === 'fulfilled' || !op) continue;
    const couldConflict = op.appends.some(
      (a) => touched.has(a.streamId) || !holds(a.expectedVersion, seed[a.streamId as StreamName]),
    );
    expect(couldConflict, `operation ${i} failed with nothing to conflict with: ${show(op)}`).toBe(true);
  }

  // Serializability: the per-stream orders of the successful operations have no cycle.
  const after = new Map<number, Set<number>>();
  for (const streamId of streamNames) {
    const order = [...firstVersions.entries()]
      .flatMap(([i, v]) => (v.has(streamId) ? [[i, v.get(streamId) ?? 0] as const] : []))
      .sort((x, y) => x[1] - y[1]);
    for (let k = 1; k < order.length; k++) {
      const [before] = order[k - 1] ?? [0];
      const [next] = order[k] ?? [0];
      after.set(before, (after.get(before) ?? new Set()).add(next));
    }
  }
  const incoming = new Map([...firstVersions.keys()].map((i) => [i, 0]));
  for (const nexts of after.values()) for (const n of nexts) incoming.set(n, (incoming.get(n) ?? 0) + 1);
  const ready = [...incoming.entries()].filter(([, n]) => n === 0).map(([i]) => i);
  let ordered = 0;
  for (let i = ready.pop(); i !== undefined; i = ready.pop()) {
    ordered++;
    for (const n of after.get(i) ?? []) {
      const left = (incoming.get(n) ?? 0) - 1;
      incoming.set(n, left);
      if (left === 0) ready.push(n);
    }
  }
  expect(ordered, 'the successful operations can be put in one order that explains every stream').toBe(
    firstVersions.size,
  );
}

/** Random operations against a model of the guarantees (property-based, with fast-check). */
export function describeModel(target: ConformanceTarget): void {
  describe('random operations (property-based)', () => {
    const stores = useStores(target);

    test('one writer: streams, versions, results, idempotency and the global log match the model', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 8, maxLength: 30 }), async (ops) => {
          const store = await stores.create();
          try {
            await runAgainstModel(store, ops);
          } finally {
            await stores.close(store);
          }
        }),
        { numRuns: NUM_RUNS },
      );
    });

    test('concurrent writers: only justified conflicts, atomic commits, a serializable history', async () => {
      await fc.assert(
        fc.asyncProperty(
          seedArb,
          fc.array(concurrentOpArb, { minLength: 2, maxLength: 12 }),
          async (seed, ops) => {
            const store = await stores.create();
            try {
              await runConcurrently(store, seed, ops);
            } finally {
              await stores.close(store);
            }
          },
        ),
        { numRuns: NUM_RUNS },
      );
    });
  });
}
