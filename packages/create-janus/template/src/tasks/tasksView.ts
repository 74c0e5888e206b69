// The read model of tasks, one document per task, and the query that reads it.
import { NotFoundError, projection, query, returns, type ReadModels } from '@janus/core';
import { z } from 'zod';
import { TaskAdded, TaskCompleted, TaskId } from './task.js';

export type TaskView = { readonly taskId: string; readonly title: string; readonly done: boolean };

export const tasksView = projection<TaskView, [typeof TaskAdded, typeof TaskCompleted]>({
  name: 'tasks.tasks',
  version: 1,
  handles: [TaskAdded, TaskCompleted],
  id: (event) => event.data.taskId,
  apply(doc, event) {
    switch (event.type) {
      case 'tasks.TaskAdded.v1':
        return { taskId: event.data.taskId, title: event.data.title, done: false };
      case 'tasks.TaskCompleted.v1':
        return doc ? { ...doc, done: true } : null;
    }
  },
});

export const GetTask = query('tasks.GetTask', z.object({ taskId: TaskId }), returns<TaskView>());

export async function getTask(readModels: ReadModels, taskId: string): Promise<TaskView> {
  const doc = await readModels.documents(tasksView).get(taskId);
  if (doc === undefined) throw new NotFoundError(`task '${taskId}' does not exist`);
  return doc;
}
