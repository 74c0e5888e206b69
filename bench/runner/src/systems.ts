// Every system measured on a store: Janus, Emmett and the raw drivers, on SQLite and on PostgreSQL.
import { skipPostgres } from './places.js';
import type { OpenSubject } from './subject.js';
import { openJanusPostgres } from './subjects/janusPostgres.js';
import { openJanusSqlite } from './subjects/janusSqlite.js';
import { openRawPostgres } from './subjects/rawPostgres.js';
import { openRawSqlite } from './subjects/rawSqlite.js';

export interface System {
  /** The name --systems takes: 'janus-sqlite', 'emmett-postgres', … */
  readonly key: string;
  readonly system: 'Janus' | 'Emmett' | 'raw driver';
  readonly store: 'sqlite' | 'postgres';
  /** Undefined when the system cannot be measured here; `unavailable` says why. */
  readonly open?: OpenSubject;
  readonly unavailable?: string;
}

/** The systems, Janus first on each store; Emmett's are loaded from their own workspaces if built. */
export async function loadSystems(): Promise<System[]> {
  const systems: System[] = [
    { key: 'janus-sqlite', system: 'Janus', store: 'sqlite', open: openJanusSqlite },
    await emmett('emmett-sqlite', 'sqlite', '@janus/bench-emmett-sqlite', 'openEmmettSqlite'),
    { key: 'raw-sqlite', system: 'raw driver', store: 'sqlite', open: openRawSqlite },
    { key: 'janus-postgres', system: 'Janus', store: 'postgres', open: openJanusPostgres },
    await emmett('emmett-postgres', 'postgres', '@janus/bench-emmett-postgresql', 'openEmmettPostgres'),
    { key: 'raw-postgres', system: 'raw driver', store: 'postgres', open: openRawPostgres },
  ];
  return systems.map((s) =>
    s.store === 'postgres' && skipPostgres
      ? { key: s.key, system: s.system, store: s.store, unavailable: 'not measured: JANUS_SKIP_PG=1' }
      : s,
  );
}

/** Emmett's subject from its workspace; not measured (and said so) while that workspace has none. */
async function emmett(
  key: string,
  store: 'sqlite' | 'postgres',
  workspace: string,
  exportName: string,
): Promise<System> {
  try {
    // A name in a variable: the runner builds and runs whether or not the Emmett workspace exists yet.
    const module = (await import(workspace)) as Record<string, unknown>;
    const open = module[exportName];
    if (typeof open !== 'function') throw new Error(`${workspace} exports no ${exportName}`);
    return { key, system: 'Emmett', store, open: open as OpenSubject };
  } catch (error) {
    return {
      key,
      system: 'Emmett',
      store,
      unavailable: `not measured: ${workspace} is not ready (${notReady(error)})`,
    };
  }
}

const notReady = (error: unknown): string =>
  (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND'
    ? 'not built'
    : (String(error).split('\n')[0] ?? '');
