// Tasks over HTTP: add one, complete one, read one.
import { commandRoute, jsonPosition, queryRoute } from '@janus/http';
import { z } from 'zod';
import { AddTask, CompleteTask, TaskId, Title } from './task.js';
import { GetTask, tasksView } from './tasksView.js';

const tags = ['tasks'];
const TaskPath = z.object({ taskId: TaskId });
const PositionAnswer = z.object({ position: z.number().int() });

export const taskRoutes = [
  commandRoute({
    url: '/tasks',
    command: AddTask,
    body: z.strictObject({ taskId: TaskId, title: Title }),
    status: 201,
    tags,
    summary: 'Add a task (admin)',
    response: PositionAnswer,
    errors: ['task-exists'],
    toData: ({ body }) => body,
    toResponse: (result, { body }) => ({
      body: { position: jsonPosition(result.position) },
      headers: { location: `/tasks/${body.taskId}` },
    }),
  }),
  commandRoute({
    url: '/tasks/:taskId/complete',
    command: CompleteTask,
    params: TaskPath,
    tags,
    summary: 'Complete a task (admin)',
    response: PositionAnswer,
    errors: ['task-done'],
    toData: ({ params }) => ({ taskId: params.taskId }),
    toResponse: (result) => ({ body: { position: jsonPosition(result.position) } }),
  }),
  queryRoute({
    url: '/tasks/:taskId',
    query: GetTask,
    params: TaskPath,
    projections: [tasksView.name],
    tags,
    summary: 'Read a task',
    toData: ({ params }) => ({ taskId: params.taskId }),
  }),
];
