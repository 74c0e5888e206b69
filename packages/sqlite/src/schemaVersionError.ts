import { JanusError } from '@janus/core';

/** The SQLite file was written by a newer @janus/sqlite, with a schema this version does not know. */
export class SchemaVersionError extends JanusError {
  readonly code = 'schema-version-unsupported';
  constructor(
    readonly filename: string,
    /** The schema version found in the file (its `PRAGMA user_version`). */
    readonly fileVersion: number,
    /** The newest schema version this code knows. */
    readonly supportedVersion: number,
  ) {
    super(
      `the SQLite file '${filename}' has schema version ${fileVersion}, but this @janus/sqlite supports ` +
        `versions up to ${supportedVersion}: upgrade @janus/sqlite to open it`,
    );
  }
}
