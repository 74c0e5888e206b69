// What the figures were measured on: CPU, memory, Node, SQLite and PostgreSQL with their durability.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import Sqlite from 'better-sqlite3';
import { postgresSettings } from './places.js';
import { repoRoot } from './versions.js';

export async function describeMachine(withPostgres: boolean): Promise<Record<string, string | number>> {
  const cpus = os.cpus();
  const memory = new Sqlite(':memory:');
  const sqliteVersion =
    memory.prepare<[], { v: string }>('SELECT sqlite_version() AS v').get()?.v ?? 'unknown';
  memory.close();
  const pg = withPostgres ? await postgresSettings() : {};
  return {
    'janus commit': commitOf(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    'load average at start (1, 5, 15 min)': os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', '),
    sqlite: `${sqliteVersion} (better-sqlite3), WAL, synchronous=FULL`,
    postgresql: withPostgres
      ? `${pg.server_version ?? 'unknown'}, fsync=${pg.fsync ?? '?'}, synchronous_commit=${pg.synchronous_commit ?? '?'}, ` +
        `wal_sync_method=${pg.wal_sync_method ?? '?'}, full_page_writes=${pg.full_page_writes ?? '?'}`
      : 'not measured (JANUS_SKIP_PG=1 or not selected)',
  };
}

/** The commit measured, and whether the working tree differed from it (others' work in progress). */
function commitOf(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
    const changed = git('status', '--porcelain', '--untracked-files=no', 'packages', 'apps') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${changed ? ' with uncommitted changes in packages/ or apps/' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
