import { given } from '@janus/core/testing';
import { describe, it } from 'vitest';
import { TaskAdded, TaskCompleted } from './task.js';
import { tasksView } from './tasksView.js';

describe('the tasks read model', () => {
  it('holds a task added, not done', () => {
    given(tasksView, [TaskAdded({ taskId: 't1', title: 'Write the README' })]).thenDocuments({
      t1: { taskId: 't1', title: 'Write the README', done: false },
    });
  });

  it('marks a task done when it is completed', () => {
    given(tasksView, [
      TaskAdded({ taskId: 't1', title: 'Write the README' }),
      TaskCompleted({ taskId: 't1' }),
    ]).thenDocument('t1', { taskId: 't1', title: 'Write the README', done: true });
  });
});
