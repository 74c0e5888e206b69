// A task: added with a title, then done once. Messages and the decider: pure, no I/O, no clock.
import {
  assertNever,
  command,
  decider,
  event,
  fail,
  returns,
  type EventOf,
  type MessageOf,
} from '@janus/core';
import { z } from 'zod';

export const TaskId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is 1-64 of A-Z a-z 0-9 _ -');
export const Title = z.string().trim().min(1, 'is required').max(200);

export const TaskAdded = event('tasks.TaskAdded.v1', z.object({ taskId: TaskId, title: Title }));
export const TaskCompleted = event('tasks.TaskCompleted.v1', z.object({ taskId: TaskId }));
export type TaskEvent = EventOf<typeof TaskAdded | typeof TaskCompleted>;

/** What a command answers: the position of its last event, so that a query can wait for it. */
export type Positioned = { readonly position: bigint };

export const AddTask = command(
  'tasks.AddTask',
  z.object({ taskId: TaskId, title: Title }),
  returns<Positioned>(),
);
export const CompleteTask = command(
  'tasks.CompleteTask',
  z.object({ taskId: TaskId }),
  returns<Positioned>(),
);
export type TaskCommand = MessageOf<typeof AddTask | typeof CompleteTask>;

export type Task =
  | { readonly status: 'none' }
  | { readonly status: 'open'; readonly title: string }
  | { readonly status: 'done'; readonly title: string };

/** The stream of one task's events. */
export const taskStream = (taskId: string): string => `task-${taskId}`;

export const task = decider<Task, TaskCommand, TaskEvent>({
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'tasks.AddTask':
        if (state.status !== 'none') return fail('task-exists', { message: 'the task exists already' });
        return [TaskAdded(command.data)];
      case 'tasks.CompleteTask':
        if (state.status === 'none') return fail('not-found', { message: 'no such task' });
        if (state.status === 'done') return fail('task-done', { message: 'the task is done already' });
        return [TaskCompleted({ taskId: command.data.taskId })];
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'tasks.TaskAdded.v1':
        return { status: 'open', title: event.data.title };
      case 'tasks.TaskCompleted.v1':
        return state.status === 'none' ? state : { status: 'done', title: state.title };
      default:
        return assertNever(event);
    }
  },
});
