// The admin console (/admin/) in a real Chromium, mounted by the real bank on a temporary SQLite file:
// a teller signs in, finds an account's stream by prefix and steps through its events, watches the
// global log receive an event made after the page opened, sees every projection up to date, and rebuilds
// one with a progress bar; other keys are refused. Needs `npm run build:web` first.
import { readFile } from 'node:fs/promises';
import { CONSOLE_ASSETS } from '@janus/console';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, screenshotPath } from '@janus/test-support/chromium';
import { KEYS, openAccount, serveBank, type TestBank } from '../testing/bankServer.js';

/** Enough events that a rebuild takes several batches (the runner applies 500 per transaction). */
const DEPOSITS = 1200;
const ACCOUNTS = 12;

let bank: TestBank;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Every URL the pages asked for: all must be the service's own, and none may hold a key. */
const requested: string[] = [];
const accounts: string[] = [];
/** Errors in the pages' consoles, but for the 401 and 403 answers the refusal test asks for. */
const errors: string[] = [];

beforeAll(async () => {
  try {
    await readFile(`${CONSOLE_ASSETS}index.html`);
  } catch {
    throw new Error(`the admin console is not built in ${CONSOLE_ASSETS}: run \`npm run build:web\` first`);
  }
  bank = await serveBank();
  browser = await launchChromium();
  for (let i = 0; i < ACCOUNTS; i++) {
    const { accountId } = await openAccount(bank.call, { customerId: 'carol', initialDeposit: '100.00' });
    accounts.push(accountId);
  }
  // Deposits through the API, one account per worker (no two commands race on a stream).
  await Promise.all(
    accounts.map(async (accountId) => {
      for (let i = 0; i < DEPOSITS / ACCOUNTS; i++) {
        const answer = await bank.call('POST', `/accounts/${accountId}/deposits`, {
          json: { amount: '1.00' },
        });
        if (answer.status !== 201) throw new Error(`a deposit failed: ${answer.status} ${answer.text}`);
      }
    }),
  );
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser.close();
  await bank.close();
  expect(requested.filter((url) => !url.startsWith('data:') && new URL(url).origin !== bank.url)).toEqual([]);
  expect(requested.filter((url) => Object.values(KEYS).some((key) => url.includes(key)))).toEqual([]);
  expect(errors).toEqual([]);
});

async function newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  page.on('request', (request) => requested.push(request.url()));
  // A script error or a refused resource (the Content-Security-Policy) shows here.
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 40[13]/.test(message.text())) errors.push(message.text());
  });
  return page;
}

/** Signs in with the keyboard only: Tab to the key field, type, Enter. */
async function signIn(page: Page, key: string): Promise<void> {
  await page.goto(`${bank.url}/admin/`);
  await page.getByLabel('API key').waitFor();
  for (let presses = 0; presses < 10; presses++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate<boolean>("document.activeElement?.id === 'api-key'")) break;
  }
  await page.keyboard.type(key);
  await page.keyboard.press('Enter');
}

const section = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true });

const cell = (page: Page, projection: string, field: string) =>
  page.locator(`tr[data-projection="${projection}"] td[data-field="${field}"]`);

