// The public API of @janus/cli: the program, for embedding or testing it in-process.
export { createProgram } from './program.js';
export { run } from './run.js';
export { exitCodes } from './cliError.js';
export type { CliIo, Output } from './io.js';
