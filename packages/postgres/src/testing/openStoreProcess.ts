// A child process for migrate.int.test.ts: `node dist/testing/openStoreProcess.js <url> <schema>`.
// Prints `ready` once loaded, waits for a line on stdin (so that several processes open the store at the
// same moment), opens a PostgresEventStore on the schema (creating or migrating it), appends one event
// to the stream `process-<pid>`, and prints one JSON line: { ok: true } or { ok: false, name, message }.
import { PostgresEventStore } from '../postgresEventStore.js';

const [url, schema] = process.argv.slice(2);

async function run(url: string, schema: string): Promise<void> {
  try {
    const store = await PostgresEventStore.open(url, { schema, poolSize: 1 });
    try {
      await store.append(`process-${process.pid}`, [{ type: 'test.Opened.v1', data: { pid: process.pid } }]);
    } finally {
      await store.close();
    }
    process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
  } catch (error) {
    const { name, message } = error instanceof Error ? error : { name: 'unknown', message: String(error) };
    process.stdout.write(`${JSON.stringify({ ok: false, name, message })}\n`);
    process.exitCode = 1;
  }
}

if (url === undefined || schema === undefined) {
  process.stderr.write('usage: node openStoreProcess.js <url> <schema>\n');
  process.exitCode = 2;
} else {
  process.stdout.write('ready\n');
  process.stdin.once('data', () => {
    process.stdin.pause();
    void run(url, schema);
  });
}