describe('the admin console in Chromium', () => {
  test('keys other than a teller’s are refused, in plain words', async () => {
    const page = await newPage();
    for (const key of [KEYS.auditor, KEYS.alice]) {
      await signIn(page, key);
      await page.getByRole('alert').filter({ hasText: 'may not use the admin console' }).waitFor();
      expect(await page.evaluate("sessionStorage.getItem('janus.apiKey')")).toBeNull();
    }
    // A key the bank's UI keeps in this tab, refused here: said so, and kept for the bank's UI.
    await page.evaluate(`sessionStorage.setItem('janus.apiKey', '${KEYS.auditor}')`);
    await page.reload();
    await page.getByRole('alert').filter({ hasText: 'may not use the admin console' }).waitFor();
    expect(await page.evaluate("sessionStorage.getItem('janus.apiKey')")).toBe(KEYS.auditor);
    await signIn(page, 'not-a-key');
    await page.getByRole('alert').filter({ hasText: 'This API key is not valid' }).waitFor();
  });

  test('a teller finds an account’s stream by prefix and steps through its events', async () => {
    const page = await newPage();
    await signIn(page, KEYS.teller);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(page.url()).not.toContain(KEYS.teller);
    await page.getByLabel('Stream id starts with').fill('bank.account-');
    await page.getByRole('button', { name: 'Search' }).click();
    const stream = `bank.account-${accounts[0]!}`;
    await page
      .getByRole('status')
      .filter({ hasText: `${ACCOUNTS} streams` })
      .waitFor();
    await page.screenshot({ path: await screenshotPath('console-streams.png') });

    await page.getByRole('link', { name: stream }).click();
    await page.getByRole('heading', { name: `Stream ${stream}` }).waitFor();
    const details = page.getByRole('article');
    await details.getByRole('heading', { name: 'bank.AccountOpened.v1' }).waitFor();
    expect(await details.getByLabel('Data as JSON', { exact: true }).textContent()).toContain(
      '"customerId": "carol"',
    );
    await page.getByText(`Version 1 of ${DEPOSITS / ACCOUNTS + 2}`).waitFor();

    await page.getByRole('button', { name: 'Next version →' }).click();
    await details.getByRole('heading', { name: 'bank.OpeningDepositMade.v1' }).waitFor();
    await page.getByRole('button', { name: 'Next version →' }).click();
    await details.getByRole('heading', { name: 'bank.MoneyDeposited.v1' }).waitFor();
    await page.getByText(`Version 3 of ${DEPOSITS / ACCOUNTS + 2}`).waitFor();
    expect(await details.getByLabel('Data as JSON', { exact: true }).textContent()).toContain(
      '"balanceAfter"',
    );
    expect(await details.getByLabel('Metadata as JSON').textContent()).toContain('"correlationId"');
    await page.getByRole('button', { name: '← Previous version' }).click();
    await details.getByRole('heading', { name: 'bank.OpeningDepositMade.v1' }).waitFor();
    await page.screenshot({ path: await screenshotPath('console-stream.png') });
  });

  test('the global log shows an event made after the page opened, without reloading', async () => {
    const page = await newPage();
    await signIn(page, KEYS.teller);
    await section(page, 'Global log').click();
    await page.getByRole('heading', { name: 'Global log' }).waitFor();
    await page.locator('.live-live').waitFor();
    const { body } = await bank.call('POST', `/accounts/${accounts[1]!}/deposits`, {
      json: { amount: '42.00', description: 'seen live' },
    });
    const position = (body as { position: number }).position;
    const item = page
      .getByRole('list', { name: 'Most recent events, newest first' })
      .getByRole('listitem')
      .first();
    await item.filter({ hasText: `#${position.toLocaleString('en-US')}` }).waitFor();
    await item.getByText('bank.MoneyDeposited.v1').click();
    expect(await item.getByLabel('Data as JSON', { exact: true }).textContent()).toContain(
      '"description": "seen live"',
    );
    await page.screenshot({ path: await screenshotPath('console-log.png') });
  });

  test('every projection is up to date; a rebuild shows its progress and ends up to date again', async () => {
    const page = await newPage();
    await signIn(page, KEYS.teller);
    await section(page, 'Projections').click();
    const head = (await bank.bank.events.head()).toLocaleString('en-US');
    for (const name of ['bank.accounts', 'bank.transactions', 'bank.fraud-alerts']) {
      await cell(page, name, 'position')
        .filter({ hasText: new RegExp(`^${head}$`) })
        .waitFor();
      await cell(page, name, 'head')
        .filter({ hasText: new RegExp(`^${head}$`) })
        .waitFor();
      await cell(page, name, 'lag').filter({ hasText: /^0$/ }).waitFor();
      await page.locator(`tr[data-projection="${name}"]`).getByText('Up to date').waitFor();
    }
    await page.screenshot({ path: await screenshotPath('console-projections.png') });

    // Every value the progress bar takes, as the page shows it.
    await page.evaluate(`
      window.progressSeen = [];
      new MutationObserver(() => {
        for (const bar of document.querySelectorAll('progress')) window.progressSeen.push(bar.value);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    `);
    await page.getByRole('button', { name: 'Rebuild bank.transactions' }).click();
    const bar = page.getByRole('progressbar', { name: 'Rebuild of bank.transactions' });
    await bar.waitFor();
    await page.screenshot({ path: await screenshotPath('console-rebuild.png') });
    await page
      .getByRole('status')
      .filter({ hasText: 'The rebuild of bank.transactions is finished' })
      .waitFor();
    await bar.waitFor({ state: 'detached' });
    await cell(page, 'bank.transactions', 'lag').filter({ hasText: /^0$/ }).waitFor();
    await page.locator('tr[data-projection="bank.transactions"]').getByText('Up to date').waitFor();
    const seen = await page.evaluate<number[]>('window.progressSeen');
    expect(seen.some((value) => value < 100)).toBe(true);
    // The rebuilt read model answers as before.
    const history = await bank.call('GET', `/accounts/${accounts[0]!}/transactions?limit=1`);
    expect(history.status).toBe(200);
  });

  test('a poison event stops the projections; each is unblocked by a confirmed skip, with a reason', async () => {
    const page = await newPage();
    await signIn(page, KEYS.teller);
    await section(page, 'Projections').click();
    await cell(page, 'bank.accounts', 'lag').filter({ hasText: /^0$/ }).waitFor();
    // Written past the command handlers, as a bad import or an old bug would have: a deposit without data.
    const poisoned = await bank.bank.events.append(`bank.account-${accounts[2]!}`, [
      { type: 'bank.MoneyDeposited.v1', data: null },
    ]);
    const at = Number(poisoned.position).toLocaleString('en-US');
    const skip = page.getByRole('button', { name: new RegExp(`^Skip the event at position ${at} for `) });
    await skip.first().waitFor();
    await page.getByText('Stopped by an error').first().waitFor();
    await page.getByText(`At position ${at}`).first().waitFor();
    await page.screenshot({ path: await screenshotPath('console-stopped.png') });
    const stopped = await skip.count();
    expect(stopped).toBeGreaterThan(0);
    for (let i = 0; i < stopped; i++) {
      await skip.first().click();
      const dialog = page.getByRole('dialog', { name: 'Skip a poison event?' });
      await dialog.waitFor();
      // Nothing is skipped without a reason; Enter in the dialog submits it.
      await dialog.getByRole('button', { name: 'Skip the event' }).click();
      await dialog.getByRole('alert').filter({ hasText: 'Say why the event is skipped' }).waitFor();
      await dialog.getByLabel('Reason').fill('a deposit without data, from a bad import');
      await dialog.getByRole('button', { name: 'Skip the event' }).press('Enter');
      await dialog.waitFor({ state: 'detached' });
      await page
        .getByRole('status')
        .filter({ hasText: `Skipped the event at position ${at}` })
        .waitFor();
    }
    await skip.first().waitFor({ state: 'detached' });
    for (const name of ['bank.accounts', 'bank.transactions', 'bank.fraud-alerts']) {
      await page.locator(`tr[data-projection="${name}"]`).getByText('Up to date').waitFor();
    }
  });

  test('readable at phone width: no page-wide horizontal scroll', async () => {
    const page = await newPage({ width: 375, height: 740 });
    await signIn(page, KEYS.teller);
    await section(page, 'Projections').click();
    await cell(page, 'bank.accounts', 'lag').waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.screenshot({ path: await screenshotPath('console-phone.png') });
  });
});
