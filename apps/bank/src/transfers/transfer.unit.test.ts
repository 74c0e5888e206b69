import {
  InMemoryEventStore,
  fold,
  isDomainError,
  isNotFoundError,
  isRejection,
  isValidationError,
  type EventStore,
} from '@janus/core';
import { money } from '@janus/money';
import { describe, expect, test } from 'vitest';
import { OpenAccount } from '../accounts/accountCommands.js';
import { FraudAlertRaised } from '../accounts/accountEvents.js';
import { accountCommandHandlers } from '../accounts/accountHandlers.js';
import { defaultFraudLimits } from '../fraud/fraudLimits.js';
import {
  T0,
  account,
  after,
  at,
  closed,
  countingConflicts,
  opened,
  openedWith,
  received,
  sent,
} from '../testing/bankFixtures.js';
import { decideTransfer } from './decideTransfer.js';
import { Transfer, TransferBody } from './transferCommands.js';
import { transferHandler } from './transferHandler.js';

const transfer = (amount: string, from = 'acc-1', to = 'acc-2', when = T0) =>
  Transfer({ transferId: 'tr-1', fromAccountId: from, toAccountId: to, amount: money(amount) }, at(when));

describe('deciding a transfer', () => {
  const alice = fold(account, openedWith('acc-1', '100'));
  const bob = fold(account, [opened('acc-2', { customerId: 'bob' })]);

  test('gives one leg to each account, each with the balance it leaves', () => {
    expect(decideTransfer(account, transfer('30'), alice, bob)).toEqual({
      from: [sent('acc-1', 'acc-2', '30', '70')],
      to: [received('acc-2', 'acc-1', '30', '30')],
    });
  });

  const refusal = (decision: ReturnType<typeof decideTransfer>) =>
    isRejection(decision) ? decision.code : 'accepted';

  test('needs the funds in the sending account', () => {
    expect(refusal(decideTransfer(account, transfer('100.01'), alice, bob))).toBe('insufficient-funds');
  });

  test('is refused when either account is closed', () => {
    const gone = fold(account, [opened('acc-2'), closed('acc-2')]);
    expect(refusal(decideTransfer(account, transfer('1'), alice, gone))).toBe('account-closed');
    const goneFrom = fold(account, [opened('acc-1'), closed('acc-1')]);
    expect(refusal(decideTransfer(account, transfer('1'), goneFrom, bob))).toBe('account-closed');
  });

  test('is refused between currencies', () => {
    const euros = fold(account, [opened('acc-2', { currency: 'EUR' })]);
    expect(refusal(decideTransfer(account, transfer('1'), alice, euros))).toBe('currency-mismatch');
  });

  test('names accounts that do not exist', () => {
    const none = account.initialState();
    expect(refusal(decideTransfer(account, transfer('1'), none, bob))).toBe('not-found');
    expect(refusal(decideTransfer(account, transfer('1'), alice, none))).toBe('not-found');
  });

  test('a closed or foreign account is reported before suspected fraud: no alert for an impossible transfer', () => {
    const euros = fold(account, [opened('acc-2', { currency: 'EUR' })]);
    const decision = decideTransfer(account, transfer('50000'), alice, euros);
    expect(isRejection(decision) && [decision.code, decision.events]).toEqual(['currency-mismatch', []]);
  });

  test('the sender is screened for fraud; the refusal carries the alert', () => {
    const decision = decideTransfer(
      account,
      transfer('10000.01'),
      fold(account, openedWith('acc-1', '50000')),
      bob,
    );
    expect(isRejection(decision) && [decision.code, decision.extensions, decision.events]).toEqual([
      'fraud-suspected',
      { rule: 'large-amount' },
      [
        FraudAlertRaised({
          alertId: 'tr-1',
          accountId: 'acc-1',
          rule: 'large-amount',
          operation: 'transfer_out',
          amount: money('10000.01'),
          counterpartyAccountId: 'acc-2',
          at: T0,
        }),
      ],
    ]);
  });
});

