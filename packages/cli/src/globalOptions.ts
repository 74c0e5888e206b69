import type { Command } from 'commander';
import type { StoreOptions } from './openStore.js';

/** The options every command takes from the `janus` program itself. */
export interface GlobalOptions extends StoreOptions {
  /** Machine-readable output. */
  readonly json: boolean;
}

export function globalOptions(command: Command): GlobalOptions {
  const options = command.optsWithGlobals<{ db?: string; url?: string; schema?: string; json?: boolean }>();
  return { db: options.db, url: options.url, schema: options.schema, json: options.json === true };
}
