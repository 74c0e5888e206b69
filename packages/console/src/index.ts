// The public API of @janus/console: the admin console as a Fastify plugin, and the parser its UI reads
// the live feed with (for any client of the feed).
export { adminConsole } from './adminConsole.js';
export type { AdminConsoleOptions, ConsoleProjections } from './adminConsoleOptions.js';
export { CONSOLE_ASSETS } from './consoleAssets.js';
export { SseParser, sseMessages, type SseMessage } from './sseParser.js';
