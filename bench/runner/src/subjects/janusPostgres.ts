// Janus on PostgreSQL, with its defaults (a pool of 10, schema 'janus'); synchronous_commit is the server's (on).
import { PostgresEventStore } from '@janus/postgres';
import type { OpenSubject } from '../subject.js';
import { versionsOf } from '../versions.js';
import { janusSubject } from './janusSubject.js';

export const openJanusPostgres: OpenSubject = async ({ pgUrl }) => {
  const store = await PostgresEventStore.open(pgUrl);
  return janusSubject(store, 'postgres', versionsOf('@janus/postgres', 'pg'));
};
