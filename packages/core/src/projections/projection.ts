import type { RecordedEvent } from '../eventStore.js';
import type { AnyEventDefinition, EventOf } from '../message.js';

/**
 * When a projection runs: 'inline' in the same transaction as the append (never behind), 'async' by a
 * runner that follows the global log from a checkpoint (exactly-once, possibly a little behind).
 */
export type Lifecycle = 'inline' | 'async';

interface ProjectionBase {
  /** Stable name, e.g. 'bank.balances'. Stored; changing it starts a new read model. */
  readonly name: string;
  /** Bump it when `apply` changes meaning: the read model is then rebuilt from the log. */
  readonly version: number;
  readonly lifecycle: Lifecycle;
  /** The event types it handles; every other event only moves its checkpoint. */
  readonly handles: readonly string[];
}

/** A read model of JSON documents by id: `apply` is a pure function from (document, event) to document. */
export interface DocumentProjection<D = unknown> extends ProjectionBase {
  readonly kind: 'documents';
  /** The id of the document an event changes; undefined when it changes none. */
  documentId(event: RecordedEvent): string | undefined;
  /** The new document, or null to delete it. `doc` is undefined when there is none yet. */
  apply(doc: D | undefined, event: RecordedEvent): D | null;
  /** Top-level fields to look documents up by (`find({ customerId })`). */
  readonly indexes: readonly string[];
}

/**
 * A read model in tables of your own. `Tx` is the store's transaction handle (synchronous for SQLite),
 * whose `table(name)` gives the real name of one of `tables` in the generation being written, so that a
 * rebuild can fill a fresh copy while queries keep reading the old one.
 */
export interface SqlProjection<Tx = unknown> extends ProjectionBase {
  readonly kind: 'sql';
  /** Table names (before qualification) this projection owns; dropped with an old generation. */
  readonly tables: readonly string[];
  /** Creates the tables of a new generation. */
  setup(tx: Tx): void | Promise<void>;
  apply(event: RecordedEvent, tx: Tx): void | Promise<void>;
}

export type Projection = DocumentProjection | SqlProjection;

type Handled<H extends readonly AnyEventDefinition[]> = RecordedEvent<EventOf<H[number]>>;

export interface DocumentProjectionDefinition<D, H extends readonly AnyEventDefinition[]> {
  readonly name: string;
  readonly version: number;
  /** Default 'async'. */
  readonly lifecycle?: Lifecycle;
  readonly handles: H;
  readonly id: (event: Handled<H>) => string | undefined;
  readonly apply: (doc: D | undefined, event: Handled<H>) => D | null;
  readonly indexes?: readonly (keyof D & string)[];
}

/** Declares a document projection; its events are typed from the definitions it handles. */
export function projection<D, const H extends readonly AnyEventDefinition[]>(
  definition: DocumentProjectionDefinition<D, H>,
): DocumentProjection<D> {
  checkName(definition.name, definition.version);
  return {
    kind: 'documents',
    name: definition.name,
    version: definition.version,
    lifecycle: definition.lifecycle ?? 'async',
    handles: definition.handles.map((h) => h.type),
    documentId: (event) => definition.id(event as Handled<H>),
    apply: (doc, event) => definition.apply(doc, event as Handled<H>),
    indexes: definition.indexes ?? [],
  };
}

export interface SqlProjectionDefinition<Tx, H extends readonly AnyEventDefinition[]> {
  readonly name: string;
  readonly version: number;
  readonly lifecycle?: Lifecycle;
  readonly handles: H;
  readonly tables: readonly string[];
  readonly setup: (tx: Tx) => void | Promise<void>;
  readonly apply: (event: Handled<H>, tx: Tx) => void | Promise<void>;
}

/** Declares a projection into tables of your own, for the store whose transaction type is `Tx`. */
export function sqlProjection<Tx, const H extends readonly AnyEventDefinition[]>(
  definition: SqlProjectionDefinition<Tx, H>,
): SqlProjection<Tx> {
  checkName(definition.name, definition.version);
  for (const table of definition.tables) {
    if (!/^[a-z][a-z0-9_]*$/.test(table)) throw new TypeError(`invalid table name '${table}': use [a-z0-9_]`);
  }
  return {
    kind: 'sql',
    name: definition.name,
    version: definition.version,
    lifecycle: definition.lifecycle ?? 'async',
    handles: definition.handles.map((h) => h.type),
    tables: definition.tables,
    setup: definition.setup,
    apply: (event, tx) => definition.apply(event as Handled<H>, tx),
  };
}

function checkName(name: string, version: number): void {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name)) throw new TypeError(`invalid projection name '${name}'`);
  if (!Number.isSafeInteger(version) || version < 1)
    throw new TypeError(`invalid projection version ${version}`);
}

/** Whether a projection handles an event (by type). */
export const handlesEvent = (p: Pick<Projection, 'handles'>, event: { readonly type: string }): boolean =>
  p.handles.includes(event.type);
