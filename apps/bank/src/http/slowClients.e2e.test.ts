// A client that trickles its request (a byte at a time, slower than any real client) held its connection
// open for as long as it liked: Fastify's request timeout was off. Now the whole request must arrive within
// HTTP_REQUEST_TIMEOUT_MS and its headers within HTTP_HEADERS_TIMEOUT_MS, else the connection is closed.
// What is asserted is how much the client got to send before the close: a trickle that would take 10 s
// is cut off long before its end (the limits here are 1 s and 0.5 s).
import net from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { KEYS, openAccount, serveBank, type TestBank } from '../testing/bankServer.js';

let bank: TestBank;
let accountId: string;
beforeAll(async () => {
  bank = await serveBank({ HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '500' });
  accountId = (await openAccount(bank.call, { customerId: 'alice', initialDeposit: '1' })).accountId;
});
afterAll(() => bank.close());

/**
 * Sends `head` at once, then `trickle` one byte every 100 ms (`silent`: only waits as long). Answers how
 * many bytes of the trickle went out before the server closed the connection (all of them: it never
 * did), and what it answered.
 */
async function trickle(
  head: string,
  trickle: string,
  { silent = false } = {},
): Promise<{ sent: number; answer: string }> {
  const { port } = new URL(bank.url);
  const socket = net.connect(Number(port), '127.0.0.1');
  let answer = '';
  const connection = { closed: false };
  socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
  socket.on('error', () => undefined);
  const gone = new Promise<void>((resolve) =>
    socket.once('close', () => {
      connection.closed = true;
      resolve();
    }),
  );
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(head);
  let sent = 0;
  for (const byte of trickle) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (connection.closed) break;
    if (!silent) socket.write(byte);
    sent++;
  }
  socket.destroy();
  await gone;
  return { sent, answer };
}

const BODY = JSON.stringify({ amount: '1', description: 'x'.repeat(80) });

test('a body trickled a byte at a time is cut off, and moves no money', async () => {
  const head = await bank.bank.events.head();
  const { sent, answer } = await trickle(
    `POST /accounts/${accountId}/deposits HTTP/1.1\r\nHost: bank\r\nAuthorization: Bearer ${KEYS.teller}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n\r\n`,
    BODY,
  );
  expect(sent).toBeLessThan(BODY.length);
  expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  expect(await bank.bank.events.head()).toBe(head);
});

test('headers trickled a byte at a time are cut off', async () => {
  const headers = `GET /accounts/${accountId} HTTP/1.1\r\nHost: bank\r\nAuthorization: Bearer ${KEYS.teller}\r\nX-Padding: ${'p'.repeat(60)}\r\n\r\n`;
  const { sent } = await trickle('', headers);
  expect(sent).toBeLessThan(headers.length);
});

test('a connection that sends nothing at all is closed', async () => {
  // 100 ticks of 100 ms in which it writes nothing: the server closes it after the headers timeout.
  const { sent } = await trickle('', ' '.repeat(100), { silent: true });
  expect(sent).toBeLessThan(100);
});
