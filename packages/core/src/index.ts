// The public API of @janus/core. Everything an application author needs is named here; what only store
// authors need is in @janus/core/store-kit (./store-kit/index.ts).
export type { InferOutput, StandardIssue, StandardResult, StandardSchemaV1 } from './standardSchema.js';
export {
  ConcurrencyError,
  DomainError,
  ForbiddenError,
  IdempotencyKeyConflictError,
  JanusError,
  MissingDriverError,
  NoHandlerError,
  NotFoundError,
  ReplayMismatchError,
  SchemaVersionError,
  StoreClosedError,
  StoreUnavailableError,
  TimeoutError,
  ValidationError,
  isConcurrencyError,
  isDomainError,
  isForbiddenError,
  isIdempotencyKeyConflictError,
  isJanusError,
  isMissingDriverError,
  isNoHandlerError,
  isNotFoundError,
  isReplayMismatchError,
  isSchemaVersionError,
  isStoreClosedError,
  isStoreUnavailableError,
  isTimeoutError,
  isValidationError,
  notFoundAsError,
  type ValidationIssue,
} from './errors.js';
export { validate } from './validate.js';
export { loadDriver } from './loadDriver.js';
export {
  command,
  completeMetadata,
  event,
  query,
  returns,
  type AnyEventDefinition,
  type AnyRequestDefinition,
  type CommandDefinition,
  type CommandHandled,
  type Event,
  type EventDefinition,
  type EventOf,
  type Message,
  type MessageKind,
  type MessageOf,
  type Metadata,
  type Principal,
  type QueryDefinition,
  type Request,
  type RequestDefinition,
  type ResultOf,
  type Returns,
} from './message.js';
export {
  CommandBus,
  MessageBus,
  QueryBus,
  type Dispatch,
  type DispatchOptions,
  type Handler,
  type Middleware,
  type Sendable,
} from './messageBus.js';
export { authorization, instrument, validation, type DispatchRecord, type Policy } from './middleware.js';
export { EventBus, type EventBusOptions, type EventListener } from './eventBus.js';
export type {
  AppendOptions,
  AppendResult,
  Closeable,
  EventStore,
  ExpectedVersion,
  GlobalLog,
  ListStreamsOptions,
  MultiAppendResult,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Snapshot,
  SnapshotStore,
  StreamAppend,
  StreamIndex,
  StreamInfo,
} from './eventStore.js';
export { uuidv7 } from './uuidv7.js';
export { subscribe, type SubscribeOptions } from './subscribe.js';
export { upcast, type Upcaster, type Upcasters } from './upcaster.js';
export { InMemoryEventStore, type InMemoryEventStoreOptions } from './inMemoryEventStore.js';
export {
  assertNever,
  decider,
  fail,
  fold,
  isRejection,
  rejectionError,
  type Decider,
  type Rejection,
  type RejectionOptions,
} from './decider.js';
export { retryOnConflict, type RetryOptions } from './retry.js';
export { handleCommand, type CommandOutcome, type HandleCommandOptions } from './commandHandler.js';
export {
  handleMultiStreamCommand,
  type MultiStreamCommandOptions,
  type MultiStreamOutcome,
} from './handleMultiStreamCommand.js';
export {
  multiStreamDecider,
  rejectionIn,
  type StreamEventOf,
  type EventsByStream,
  type MultiStreamDecider,
  type MultiStreamRejection,
  type StreamStateOf,
  type StatesOf,
  type StreamRef,
  type StreamRefs,
} from './multiStreamDecider.js';
export { loadStream, type LoadedStream, type SnapshotPolicy } from './loadStream.js';
export { toNewEvent } from './toNewEvent.js';
export { snapshotCache, type SnapshotCacheOptions } from './snapshotCache.js';
export {
  projection,
  sqlProjection,
  handlesEvent,
  type DocumentProjection,
  type DocumentProjectionDefinition,
  type Lifecycle,
  type Projection,
  type SqlProjection,
  type SqlProjectionDefinition,
} from './projections/projection.js';
export {
  StaleCheckpointError,
  type DocumentReader,
  type ProjectionFailure,
  type ProjectionRecord,
  type ProjectionStore,
  type ReadModels,
  type RebuildRecord,
  type SkipRecord,
} from './projections/projectionStore.js';
export {
  projectionStatus,
  type ProjectionState,
  type ProjectionStatus,
  type RebuildProgress,
} from './projections/projectionStatus.js';
export {
  ProjectionRunner,
  type Leases,
  type ProgressFeed,
  type ProjectionRunnerOptions,
  type RunnerNotice,
  type WaitOptions,
} from './projections/projectionRunner.js';
export { InMemoryProjectionStore } from './projections/inMemoryProjectionStore.js';
export {
  workflow,
  toSend,
  sendWorkflowCommands,
  workflowCommandMetadata,
  type AnyCommandDefinition,
  type Workflow,
  type WorkflowCommand,
  type WorkflowDefinition,
} from './projections/workflow.js';
export { foldStream, type FoldStreamOptions } from './projections/foldStream.js';
export {
  readYourWrites,
  type ConsistencyContext,
  type PositionWaiter,
} from './projections/readYourWrites.js';
export { idempotentStore, replayCutoff, replaying, withIdempotencyKey } from './idempotency.js';
export {
  isIdempotencyKeyStore,
  type AppendManyOptions,
  type IdempotencyKeyStore,
  type IdempotencyRecord,
  type NewIdempotencyRecord,
} from './idempotencyKeyStore.js';
export { isKeySecretStore, type KeySecretStore } from './keySecretStore.js';
export { FAULT_POINTS, faultPoint } from './faultPoint.js';
export { decodeCursor, encodeCursor, pageFrom } from './pageCursor.js';
