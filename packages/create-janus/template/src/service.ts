// The service, declared: its features, its roles, its routes. main.ts runs it; tests start it.
import { adminConsole } from '@janus/console';
import { handleCommand } from '@janus/core';
import { defineService } from '@janus/service';
import { commandPolicy, queryPolicy, roles } from './access.js';
import { AddTask, CompleteTask, task, taskStream } from './tasks/task.js';
import { taskRoutes } from './tasks/taskRoutes.js';
import { GetTask, getTask, tasksView } from './tasks/tasksView.js';

export const service = defineService({
  name: 'my-service',
  version: '0.1.0',
  env: { prefix: 'SERVICE', defaultPort: 3000, defaultDataDir: 'data', sqliteFile: 'service.db' },
  roles,
  rateLimits: { admin: 6000, reader: 6000 },
  projections: [tasksView],
  commands: (bus, { store, retry }) => {
    const options = retry ? { retry } : {};
    return bus
      .register(AddTask, async (c) => {
        const { position } = await handleCommand(store, task, taskStream(c.data.taskId), c, options);
        return { position };
      })
      .register(CompleteTask, async (c) => {
        const { position } = await handleCommand(store, task, taskStream(c.data.taskId), c, options);
        return { position };
      });
  },
  queries: (bus, { readModels }) => bus.register(GetTask, (q) => getTask(readModels, q.data.taskId)),
  policies: { commands: () => commandPolicy, queries: () => queryPolicy },
  routes: taskRoutes,
  domainErrors: { 'task-exists': 409, 'task-done': 409, 'not-found': 404 },
  openapi: { title: 'my-service', description: 'Tasks: add one, complete one, read one.' },
  // The admin console at /admin/ (streams, the global log, projections), for admins.
  plugins: async (app, deps) => {
    await app.register(
      adminConsole({
        authenticate: deps.authenticate,
        authorize: (principal) => principal.roles.includes('admin'),
        store: deps.events,
        projections: deps.runner,
      }),
    );
  },
  banner: (url) => [`Admin console: ${url}/admin/`],
});
