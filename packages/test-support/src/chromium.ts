// Debian's Chromium driven by playwright-core, for the browser tests of the web UIs. The flags keep it off
// the network (this machine's is closed: without them it retries Google's hosts at every start).
import { access, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.JANUS_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Starts a headless Chromium; fails with the command that installs it when it is missing. */
export async function launchChromium(): Promise<Browser> {
  try {
    await access(CHROMIUM_PATH);
  } catch {
    throw new Error(
      `Chromium is not at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` ` +
        '(or set JANUS_CHROMIUM to its path). The browser tests need it.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS });
}

/**
 * Where a browser test saves a screenshot named `name` (`account.png`): JANUS_SCREENSHOTS_DIR when set
 * (`npm run screenshots` sets it to docs/screenshots, to refresh the docs' pictures), else a folder under
 * the OS's temp folder, so that `npm test` never changes files in the checkout.
 */
export async function screenshotPath(name: string): Promise<string> {
  const dir = process.env.JANUS_SCREENSHOTS_DIR ?? path.join(os.tmpdir(), 'janus-screenshots');
  await mkdir(dir, { recursive: true });
  return path.join(dir, name);
}