describe('the transfer handler', () => {
  async function twoAccounts(store: EventStore = new InMemoryEventStore(), currency = 'USD') {
    const accounts = accountCommandHandlers({ store, fraud: defaultFraudLimits });
    const open = (accountId: string, initial: string, cur = 'USD') =>
      accounts.openAccount(
        OpenAccount(
          {
            accountId,
            transactionId: `${accountId}-open`,
            customerId: 'alice',
            type: 'checking',
            initialDeposit: money(initial, { allowZero: true }),
            currency: cur,
          },
          at(T0),
        ),
      );
    await open('acc-1', '100');
    await open('acc-2', '0', currency);
    return {
      store,
      handle: transferHandler({ store, fraud: defaultFraudLimits, retry: { attempts: 20, baseDelayMs: 1 } }),
    };
  }
  const types = async (store: EventStore, accountId: string) =>
    (await store.readStream(`bank.account-${accountId}`)).map((e) => e.type);

  test('appends both legs atomically, with ids derived from the command, and answers the position', async () => {
    const { store, handle } = await twoAccounts();
    const command = transfer('30', 'acc-1', 'acc-2', after(5));
    const result = await handle(command);
    const [out] = await store.readStream('bank.account-acc-1', { direction: 'backward', limit: 1 });
    const [into] = await store.readStream('bank.account-acc-2', { direction: 'backward', limit: 1 });
    expect(result).toEqual({ transferId: 'tr-1', position: into?.position });
    expect([out?.type, out?.id, into?.type, into?.id]).toEqual([
      'bank.TransferSent.v1',
      `${command.metadata.messageId}:0`,
      'bank.TransferReceived.v1',
      `${command.metadata.messageId}:1`,
    ]);
    expect(into?.data).toMatchObject({
      transactionId: 'tr-1:in',
      counterpartyAccountId: 'acc-1',
      balanceAfter: 3000n,
    });
  });

  test('the same command twice moves the money once', async () => {
    const { store, handle } = await twoAccounts();
    const command = transfer('30');
    const first = await handle(command);
    expect(await handle(command)).toEqual(first);
    expect(await types(store, 'acc-2')).toEqual(['bank.AccountOpened.v1', 'bank.TransferReceived.v1']);
  });

  test('a refused transfer records neither leg', async () => {
    const { store, handle } = await twoAccounts();
    const error: unknown = await handle(transfer('100.01')).catch((e: unknown) => e);
    expect(isDomainError(error) && error.code).toBe('insufficient-funds');
    expect(await types(store, 'acc-1')).toEqual(['bank.AccountOpened.v1', 'bank.OpeningDepositMade.v1']);
    expect(await types(store, 'acc-2')).toEqual(['bank.AccountOpened.v1']);
  });

  test('a suspected fraud records the alert in the sender stream only, and moves no money', async () => {
    const { store, handle } = await twoAccounts();
    const command = transfer('10000.01');
    const error: unknown = await handle(command).catch((e: unknown) => e);
    expect(isDomainError(error) && [error.code, error.extensions]).toEqual([
      'fraud-suspected',
      { rule: 'large-amount' },
    ]);
    const [alert] = await store.readStream('bank.account-acc-1', { direction: 'backward', limit: 1 });
    expect([alert?.type, alert?.id]).toEqual([
      'bank.FraudAlertRaised.v1',
      `${command.metadata.messageId}:rejected:0`,
    ]);
    expect(await types(store, 'acc-2')).toEqual(['bank.AccountOpened.v1']);
  });

  test('between the same account is a validation error', async () => {
    const { handle } = await twoAccounts();
    const error: unknown = await handle(
      Transfer({ transferId: 't', fromAccountId: 'acc-1', toAccountId: 'acc-1', amount: 1n }, at(T0)),
    ).catch((e: unknown) => e);
    expect(isValidationError(error) && error.issues).toEqual([
      { path: 'toAccountId', message: 'must differ from fromAccountId' },
    ]);
    expect(
      TransferBody.safeParse({ fromAccountId: 'a', toAccountId: 'a', amount: '1' }).error?.issues[0],
    ).toMatchObject({
      path: ['toAccountId'],
      message: 'must differ from fromAccountId',
    });
  });

  test('to or from an account that does not exist is not found', async () => {
    const { handle } = await twoAccounts();
    for (const command of [transfer('1', 'acc-1', 'nope'), transfer('1', 'nope', 'acc-2')]) {
      const error: unknown = await handle(command).catch((e: unknown) => e);
      expect(isNotFoundError(error)).toBe(true);
    }
  });

  test('between currencies is refused', async () => {
    const { handle } = await twoAccounts(new InMemoryEventStore(), 'EUR');
    const error: unknown = await handle(transfer('1')).catch((e: unknown) => e);
    expect(isDomainError(error) && error.code).toBe('currency-mismatch');
  });

  test('concurrent transfers out of one account are serialized: the balance never goes below zero', async () => {
    const store = countingConflicts(new InMemoryEventStore());
    const { handle } = await twoAccounts(store);
    const outcomes = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        handle(
          Transfer(
            { transferId: `tr-${i}`, fromAccountId: 'acc-1', toAccountId: 'acc-2', amount: money('30') },
            at(after(i * 61)),
          ),
        ).then(
          () => 'accepted',
          (e: unknown) => (isDomainError(e) ? e.code : String(e)),
        ),
      ),
    );
    expect(store.conflicts()).toBeGreaterThan(0);
    expect(outcomes.sort()).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'insufficient-funds',
      'insufficient-funds',
    ]);
    const balances = await Promise.all(
      ['acc-1', 'acc-2'].map(async (id) => {
        const s = fold(account, (await store.readStream(`bank.account-${id}`)) as never);
        return s.status === 'open' ? s.balance : -1n;
      }),
    );
    expect(balances).toEqual([money('10'), money('90')]);
  });
});
