// The seed scenario of the contract, over HTTP: what every store the bank runs on must answer the same.
import { expect } from 'vitest';
import type { AccountView } from '../accounts/accountsView.js';
import type { CustomerSummary } from '../accounts/accountQueries.js';
import type { TransactionPage } from '../history/listTransactions.js';
import { after, badMoney, type Call } from './bankServer.js';

/**
 * Checking opened with "1000" and savings with "5000" for one customer, "500" deposited to checking,
 * "200" transferred to savings: balances "1300.00" and "5200.00", three items on checking, totals
 * {"USD":"6500.00"}. Every query reads its writes with X-Min-Position.
 */
export async function seedScenario(call: Call, customerId: string): Promise<void> {
  const open = async (type: string, initialDeposit: string) => {
    const answer = await call('POST', '/accounts', { json: { customerId, type, initialDeposit } });
    expect(answer.status, answer.text).toBe(201);
    const { accountId, position } = answer.body as { accountId: string; position: number };
    expect(answer.headers.get('location')).toBe(`/accounts/${accountId}`);
    expect(Object.keys(answer.body).sort()).toEqual(['accountId', 'position']);
    expect(Number.isSafeInteger(position)).toBe(true);
    return accountId;
  };
  const checking = await open('checking', '1000');
  const savings = await open('savings', '5000');

  const deposit = await call('POST', `/accounts/${checking}/deposits`, { json: { amount: '500' } });
  expect(deposit.status, deposit.text).toBe(201);
  expect(Object.keys(deposit.body).sort()).toEqual(['position', 'transactionId']);

  const transfer = await call('POST', '/transfers', {
    json: { fromAccountId: checking, toAccountId: savings, amount: '200', description: 'to savings' },
  });
  expect(transfer.status, transfer.text).toBe(201);
  expect(Object.keys(transfer.body).sort()).toEqual(['position', 'transferId']);
  const { position, transferId } = transfer.body as { position: number; transferId: string };
  expect(position).toBeGreaterThan(deposit.body.position as number);

  const checkingView = await call('GET', `/accounts/${checking}`, { headers: after(position) });
  expect(checkingView.status, checkingView.text).toBe(200);
  expect(Number(checkingView.headers.get('x-position'))).toBeGreaterThanOrEqual(position);
  expect(checkingView.body).toEqual({
    accountId: checking,
    customerId,
    type: 'checking',
    currency: 'USD',
    balance: '1300.00',
    status: 'open',
    openedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/) as unknown,
  } satisfies Record<keyof AccountView, unknown>);
  const savingsView = await call('GET', `/accounts/${savings}`, { headers: after(position) });
  expect((savingsView.body as unknown as AccountView).balance).toBe('5200.00');

  const history = await call('GET', `/accounts/${checking}/transactions`, { headers: after(position) });
  expect(history.status, history.text).toBe(200);
  const page = history.body as unknown as TransactionPage;
  expect(page.items.map((i) => [i.kind, i.amount, i.balanceAfter])).toEqual([
    ['transfer_out', '-200.00', '1300.00'],
    ['deposit', '500.00', '1500.00'],
    ['opening_deposit', '1000.00', '1000.00'],
  ]);
  expect(page.items[0]).toMatchObject({
    counterpartyAccountId: savings,
    transferId,
    description: 'to savings',
  });
  expect(page.nextCursor).toBeNull();

  const summary = await call('GET', `/customers/${customerId}/summary`, { headers: after(position) });
  expect(summary.status, summary.text).toBe(200);
  expect(summary.body).toEqual({
    customerId,
    accounts: [
      { accountId: checking, type: 'checking', currency: 'USD', balance: '1300.00', status: 'open' },
      { accountId: savings, type: 'savings', currency: 'USD', balance: '5200.00', status: 'open' },
    ],
    totals: { USD: '6500.00' },
  } satisfies CustomerSummary);
  for (const answer of [checkingView, savingsView, history, summary])
    expect(badMoney(answer.body)).toEqual([]);
}
