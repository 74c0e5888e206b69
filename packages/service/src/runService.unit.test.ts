import { describe, expect, test } from 'vitest';
import type { ApiKeySet } from './apiKeys.js';
import type { RunningService, Service } from './defineService.js';
import { serviceBanner } from './runService.js';

const keys: ApiKeySet = {
  keys: [{ key: 'k-teller', role: 'teller' }],
  source: 'variable',
  created: false,
  file: undefined,
  warnings: [],
  principals: new Map(),
} as unknown as ApiKeySet;

const running = {
  url: 'http://127.0.0.1:3000',
  storage: 'events and read models in SQLite /d/bank.db',
  apiKeys: keys,
};

describe('serviceBanner', () => {
  test('the listening line first, then the service’s own lines, the storage and the keys', () => {
    const service = {
      name: 'bank',
      roles: { variable: 'BANK_API_KEYS' },
      banner: (url: string) => [`Web UI: ${url}/`],
    } as unknown as Service;
    expect(serviceBanner(service, running as unknown as RunningService)).toEqual([
      'Janus bank listening on http://127.0.0.1:3000',
      'Web UI: http://127.0.0.1:3000/',
      'Storage: events and read models in SQLite /d/bank.db',
      'API keys: 1 from BANK_API_KEYS (teller)',
    ]);
  });

  test('without its own lines', () => {
    const service = { name: 'shop', roles: { variable: 'SHOP_API_KEYS' } } as unknown as Service;
    expect(serviceBanner(service, running as unknown as RunningService)[1]).toBe(
      'Storage: events and read models in SQLite /d/bank.db',
    );
  });
});
