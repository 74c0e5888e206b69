import { JanusError } from '@janus/core';

/** An operation reached a store after its `close()`. */
export class StoreClosedError extends JanusError {
  readonly code = 'store-closed';
  constructor(readonly filename: string) {
    super(`the SQLite event store '${filename}' is closed`);
  }
}
