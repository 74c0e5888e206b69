// The bank's web UI in a real Chromium, against the real service on a temporary SQLite file: sign in,
// open accounts, move money and see the new balances without reloading, refusals in plain words, a PDF
// statement, what each role is shown, and a phone-width screen. Needs `npm run build:web` first.
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, screenshotPath } from '@janus/test-support/chromium';
import { BANK_UI_DIR } from '../http/bankUi.js';
import { KEYS, after, openAccount, serveBank, type TestBank } from '../testing/bankServer.js';

let bank: TestBank;
let browser: Browser;
/** Every URL the pages asked for: all must be the service's own, and none may hold a key. */
const requested: string[] = [];
const contexts: BrowserContext[] = [];
/** Alice's accounts, opened through the UI by the first test. */
const alice = { checking: '', savings: '' };
/** What the pages' Content-Security-Policy refused, and script errors: there must be none. */
const refused: string[] = [];

beforeAll(async () => {
  try {
    await readFile(`${BANK_UI_DIR}index.html`);
  } catch {
    throw new Error(`the bank's web UI is not built in ${BANK_UI_DIR}: run \`npm run build:web\` first`);
  }
  bank = await serveBank();
  browser = await launchChromium();
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  // Either may be missing when beforeAll failed: its error is the one to see.
  await (browser as Browser | undefined)?.close();
  await (bank as TestBank | undefined)?.close();
  expect(refused).toEqual([]);
});

async function newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  page.on('request', (request) => requested.push(request.url()));
  page.on('pageerror', (error) => refused.push(error.message));
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) refused.push(message.text());
  });
  return page;
}

