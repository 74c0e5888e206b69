// Each live console feed (Server-Sent Events) holds a connection and a polling loop for as long as it
// stays open, and one key could open as many as it liked. Now a key has at most LIVE_FEEDS_PER_KEY open
// at once; one more is a 429 problem with Retry-After, and a feed that ends gives its place back.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { serveBank, type TestBank } from '../testing/bankServer.js';

const TELLER = 'live-feed-teller-key-1';
const OTHER_TELLER = 'live-feed-teller-key-2';
let bank: TestBank;
const open: AbortController[] = [];
beforeAll(async () => {
  bank = await serveBank({
    BANK_API_KEYS: `${TELLER}=teller,${OTHER_TELLER}=teller`,
    LIVE_FEEDS_PER_KEY: '2',
  });
});
afterAll(async () => {
  for (const feed of open) feed.abort();
  await bank.close();
});

/** Opens a live feed; for a 200, reads its first message so that the feed is surely running. */
async function liveFeed(key: string): Promise<{ status: number; response: Response; feed: AbortController }> {
  const feed = new AbortController();
  open.push(feed);
  const response = await fetch(`${bank.url}/admin/api/live`, {
    headers: { authorization: `Bearer ${key}` },
    signal: feed.signal,
  });
  if (response.status === 200) {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first: { value?: Uint8Array } = await reader.read();
    reader.releaseLock();
    expect(new TextDecoder().decode(first.value)).toContain('retry:');
  }
  return { status: response.status, response, feed };
}

test('a key gets LIVE_FEEDS_PER_KEY live feeds at once; one more is a 429 until one ends', async () => {
  const first = await liveFeed(TELLER);
  const second = await liveFeed(TELLER);
  expect([first.status, second.status]).toEqual([200, 200]);

  const third = await liveFeed(TELLER);
  expect(third.status).toBe(429);
  expect(third.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(third.response.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
  expect(await third.response.json()).toMatchObject({ type: '/problems/rate-limited', status: 429 });

  // Another key has its own places.
  expect((await liveFeed(OTHER_TELLER)).status).toBe(200);

  // A feed that ends gives its place back (once the server saw the connection close).
  first.feed.abort();
  let status = 429;
  for (let attempt = 0; attempt < 50 && status === 429; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await liveFeed(TELLER);
    status = again.status;
    if (status === 429) await again.response.body?.cancel();
  }
  expect(status).toBe(200);
});
