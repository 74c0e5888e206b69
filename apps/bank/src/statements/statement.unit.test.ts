import { inflateSync } from 'node:zlib';
import { isDomainError } from '@janus/core';
import { money } from '@janus/money';
import { describe, expect, test } from 'vitest';
import { Deposit, OpenAccount, Withdraw } from '../accounts/accountCommands.js';
import { at, bankInMemory } from '../testing/bankFixtures.js';
import { NOW, account, item, items } from '../testing/statementFixtures.js';
import { GetStatement, monthRange, monthlyStatement, type StatementView } from './monthlyStatement.js';
import { statementPdf } from './statementPdf.js';

describe('monthly statements', () => {
  test('opening balance is the balance before the month, closing the balance at its end', () => {
    expect(monthlyStatement(account, items, '2026-11', NOW)).toEqual({
      accountId: 'acc-7f3a',
      customerId: 'alice',
      month: '2026-11',
      currency: 'USD',
      openingBalance: '150.00', // balanceAfter of the last item before 1 November
      closingBalance: '140.00', // balanceAfter of the last item of November
      totalIn: '20.00',
      totalOut: '30.00',
      transactions: [
        {
          transactionId: 't-3',
          kind: 'withdrawal',
          amount: '-30.00',
          balanceAfter: '120.00',
          description: 'rent, "November"',
          occurredAt: '2026-11-01T00:00:00.000Z',
        },
        {
          transactionId: 't-4',
          kind: 'transfer_in',
          amount: '20.00',
          balanceAfter: '140.00',
          description: 'transfer_in',
          occurredAt: '2026-11-30T23:59:59.999Z',
        },
      ],
    });
  });

  test('the opening deposit counts as money in during its month', () => {
    expect(monthlyStatement(account, items, '2026-10', NOW)).toMatchObject({
      openingBalance: '0.00',
      closingBalance: '150.00',
      totalIn: '150.00',
      totalOut: '0.00',
    });
  });

  test('a month before the account existed is empty, from zero', () => {
    expect(monthlyStatement(account, items, '2026-09', NOW)).toMatchObject({
      openingBalance: '0.00',
      closingBalance: '0.00',
      transactions: [],
    });
  });

  test('the current month closes at now; a month not started yet is refused', () => {
    expect(monthlyStatement(account, items, '2026-12', NOW)).toMatchObject({
      openingBalance: '140.00',
      closingBalance: '145.00',
    });
    let error: unknown;
    try {
      monthlyStatement(account, items, '2027-01', NOW);
    } catch (e) {
      error = e;
    }
    expect(isDomainError(error) && error.code).toBe('month-not-started');
    expect(monthlyStatement(account, items, '2027-01', '2027-01-01T00:00:00.000Z').transactions).toEqual([]);
  });

  test('months are UTC calendar months; a malformed month is a validation error', async () => {
    expect(monthRange('2026-02')).toEqual({ start: Date.UTC(2026, 1, 1), end: Date.UTC(2026, 2, 1) });
    expect(monthRange('2026-12')).toEqual({ start: Date.UTC(2026, 11, 1), end: Date.UTC(2027, 0, 1) });
    // Years below 100 are years, not 1900 + the year (Date.UTC's two-digit rule).
    expect(monthRange('0001-01').start).toBe(Date.parse('0001-01-01T00:00:00.000Z'));
    expect(monthRange('0099-12').end).toBe(Date.parse('0100-01-01T00:00:00.000Z'));
    for (const month of ['2026-13', '2026-00', '2026-1', '26-11', '2026/11', '2026-11-01', '0000-01']) {
      await expect(GetStatement.validate({ accountId: 'a', month }), month).rejects.toThrow(/month/);
    }
  });

  test('through the query: "now" is the query time', async () => {
    const bank = await bankInMemory();
    try {
      await bank.commands.send(
        OpenAccount(
          {
            accountId: 'acc-1',
            transactionId: 'o',
            customerId: 'bob',
            type: 'savings',
            initialDeposit: money('10'),
            currency: 'EUR',
          },
          at('2026-10-31T12:00:00.000Z'),
        ),
      );
      await bank.commands.send(
        Deposit(
          { accountId: 'acc-1', transactionId: 'd', amount: money('5') },
          at('2026-11-05T12:00:00.000Z'),
        ),
      );
      const { position } = await bank.commands.send(
        Withdraw(
          { accountId: 'acc-1', transactionId: 'w', amount: money('2.5') },
          at('2026-12-05T12:00:00.000Z'),
        ),
      );
      await bank.caughtUp(position);
      const november = await bank.queries.ask(
        GetStatement({ accountId: 'acc-1', month: '2026-11' }, at('2026-12-06T00:00:00.000Z')),
      );
      expect(november).toMatchObject({
        customerId: 'bob',
        currency: 'EUR',
        openingBalance: '10.00',
        closingBalance: '15.00',
      });
      const refused: unknown = await bank.queries
        .ask(GetStatement({ accountId: 'acc-1', month: '2027-01' }, at('2026-12-06T00:00:00.000Z')))
        .catch((e: unknown) => e);
      expect(isDomainError(refused) && refused.code).toBe('month-not-started');
    } finally {
      await bank.stop();
    }
  });
});

