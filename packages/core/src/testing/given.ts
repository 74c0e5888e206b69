import type { Decider } from '../decider.js';
import { fold, isRejection } from '../decider.js';
import type { Event } from '../message.js';

/**
 * Decider specifications that read as sentences:
 * `given(account, [opened()]).when(Deposit({ ... })).then([deposited()])` or `.thenFails('account-closed')`.
 * Compares types and data; metadata is not part of what a decider decides.
 */
export function given<S, C, E extends Event>(decider: Decider<S, C, E>, history: readonly E[] = []) {
  const state = fold(decider, history);
  return {
    when(command: C) {
      const decision = decider.decide(command, state);
      return {
        /** The command succeeds with exactly these events. */
        then(expected: readonly E[]): void {
          if (isRejection(decision)) {
            throw new Error(`expected events, but the command was rejected with '${decision.code}'`);
          }
          assertSameEvents(decision, expected);
        },
        /** The command is refused with this code (and, if given, records exactly these events). */
        thenFails(code: string, events?: readonly E[]): void {
          if (!isRejection(decision)) {
            throw new Error(
              `expected rejection '${code}', but the command succeeded with ${describe(decision)}`,
            );
          }
          if (decision.code !== code) {
            throw new Error(`expected rejection '${code}', got '${decision.code}'`);
          }
          if (events) assertSameEvents(decision.events, events);
        },
        /** The state after the command's events, for assertions of your own. */
        state(): S {
          if (isRejection(decision)) throw new Error(`the command was rejected with '${decision.code}'`);
          return fold(decider, decision, state);
        },
      };
    },
  };
}

function assertSameEvents(actual: readonly Event[], expected: readonly Event[]): void {
  const a = describe(actual);
  const e = describe(expected);
  if (a !== e) throw new Error(`expected events ${e}\n     but got ${a}`);
}

/** Events as canonical text: keys sorted, bigints marked, so equal events read the same whatever their key order. */
const describe = (events: readonly Event[]) =>
  JSON.stringify(
    events.map(({ type, data }) => ({ type, data })),
    (_k, v: unknown) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      }
      return v;
    },
  );
