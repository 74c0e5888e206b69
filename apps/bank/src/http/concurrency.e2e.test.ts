// Many transfers at once among a few accounts: optimistic concurrency serializes them, and money is
// neither made nor lost.
import { money, formatMoney } from '@janus/money';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { AccountView } from '../accounts/accountsView.js';
import type { TransactionPage } from '../history/listTransactions.js';
import type { TransactionItem } from '../history/transactionHistory.js';
import { after, openAccount, serveBank, type TestBank } from '../testing/bankServer.js';

let bank: TestBank;
beforeAll(async () => {
  // Fraud limits out of the way: 200 transfers in a second would trip the velocity rule at once.
  bank = await serveBank({
    BANK_FRAUD_LARGE_AMOUNT: '1000000000',
    BANK_FRAUD_VELOCITY_MAX: '999999999',
    BANK_FRAUD_DAILY_LIMIT: '1000000000',
  });
});
afterAll(() => bank.close());

const TRANSFERS = 200;
const INITIAL = '1000';

/** Every item of an account, newest first, page by page. */
async function history(accountId: string, headers: Record<string, string>): Promise<TransactionItem[]> {
  const items: TransactionItem[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const answer = await bank.call('GET', `/accounts/${accountId}/transactions?limit=500${query}`, {
      headers,
    });
    expect(answer.status).toBe(200);
    const page = answer.body as unknown as TransactionPage;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

const cents = (amount: string) => (amount.startsWith('-') ? -money(amount.slice(1)) : money(amount));

test(`${TRANSFERS} concurrent random transfers among 4 accounts conserve the total, never overdraw`, async () => {
  const accounts: string[] = [];
  for (let i = 0; i < 4; i += 1) {
    accounts.push((await openAccount(bank.call, { customerId: 'pool', initialDeposit: INITIAL })).accountId);
  }
  const pick = () => accounts[Math.floor(Math.random() * accounts.length)]!;
  const answers = await Promise.all(
    Array.from({ length: TRANSFERS }, () => {
      const from = pick();
      let to = pick();
      while (to === from) to = pick();
      // 0.01 to 600.00: some transfers must find the money gone
      const amount = formatMoney(BigInt(1 + Math.floor(Math.random() * 60_000)));
      return bank.call('POST', '/transfers', { json: { fromAccountId: from, toAccountId: to, amount } });
    }),
  );
  const outcomes = new Map<string, number>();
  for (const answer of answers) {
    const outcome = answer.status === 201 ? 'created' : String(answer.body.type);
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }
  // Only these outcomes; 409 is allowed by the contract when retries run out, but must stay rare.
  for (const outcome of outcomes.keys()) {
    expect(['created', '/problems/insufficient-funds', '/problems/concurrency-conflict']).toContain(outcome);
  }
  const created = outcomes.get('created') ?? 0;
  expect(created).toBeGreaterThan(TRANSFERS / 4);
  expect(outcomes.get('/problems/concurrency-conflict') ?? 0).toBeLessThanOrEqual(TRANSFERS / 50);

  const headers = after(await bank.bank.events.head());
  let total = 0n;
  let transfersOut = 0;
  let transfersIn = 0;
  for (const accountId of accounts) {
    const view = (await bank.call('GET', `/accounts/${accountId}`, { headers }))
      .body as unknown as AccountView;
    const balance = cents(view.balance);
    expect(balance).toBeGreaterThanOrEqual(0n);
    total += balance;

    const items = await history(accountId, headers);
    const oldestFirst = [...items].reverse();
    let running = 0n;
    for (const item of oldestFirst) {
      running += cents(item.amount);
      expect(cents(item.balanceAfter)).toBe(running); // each balanceAfter is the running sum...
      expect(running).toBeGreaterThanOrEqual(0n); // ...and never negative
    }
    expect(running).toBe(balance); // the history sums to the balance
    transfersOut += items.filter((i) => i.kind === 'transfer_out').length;
    transfersIn += items.filter((i) => i.kind === 'transfer_in').length;
  }
  expect(formatMoney(total)).toBe(formatMoney(4n * money(INITIAL)));
  expect(transfersOut).toBe(created); // every acknowledged transfer, once; no refused one
  expect(transfersIn).toBe(created);
  console.log(`outcomes of ${TRANSFERS} concurrent transfers:`, Object.fromEntries(outcomes));
});
