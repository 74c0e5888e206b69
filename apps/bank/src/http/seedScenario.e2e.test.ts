import { afterAll, beforeAll, describe, test } from 'vitest';
import { serveBank, type TestBank } from '../testing/bankServer.js';
import { seedScenario } from '../testing/seedScenario.js';

describe('the seed scenario on SQLite (the default store)', () => {
  let bank: TestBank;
  beforeAll(async () => {
    bank = await serveBank();
  });
  afterAll(() => bank.close());

  test('1000 + 5000, deposit 500, transfer 200 → 1300.00 and 5200.00, three items, totals 6500.00', () =>
    seedScenario(bank.call, 'alice'));
});
