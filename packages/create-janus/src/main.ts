#!/usr/bin/env node
// `npm create janus@latest my-service`: makes the service in ./my-service and says what to do next.
import process from 'node:process';
import { ScaffoldError, ownVersion, scaffold } from './scaffold.js';

const USAGE = 'usage: npm create janus@latest <folder>   (or: npx create-janus <folder>)\n';

function main(args: readonly string[]): number {
  const [target, ...rest] = args;
  if (target === undefined || target === '--help' || target === '-h' || rest.length > 0) {
    process.stderr.write(USAGE);
    return target === '--help' || target === '-h' ? 0 : 2;
  }
  try {
    const dir = scaffold({ target, janusVersion: ownVersion() });
    process.stdout.write(
      [
        `Made a Janus service in ${dir}. Next:`,
        '',
        `  cd ${target}`,
        '  npm install',
        '  npm test',
        '  npm start',
        '',
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    if (error instanceof ScaffoldError) {
      process.stderr.write(`create-janus: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
