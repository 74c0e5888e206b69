import { fold, isDomainError } from '@janus/core';
import { MAX_AMOUNT } from '@janus/money';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { accountDecider } from './accounts/account.js';
import { CloseAccount, Deposit, OpenAccount, Withdraw } from './accounts/accountCommands.js';
import type { AccountEvent } from './accounts/accountEvents.js';
import { accountsView, type AccountDocument } from './accounts/accountsView.js';
import { accountStream } from './accounts/fields.js';
import { defaultFraudLimits } from './fraud/fraudLimits.js';
import { accountHistory } from './history/transactionHistory.js';
import { T0, after, at, bankInMemory } from './testing/bankFixtures.js';
import { Transfer } from './transfers/transferCommands.js';

const ACCOUNTS = ['a', 'b', 'c'] as const;
type Op =
  | { kind: 'deposit' | 'withdraw'; account: number; cents: bigint; gap: number }
  | { kind: 'transfer'; from: number; to: number; cents: bigint; gap: number }
  | { kind: 'close'; account: number; gap: number };

// Amounts up to 15,000.00: some cross the large-amount limit, and the daily limit is reached now and then.
const cents = fc.oneof(fc.bigInt({ min: 1n, max: 100_000n }), fc.bigInt({ min: 1n, max: 1_500_000n }));
const gap = fc.integer({ min: 0, max: 4 * 3600 }); // seconds after the previous operation
const account = fc.integer({ min: 0, max: ACCOUNTS.length - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('deposit' as const), account, cents, gap }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), account, cents, gap }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('transfer' as const), from: account, to: account, cents, gap }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), account, gap }) },
);

test('money is conserved, no balance goes negative, and every history sums to its balance', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 2_000_000n })), {
        minLength: 3,
        maxLength: 3,
      }),
      fc.array(op, { maxLength: 40, size: 'max' }),
      fc.integer({ min: 1, max: 4 }),
      async (initial, ops, concurrency) => {
        const bank = await bankInMemory();
        try {
          let now = T0;
          let position = 0n;
          let moneyIn = 0n; // deposits, opening deposits included
          let moneyOut = 0n; // withdrawals
          const send = async <R extends { position: bigint }>(
            attempt: Promise<R>,
          ): Promise<R | undefined> => {
            try {
              const result = await attempt;
              if (result.position > position) position = result.position;
              return result;
            } catch (error) {
              if (!isDomainError(error)) throw error; // a refusal is an answer; anything else is a bug
              return undefined;
            }
          };
          for (const [i, id] of ACCOUNTS.entries()) {
            const initialDeposit = initial[i] ?? 0n;
            await send(
              bank.commands.send(
                OpenAccount(
                  {
                    accountId: id,
                    transactionId: `${id}-open`,
                    customerId: 'c',
                    type: 'checking',
                    initialDeposit,
                    currency: 'USD',
                  },
                  at(now),
                ),
              ),
            );
            moneyIn += initialDeposit;
          }
          const run = async (o: Op, n: number, when: string) => {
            const amount = 'cents' in o ? (o.cents > MAX_AMOUNT ? MAX_AMOUNT : o.cents) : 0n;
            if (o.kind === 'deposit') {
              const ok = await send(
                bank.commands.send(
                  Deposit({ accountId: ACCOUNTS[o.account]!, transactionId: `t${n}`, amount }, at(when)),
                ),
              );
              if (ok) moneyIn += amount;
            } else if (o.kind === 'withdraw') {
              const ok = await send(
                bank.commands.send(
                  Withdraw({ accountId: ACCOUNTS[o.account]!, transactionId: `t${n}`, amount }, at(when)),
                ),
              );
              if (ok) moneyOut += amount;
            } else if (o.kind === 'transfer') {
              if (o.from === o.to) return;
              await send(
                bank.commands.send(
                  Transfer(
                    {
                      transferId: `t${n}`,
                      fromAccountId: ACCOUNTS[o.from]!,
                      toAccountId: ACCOUNTS[o.to]!,
                      amount,
                    },
                    at(when),
                  ),
                ),
              );
            } else {
              await send(bank.commands.send(CloseAccount({ accountId: ACCOUNTS[o.account]! }, at(when))));
            }
          };
          // Operations run in groups of `concurrency` at once: they race, and optimistic concurrency settles it.
          for (let start = 0; start < ops.length; start += concurrency) {
            const group = ops.slice(start, start + concurrency).map((o, i) => {
              now = after(o.gap, now);
              return run(o, start + i, now);
            });
            await Promise.all(group);
          }
          await bank.caughtUp(position);

          const decider = accountDecider(defaultFraudLimits);
          let total = 0n;
          for (const id of ACCOUNTS) {
            // The write side: the balance the decider folds from the stream.
            const state = fold(
              decider,
              (await bank.store.readStream(accountStream(id))) as unknown as AccountEvent[],
            );
            const balance = state.status === 'open' ? state.balance : 0n;
            expect(balance >= 0n).toBe(true);
            // The read side: the account view, and the history whose running sum it is.
            const view = await bank.readModels.documents<AccountDocument>(accountsView).get(id);
            expect(view?.balance).toBe(balance);
            const items = await accountHistory(bank.readModels, id);
            let running = 0n;
            for (const item of items) {
              running += item.amount;
              expect(item.balanceAfter).toBe(running);
              expect(item.balanceAfter >= 0n).toBe(true);
            }
            expect(running).toBe(balance);
            total += balance;
          }
          expect(total).toBe(moneyIn - moneyOut);
        } finally {
          await bank.stop();
        }
      },
    ),
    { numRuns: 60 },
  );
});
