// Runs in a fresh project outside the repository, against the packed tarballs: a service declared with
// defineService, started on SQLite in DATA_DIR, sent a command and a query over HTTP, then closed.
import { z } from 'zod';
import * as janus from '@janus/core';
import type { EventOf, MessageOf } from '@janus/core';
import { commandRoute, jsonPosition, queryRoute } from '@janus/http';
import { defineService, startService, type Roles } from '@janus/service';

const CounterId = z.string().regex(/^[a-z0-9-]{1,32}$/);
const Increment = janus.command('counter.Increment', z.object({ counterId: CounterId }));
const Incremented = janus.event('counter.Incremented.v1', z.object({ counterId: CounterId }));
type Count = { counterId: string; value: number };
const GetCount = janus.query('counter.GetCount', z.object({ counterId: CounterId }), janus.returns<Count>());

const counter = janus.decider<number, MessageOf<typeof Increment>, EventOf<typeof Incremented>>({
  initialState: () => 0,
  decide: (command) => [Incremented({ counterId: command.data.counterId })],
  evolve: (value) => value + 1,
});
const counts = janus.projection<Count, [typeof Incremented]>({
  name: 'counter.counts',
  version: 1,
  handles: [Incremented],
  id: (event) => event.data.counterId,
  apply: (count, event) => ({ counterId: event.data.counterId, value: (count?.value ?? 0) + 1 }),
});

const roles: Roles<'admin'> = {
  parse: (text) => (text === 'admin' ? text : undefined),
  hint: 'a role is admin',
  generated: ['admin'],
  variable: 'COUNTER_API_KEYS',
  service: 'the counter service',
  secretVariable: 'COUNTER_KEY_SECRET',
};
const admins: janus.Policy = (dispatch) =>
  dispatch.message.metadata.principal?.roles.includes('admin') ?? false;
const Path = z.object({ counterId: CounterId });

const service = defineService({
  name: 'counter',
  version: '1.0.0',
  env: { prefix: 'COUNTER', defaultPort: 0, defaultDataDir: 'data', sqliteFile: 'counter.db' },
  roles,
  rateLimits: { admin: 1000 },
  projections: [counts],
  commands: (bus, { store }) =>
    bus.register(Increment, async (c) => {
      const { version, position } = await janus.handleCommand(
        store,
        counter,
        `counter-${c.data.counterId}`,
        c,
      );
      return { version, position };
    }),
  queries: (bus, { readModels }) =>
    bus.register(GetCount, async (q) => {
      const count = await readModels.documents(counts).get(q.data.counterId);
      return count ?? { counterId: q.data.counterId, value: 0 };
    }),
  policies: { commands: () => admins, queries: () => admins },
  routes: [
    commandRoute({
      url: '/counters/:counterId/increment',
      command: Increment,
      params: Path,
      toData: ({ params }) => params,
      toResponse: (result) => ({ body: { position: jsonPosition(result.position) } }),
    }),
    queryRoute({
      url: '/counters/:counterId',
      query: GetCount,
      params: Path,
      projections: [counts.name],
      toData: ({ params }) => params,
    }),
  ],
  openapi: { title: 'Counter', description: 'Counts.' },
});

const dataDir = process.env['DATA_DIR'];
if (dataDir === undefined) throw new Error('set DATA_DIR');
const key = 'out-of-repo-admin-key-0123456789';
const running = await startService(service, {
  env: { PORT: '0', COUNTER_DATA_DIR: dataDir, COUNTER_API_KEYS: `${key}=admin`, LOG_LEVEL: 'silent' },
});
try {
  const headers = { authorization: `Bearer ${key}` };
  const health = await fetch(`${running.url}/health`);
  const sent = await fetch(`${running.url}/counters/c1/increment`, { method: 'POST', headers });
  const { position } = (await sent.json()) as { position: number };
  const read = await fetch(`${running.url}/counters/c1`, {
    headers: { ...headers, 'x-min-position': String(position) },
  });
  process.stdout.write(
    `health ${health.status}\ncommand ${sent.status}\nquery ${read.status} ${await read.text()}\n`,
  );
} finally {
  await running.close();
}
