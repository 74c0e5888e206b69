#!/usr/bin/env node
// The janus command: parses the command line and runs it.
import { run } from './run.js';

// `janus events tail --follow | head`: a closed pipe ends the command quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await run(process.argv.slice(2));
