import { expect, test } from 'vitest';
import {
  decodeDocument,
  decodeProjectionRecord,
  decodeSkipRecord,
  documentIndexEntries,
  encodeDocument,
  encodeRecordPart,
} from './storedProjections.js';

const rebuild = { generation: 2, version: 3, position: 5n, total: 9n, startedAt: '2026-01-02T03:04:05.678Z' };

test('a projection record decodes alike from SQLite (bigints, 0 and 1) and PostgreSQL (numbers, booleans)', () => {
  const stored = { name: 'balances', position: 7n, rebuild: encodeRecordPart(rebuild), failure: null };
  const fromSqlite = decodeProjectionRecord({
    ...stored,
    version: 3n,
    generation: 1n,
    rebuild_requested: 1n,
  });
  const fromPostgres = decodeProjectionRecord({
    ...stored,
    version: 3,
    generation: 1,
    rebuild_requested: true,
  });
  expect(fromSqlite).toEqual({
    name: 'balances',
    version: 3,
    generation: 1,
    position: 7n,
    rebuild,
    rebuildRequested: true,
    failure: null,
  });
  expect(fromPostgres).toEqual(fromSqlite);
  expect(
    decodeProjectionRecord({ ...stored, version: 3n, generation: 1n, rebuild_requested: 0n })
      .rebuildRequested,
  ).toBe(false);
  expect(encodeRecordPart(null)).toBeNull();
});

test('a skip record decodes from its row', () => {
  const row = {
    name: 'balances',
    version: 2n,
    position: 4n,
    event_id: 'e-4',
    reason: 'poison',
    skipped_at: '2026-01-02T03:04:05.678Z',
  };
  expect(decodeSkipRecord(row)).toEqual({
    name: 'balances',
    version: 2,
    position: 4n,
    eventId: 'e-4',
    reason: 'poison',
    skippedAt: '2026-01-02T03:04:05.678Z',
  });
});

test('a document round-trips with its bigints, and is indexed by its scalar fields only', () => {
  const doc = { owner: 'ann', balance: 12n, open: true, tags: ['x'] };
  expect(decodeDocument(encodeDocument(doc))).toEqual(doc);
  expect(documentIndexEntries(['owner', 'balance', 'open', 'tags', 'missing'], doc)).toEqual([
    ['owner', 's:ann'],
    ['balance', 'n:12'],
    ['open', 'b:true'],
  ]);
});
