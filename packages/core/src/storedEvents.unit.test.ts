import { expect, test } from 'vitest';
import {
  decodeEvent,
  decodeIdempotencyRecord,
  encodePayload,
  writtenEvent,
  type StoredEventRow,
} from './storedEvents.js';

const fields = {
  id: 'e-1',
  type: 'Deposited',
  streamId: 'acc',
  version: 3,
  position: 7n,
  recordedAt: '2026-01-02T03:04:05.678Z',
};

test('an event round-trips through its stored row: bigints, no data, metadata, a stream the read knew', () => {
  const payload = encodePayload({ data: { amount: 12n }, metadata: { by: 'ann' } });
  expect(payload).toEqual({ data: '{"amount":{"$bigint":"12"}}', metadata: '{"by":"ann"}' });
  const row: StoredEventRow = [
    7n,
    'e-1',
    'acc',
    3n,
    'Deposited',
    payload.data,
    payload.metadata,
    fields.recordedAt,
  ];
  expect(decodeEvent(row, undefined)).toEqual({ ...fields, data: { amount: 12n }, metadata: { by: 'ann' } });

  const bare = encodePayload({ data: undefined });
  expect(bare).toEqual({ data: null, metadata: '{}' });
  const streamless: StoredEventRow = [
    7n,
    'e-1',
    null,
    3,
    'Deposited',
    bare.data,
    bare.metadata,
    fields.recordedAt,
  ];
  expect(decodeEvent(streamless, undefined, 'acc')).toEqual({ ...fields, data: undefined, metadata: {} });
});

test('a decoded event is upcast', () => {
  const row: StoredEventRow = [7n, 'e-1', 'acc', 3, 'Deposited', '{"cents":5}', '{}', fields.recordedAt];
  const upcasters = {
    Deposited: (e: { data: unknown }) => ({ type: 'Deposited.v2', data: { amount: e.data } }),
  };
  expect(decodeEvent(row, upcasters)).toMatchObject({ type: 'Deposited.v2', data: { amount: { cents: 5 } } });
});

test('a written event decodes its payload when read, as readers would see it', () => {
  const event = writtenEvent(fields, encodePayload({ data: { amount: 1n } }));
  expect(event).toEqual({ ...fields, data: { amount: 1n }, metadata: {} });
  expect(event.data).toBe(event.data); // decoded once
});

test('an idempotency record decodes from either store: expiry as text or epoch ms, position as text or bigint', () => {
  const row = {
    scope: 's',
    key: 'k',
    fingerprint: 'f',
    message_id: 'm',
    issued_at: '2026-01-01T00:00:00.000Z',
    expires_at: '2026-01-02T00:00:00.000Z',
    first_position: '42',
    read_versions: '{"acc":3}',
    answer: '{"ok":{"$bigint":"1"}}',
  };
  const record = {
    scope: 's',
    key: 'k',
    fingerprint: 'f',
    messageId: 'm',
    issuedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-02T00:00:00.000Z',
    firstPosition: 42n,
    readVersions: { acc: 3 },
    answer: { ok: 1n },
  };
  expect(decodeIdempotencyRecord(row)).toEqual(record);
  expect(
    decodeIdempotencyRecord({
      ...row,
      expires_at: BigInt(Date.parse(record.expiresAt)),
      first_position: 42n,
    }),
  ).toEqual(record);
  const { firstPosition: _p, readVersions: _r, answer: _a, ...bare } = record;
  expect(
    decodeIdempotencyRecord({ ...row, first_position: null, read_versions: null, answer: null }),
  ).toEqual(bare);
});
