// @janus/core/store-kit: what only the authors of an event store or a projection store need, kept out of
// the main entry point that application authors read. Every store in this repository is built on it.

// Appends: the expected-version rules, the plan of a (multi-stream) append, and who is woken after one.
export { assertExpectedVersion, checkExpectedVersion } from '../expectedVersion.js';
export {
  planAppend,
  validateAppends,
  type AppendLookup,
  type AppendPlan,
  type PlannedStream,
  type StoredEventRef,
} from '../appendPlan.js';
export { AppendNotifier } from '../appendNotifier.js';

// Reads: the window a page of the log or of a stream covers, and the checks of their options.
export { readWindow, validateReadAllOptions, validateReadStreamOptions } from '../readWindow.js';

// Stored JSON: bigints and dates survive a round trip.
export { fromJson, toJson } from '../json.js';

// The SQL stores' codec: events and idempotency key records to and from the rows they keep.
export {
  decodeEvent,
  decodeIdempotencyRecord,
  encodePayload,
  encodeReadVersions,
  writtenEvent,
  type StoredEventRow,
  type StoredIdempotencyRow,
  type StoredPayload,
} from '../storedEvents.js';

// Projection records: checkpoints, rebuilds and skips, as every projection store keeps them.
export {
  checkpointOf,
  newProjectionRecord,
  newRebuild,
  skipped,
  switchedToRebuild,
  withCheckpoint,
} from '../projections/projectionRecord.js';
export { applyToDocuments, documentIds, indexValue } from '../projections/documents.js';

// The SQL projection stores' codec: projection records, skips and documents to and from their rows.
export {
  decodeDocument,
  decodeProjectionRecord,
  decodeSkipRecord,
  documentIndexEntries,
  encodeDocument,
  encodeRecordPart,
  type StoredProjectionRow,
  type StoredSkipRow,
} from '../storedProjections.js';

// Idempotency records: what a store keeps with the events of a keyed command.
export { idempotencyRecordFields, validateIdempotencyRecord } from '../idempotencyKeyStore.js';

// The key secret: what a store accepts as the secret it keeps for API key fingerprints.
export { validateKeySecret } from '../keySecretStore.js';