async function signIn(page: Page, key: string): Promise<void> {
  await page.goto(`${bank.url}/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

const balance = (page: Page, text: string) => page.getByTestId('balance').filter({ hasText: text }).waitFor();

const alert = (within: Page | Locator, text: string) => within.getByRole('alert').filter({ hasText: text });

/** An expression evaluated in the page (a string: this project's types know no DOM). */
const inPage = <T>(page: Page, expression: string): Promise<T> => page.evaluate<T>(expression);

const storedKey = (page: Page) => inPage<string | null>(page, "sessionStorage.getItem('janus.apiKey')");

/** The page was never reloaded: a value set on `window` at the start is still there. */
const markPage = (page: Page) => inPage(page, "window.janusTestMark = 'kept'");
const stillSamePage = (page: Page) => inPage<string | undefined>(page, 'window.janusTestMark');

/** Presses Tab until the focused element satisfies `expression` (evaluated in the page). */
async function tabTo(page: Page, expression: string): Promise<void> {
  for (let presses = 0; presses < 40; presses += 1) {
    await page.keyboard.press('Tab');
    if (await inPage<boolean>(page, expression)) return;
  }
  throw new Error(`Tab never reached ${expression}`);
}

describe('the bank UI in Chromium', () => {
  test('a customer opens two accounts, deposits, transfers and sees the new balances at once', async () => {
    const page = await newPage();
    await page.goto(`${bank.url}/`);
    await page.getByLabel('API key').fill('not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await alert(page, 'This API key is not valid.').waitFor();

    await signIn(page, KEYS.alice);
    expect(await storedKey(page)).toBe(KEYS.alice);
    expect(page.url()).not.toContain(KEYS.alice);
    await markPage(page);
    await page.getByText('alice has no accounts yet.').waitFor();
    await page.getByRole('main').getByRole('link', { name: 'Open an account' }).click();
    await page.getByRole('button', { name: 'Open the account' }).click();
    await page.waitForURL(/#\/accounts\/[^/]+$/);
    alice.checking = decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');
    await balance(page, '0.00');

    await nav(page, 'Open an account').click();
    await page.getByLabel('Type').selectOption('savings');
    await page.getByLabel('Initial deposit (optional)').fill('50');
    await page.getByRole('button', { name: 'Open the account' }).click();
    await page.waitForURL((url) => url.hash.startsWith('#/accounts/') && !url.hash.endsWith(alice.checking));
    alice.savings = decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');
    await balance(page, '50.00');

    await nav(page, 'My accounts').click();
    await page.getByRole('link', { name: 'Checking' }).click();
    const deposit = page.getByRole('form', { name: 'Deposit' });
    // Checked as it is typed, before anything is sent.
    await deposit.getByLabel('Amount (USD)').fill('12.345');
    await deposit.getByText('Use digits and at most two decimals').waitFor();
    await deposit.getByLabel('Amount (USD)').fill('500');
    await deposit.getByRole('button', { name: 'Deposit' }).click();
    await balance(page, '500.00');

    const transfer = page.getByRole('form', { name: 'Transfer' });
    expect(await transfer.getByLabel('To account', { exact: true }).inputValue()).toBe(alice.savings);
    await transfer.getByLabel('Amount (USD)').fill('200');
    await transfer.getByLabel('Description (optional)').fill('Rainy day');
    await transfer.getByRole('button', { name: 'Transfer' }).click();
    await balance(page, '300.00');
    await page
      .getByRole('cell', { name: /Transfer out to/ })
      .getByText('Rainy day')
      .waitFor();
    await page.getByText('2 transactions from').waitFor();
    await page.locator('.chart-box canvas').waitFor();
    await inPage(page, 'scrollTo(0, 0)');
    await page.screenshot({ path: await screenshotPath('bank-account.png') });

    await nav(page, 'My accounts').click();
    await page.locator(`[data-account="${alice.checking}"]`).filter({ hasText: '300.00 USD' }).waitFor();
    await page.locator(`[data-account="${alice.savings}"]`).filter({ hasText: '250.00 USD' }).waitFor();
    await page.locator('[data-currency="USD"]').filter({ hasText: '550.00' }).waitFor();
    await page.screenshot({ path: await screenshotPath('bank-summary.png') });
    expect(await stillSamePage(page)).toBe('kept');
  });

  test('refusals are said in plain words and change nothing', async () => {
    const page = await newPage();
    await signIn(page, KEYS.alice);
    await page.getByRole('link', { name: 'Savings' }).click();
    await balance(page, '250.00');

    const withdraw = page.getByRole('form', { name: 'Withdraw' });
    await withdraw.getByLabel('Amount (USD)').fill('1000');
    await withdraw.getByRole('button', { name: 'Withdraw' }).click();
    await alert(withdraw, 'Insufficient funds').waitFor();

    await nav(page, 'Transfer').click();
    const transfer = page.getByRole('form', { name: 'Transfer' });
    await transfer.getByLabel('From account', { exact: true }).selectOption(alice.savings);
    expect(await transfer.getByLabel('To account', { exact: true }).inputValue()).toBe(alice.checking);
    await transfer.getByLabel('Amount (USD)').fill('900');
    await transfer.getByRole('button', { name: 'Transfer' }).click();
    await alert(transfer, 'Insufficient funds').waitFor();
    await page.screenshot({ path: await screenshotPath('bank-transfer-error.png') });
    const summary = await bank.call('GET', `/accounts/${alice.savings}`, { as: 'alice' });
    expect(summary.body.balance).toBe('250.00');
  });

  test('a PDF statement is downloaded with the key in a header, never in a URL', async () => {
    const page = await newPage();
    await signIn(page, KEYS.alice);
    await page.getByRole('link', { name: 'Checking' }).click();
    await balance(page, '300.00');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download PDF' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^statement-.+-\d{4}-\d{2}\.pdf$/);
    const bytes = await readFile(await download.path());
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
    await page.getByText(/^Saved statement-.+\.pdf\.$/).waitFor();
  });

  test('a teller looks a customer up, sees a fraud refusal named, the alerts, and the admin console link', async () => {
    const page = await newPage();
    await signIn(page, KEYS.teller);
    await page.getByLabel('Customer id').fill('alice!');
    await page.getByText('Use 1 to 64 letters, digits').waitFor();
    await page.getByLabel('Customer id').fill('alice');
    await page.getByRole('button', { name: 'Show accounts' }).click();
    await page.locator(`[data-account="${alice.checking}"]`).filter({ hasText: '300.00 USD' }).waitFor();

    await page.getByRole('link', { name: 'Checking' }).click();
    const deposit = page.getByRole('form', { name: 'Deposit' });
    await deposit.getByLabel('Amount (USD)').fill('20000');
    await deposit.getByRole('button', { name: 'Deposit' }).click();
    await balance(page, '20,300.00');
    const withdraw = page.getByRole('form', { name: 'Withdraw' });
    await withdraw.getByLabel('Amount (USD)').fill('15000');
    await withdraw.getByRole('button', { name: 'Withdraw' }).click();
    await alert(
      withdraw,
      'Refused by the fraud rules: the amount is larger than one operation may move.',
    ).waitFor();

    await nav(page, 'Fraud alerts').click();
    await page
      .getByRole('row')
      .filter({ hasText: alice.checking })
      .filter({ hasText: 'Large amount' })
      .waitFor();
    await page.screenshot({ path: await screenshotPath('bank-fraud-alerts.png') });

    // The admin console shares the tab's key: no second sign-in.
    await nav(page, 'Admin console').click();
    await page.waitForURL(`${bank.url}/admin/**`);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.getByLabel('API key').count()).toBe(0);
    await page.goBack();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await storedKey(page)).toBeNull();
  });

  test('an auditor sees accounts and alerts but no command form', async () => {
    const page = await newPage();
    await signIn(page, KEYS.auditor);
    await nav(page, 'Fraud alerts').waitFor();
    await page.getByLabel('Customer id').fill('alice');
    await page.getByRole('button', { name: 'Show accounts' }).click();
    await page.getByRole('link', { name: 'Checking' }).click();
    await balance(page, '20,300.00');
    await page.getByRole('heading', { name: 'Transactions' }).waitFor();
    expect(await page.getByRole('form').count()).toBe(1); // the statement download only
    expect(await page.getByRole('form', { name: 'Download a statement' }).count()).toBe(1);
    for (const link of ['Open an account', 'Transfer', 'Admin console']) {
      expect(await nav(page, link).count(), link).toBe(0);
    }
  });

  test("the history pages through the service's cursors, newest first", async () => {
    const { accountId } = await openAccount(bank.call, { customerId: 'carol' });
    let position = 0;
    for (let n = 1; n <= 12; n += 1) {
      const answer = await bank.call('POST', `/accounts/${accountId}/deposits`, { json: { amount: `${n}` } });
      position = answer.body.position as number;
    }
    await bank.call('GET', `/accounts/${accountId}`, { headers: after(position) });
    const page = await newPage();
    await signIn(page, KEYS.auditor);
    await page.goto(`${bank.url}/#/accounts/${accountId}`);
    const rows = page.getByRole('table', { name: 'Transactions, newest first' }).locator('tbody tr');
    /** The newest row shown is the deposit of `amount` (its amount cell, exactly). */
    const newest = (amount: string) =>
      rows.first().getByRole('cell', { name: amount, exact: true }).waitFor();
    await newest('12.00');
    expect(await rows.count()).toBe(10);
    await page.getByRole('button', { name: 'Older' }).click();
    await page.getByText('Page 2').waitFor();
    await newest('2.00');
    expect(await rows.count()).toBe(2);
    expect(await page.getByRole('button', { name: 'Older' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Newer' }).click();
    await newest('12.00');
  });

  test('at 375 px wide the summary and the account page fit without scrolling sideways', async () => {
    const page = await newPage({ width: 375, height: 800 });
    await signIn(page, KEYS.alice);
    await page.locator(`[data-account="${alice.checking}"]`).waitFor();
    const overflow = () =>
      inPage<number>(page, 'document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(await overflow()).toBe(0);
    await page.screenshot({ path: await screenshotPath('bank-phone-summary.png') });
    await page.getByRole('link', { name: 'Checking' }).click();
    await page.locator('.chart-box canvas').waitFor();
    expect(await overflow()).toBe(0);
  });

  test('works with the keyboard alone: sign in, go to an account, deposit', async () => {
    const page = await newPage();
    await page.goto(`${bank.url}/`);
    await tabTo(page, "document.activeElement?.name === 'apiKey'");
    await page.keyboard.type(KEYS.alice);
    await page.keyboard.press('Enter');
    await page.locator(`[data-account="${alice.checking}"]`).waitFor();
    await tabTo(page, "document.activeElement?.textContent === 'Checking'");
    await page.keyboard.press('Enter');
    await balance(page, '20,300.00');
    await tabTo(
      page,
      "document.activeElement?.name === 'amount' && document.activeElement.closest('form')?.ariaLabel === 'Deposit'",
    );
    await page.keyboard.type('1');
    await page.keyboard.press('Enter');
    await balance(page, '20,301.00');
    await page.getByRole('status').filter({ hasText: 'Deposited 1.00 USD.' }).waitFor();
  });

  // Last: it looks at every request of the tests above.
  test('no page asked any host but the service, and no URL held a key', () => {
    expect(requested.length).toBeGreaterThan(0);
    // blob: URLs (the statement downloads) have the page's origin; data: URLs ask no host.
    expect(requested.filter((url) => !url.startsWith('data:') && new URL(url).origin !== bank.url)).toEqual(
      [],
    );
    expect(requested.filter((url) => Object.values(KEYS).some((key) => url.includes(key)))).toEqual([]);
  });
});
