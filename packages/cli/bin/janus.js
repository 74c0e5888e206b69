#!/usr/bin/env node
// The `janus` bin. npm links a workspace's bins at install time, before dist/ is built, and skips a bin
// whose file does not exist yet: this checked-in file always exists, so `npx janus` works once built.
/// <reference types="node" />
import { existsSync } from 'node:fs';
import process from 'node:process';

const main = new URL('../dist/main.js', import.meta.url);
if (existsSync(main)) {
  await import(main.href);
} else {
  process.stderr.write(
    'janus: the CLI is not built yet (packages/cli/dist/main.js is missing).\n' +
      'Run `npm run build` (or `npm start`) at the root of the Janus repository, then try again.\n',
  );
  process.exitCode = 1;
}
