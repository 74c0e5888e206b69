// Janus on SQLite: one file, WAL, synchronous=FULL (its default, stated here so the report can say so).
import path from 'node:path';
import { SqliteEventStore } from '@janus/sqlite';
import type { OpenSubject } from '../subject.js';
import { versionsOf } from '../versions.js';
import { janusSubject } from './janusSubject.js';

export const openJanusSqlite: OpenSubject = async ({ dir }) => {
  const store = await SqliteEventStore.open(path.join(dir, 'janus.db'), { synchronous: 'FULL' });
  return janusSubject(store, 'sqlite', versionsOf('@janus/sqlite', 'better-sqlite3'));
};
