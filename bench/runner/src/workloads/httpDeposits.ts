// 9. The bank over HTTP: deposits from 32 connections for 20 s (autocannon), spread over 100 accounts.
import autocannon from 'autocannon';
import { startBank, TELLER_KEY, TELLER_RATE_LIMIT_PER_MINUTE } from '../bank.js';
import type { Figure, Sample } from '../figure.js';
import { inFreshPlace } from '../places.js';
import { count, summarize, type Workload } from '../workload.js';
import { versionsOf } from '../versions.js';

export const httpDeposits: Workload = {
  id: '9',
  title: 'The bank over HTTP: deposits',
  async run(context) {
    const { httpSeconds, httpAccounts, callers, repetitions } = context.sizes;
    const figures: Figure[] = [];
    for (const system of context.systems.filter((s) => s.system === 'Janus')) {
      const base = { workload: '9', system: 'Janus bank', store: system.store };
      const shape = { unit: 'requests/s', higherIsBetter: true };
      const version = `@janus/bank, ${versionsOf('@janus/http', 'autocannon')}`;
      if (!system.open) {
        figures.push({ ...base, ...shape, version, value: null, runs: [], note: system.unavailable });
        continue;
      }
      const samples: Sample[] = [];
      try {
        for (let r = 0; r < repetitions; r++) {
          samples.push(
            await inFreshPlace(system.store === 'postgres', async (place) => {
              const bank = await startBank(system.store, place);
              try {
                const ids: string[] = [];
                for (let i = 0; i < httpAccounts; i++) ids.push(await bank.openAccount());
                return await deposits(bank.url, ids, callers, httpSeconds);
              } finally {
                await bank.stop();
              }
            }),
          );
        }
        figures.push(summarize(base, shape, version, samples));
      } catch (error) {
        context.log(`  bank on ${system.store} failed: ${String(error)}`);
        figures.push({
          ...base,
          ...shape,
          version,
          value: null,
          runs: [],
          note: `failed: ${String(error)}`,
          failed: true,
        });
      }
    }
    const size = `${httpSeconds} s, ${callers} connections, ${count(httpAccounts)} accounts`;
    return [{ id: '9', title: this.title, size, figures }];
  },
};

/** Autocannon's run: requests per second (mean of its per-second samples), p50 and p99 latency in ms. */
async function deposits(
  url: string,
  ids: readonly string[],
  connections: number,
  seconds: number,
): Promise<Sample> {
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${TELLER_KEY}`, 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        body: JSON.stringify({ amount: '1.00' }),
        setupRequest: (request) => ({
          ...request,
          path: `/accounts/${ids[next++ % ids.length] ?? ''}/deposits`,
        }),
      },
    ],
  });
  const failures = result.non2xx + result.errors + result.timeouts;
  if (failures > 0) {
    throw new Error(
      `${result.non2xx} answers were not 2xx, ${result.errors} errors, ${result.timeouts} timeouts ` +
        `(of ${result.requests.total} requests)`,
    );
  }
  return {
    value: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    note: `${count(result.requests.total)} deposits; rate limit ${count(TELLER_RATE_LIMIT_PER_MINUTE)}/min for the teller key (RATE_LIMIT_TELLER)`,
  };
}