/** The text a PDF shows: its content streams inflated, the strings of their TJ operators decoded. */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const lines: string[] = [];
  for (const match of raw.matchAll(/stream\r?\n/g)) {
    const start = match.index + match[0].length;
    const bytes = pdf.subarray(start, raw.indexOf('endstream', start));
    let content: string;
    try {
      content = inflateSync(bytes).toString('latin1');
    } catch {
      content = bytes.toString('latin1');
    }
    for (const tj of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      const strings = [...(tj[1] ?? '').matchAll(/<([0-9a-fA-F]*)>/g)];
      lines.push(strings.map((s) => Buffer.from(s[1] ?? '', 'hex').toString('latin1')).join(''));
    }
  }
  return lines.join('\n');
}

const pages = (pdf: Buffer) => pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0;

describe('PDF', () => {
  const november = monthlyStatement(account, items, '2026-11', NOW);

  test('is a valid PDF showing the bank, customer, account, period, balances, transactions and totals', async () => {
    const pdf = await statementPdf(november, { generatedAt: NOW });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toMatch(/%%EOF\s*$/);
    expect(pages(pdf)).toBe(1);
    const text = pdfText(pdf);
    for (const shown of [
      'Janus Bank',
      'Account statement - November 2026',
      'alice',
      'acc-7f3a',
      '1 November 2026 to 30 November 2026 (UTC)',
      'Opening balance',
      '150.00 USD',
      'Closing balance',
      '140.00 USD',
      'rent, "November"',
      '-30.00',
      'Total in',
      'Total out',
      'page 1 of 1',
    ]) {
      expect(text, shown).toContain(shown);
    }
  });

  test('opening and closing balances are the statement’s, with thousands separated', async () => {
    const big: StatementView = { ...november, openingBalance: '1234567.00', closingBalance: '1000000000.50' };
    const text = pdfText(await statementPdf(big, { generatedAt: NOW, bankName: 'Test Bank' }));
    expect(text).toContain('1,234,567.00 USD');
    expect(text).toContain('1,000,000,000.50 USD');
    expect(text).toContain('Test Bank');
  });

  test('a long month runs over several pages, each with its table header and page number', async () => {
    const many = Array.from({ length: 120 }, (_, i) =>
      item(
        'deposit',
        '1',
        String(i + 1),
        `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00.000Z`,
        `deposit ${i}`,
      ),
    );
    const pdf = await statementPdf(monthlyStatement(account, many, '2026-11', NOW), { generatedAt: NOW });
    const count = pages(pdf);
    expect(count).toBeGreaterThan(2);
    const text = pdfText(pdf);
    const pageTexts = text.split(/page [0-9]+ of [0-9]+/).slice(0, count);
    expect(pageTexts).toHaveLength(count);
    for (const page of pageTexts.filter((p) => /deposit [0-9]+/.test(p)))
      expect(page).toContain('Date (UTC)');
    for (let i = 0; i < 120; i++) expect(text).toContain(`deposit ${i}\n`);
    expect(text).toContain(`page ${count} of ${count}`);
  });

  test('an empty month says so; text the standard fonts cannot show becomes "?"', async () => {
    const empty = pdfText(
      await statementPdf(monthlyStatement(account, items, '2026-09', NOW), { generatedAt: NOW }),
    );
    expect(empty).toContain('No transactions in this period.');
    const odd = {
      ...november,
      transactions: [{ ...november.transactions[0]!, description: 'Café 日本 ok' }],
    };
    expect(pdfText(await statementPdf(odd, { generatedAt: NOW }))).toContain('Café ?? ok');
  });
});
