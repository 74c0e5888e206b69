import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { decider, fail } from '../decider.js';
import { command, event, type EventOf, type MessageOf } from '../message.js';
import { given } from './given.js';

const Open = command('door.Open', z.object({}));
const Opened = event('door.Opened.v1', z.object({ by: z.string() }));
type DoorEvent = EventOf<typeof Opened>;

const door = decider<{ open: boolean }, MessageOf<typeof Open>, DoorEvent>({
  initialState: () => ({ open: false }),
  decide: (cmd, state) =>
    state.open ? fail('already-open') : [Opened({ by: cmd.metadata.principal?.id ?? 'nobody' })],
  evolve: () => ({ open: true }),
});

describe('given / when / then', () => {
  test('then passes on the expected events and fails on others', () => {
    given(door)
      .when(Open({}))
      .then([Opened({ by: 'nobody' })]);
    expect(() => {
      given(door)
        .when(Open({}))
        .then([Opened({ by: 'someone' })]);
    }).toThrow(/expected events/);
  });

  test('thenFails passes on the code and fails on success or another code', () => {
    given(door, [Opened({ by: 'x' })])
      .when(Open({}))
      .thenFails('already-open');
    expect(() => {
      given(door).when(Open({})).thenFails('already-open');
    }).toThrow(/but the command succeeded/);
    expect(() => {
      given(door, [Opened({ by: 'x' })])
        .when(Open({}))
        .thenFails('locked');
    }).toThrow(/got 'already-open'/);
  });

  test('the order of keys in event data does not matter', () => {
    const Moved = event('door.Moved.v1', z.object({ x: z.number(), y: z.number() }));
    const mover = decider<null, MessageOf<typeof Open>, EventOf<typeof Moved>>({
      initialState: () => null,
      decide: () => [Moved({ y: 2, x: 1 })],
      evolve: (s) => s,
    });
    given(mover)
      .when(Open({}))
      .then([Moved({ x: 1, y: 2 })]);
  });

  test('state() gives the state after the decision', () => {
    expect(given(door).when(Open({})).state()).toEqual({ open: true });
  });
});
