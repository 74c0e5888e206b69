import { given } from '@janus/core/testing';
import { describe, it } from 'vitest';
import { AddTask, CompleteTask, TaskAdded, TaskCompleted, task } from './task.js';

describe('a task', () => {
  it('is added with its title', () => {
    given(task)
      .when(AddTask({ taskId: 't1', title: 'Write the README' }))
      .then([TaskAdded({ taskId: 't1', title: 'Write the README' })]);
  });

  it('is added once', () => {
    given(task, [TaskAdded({ taskId: 't1', title: 'Write the README' })])
      .when(AddTask({ taskId: 't1', title: 'Again' }))
      .thenFails('task-exists');
  });

  it('is completed once', () => {
    const added = TaskAdded({ taskId: 't1', title: 'Write the README' });
    given(task, [added])
      .when(CompleteTask({ taskId: 't1' }))
      .then([TaskCompleted({ taskId: 't1' })]);
    given(task, [added, TaskCompleted({ taskId: 't1' })])
      .when(CompleteTask({ taskId: 't1' }))
      .thenFails('task-done');
  });

  it('must exist to be completed', () => {
    given(task)
      .when(CompleteTask({ taskId: 'nope' }))
      .thenFails('not-found');
  });
});
