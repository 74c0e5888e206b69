// 6. A full command round trip (load the account, decide a deposit, append with the expected version,
// retry on a conflict) over 1,000 accounts, from one caller and from 32.
import { cutShort, runCallers } from '../callers.js';
import type { WorkloadResult } from '../figure.js';
import { latencies } from '../stats.js';
import { count, measureSystems, warmupCount, type Workload } from '../workload.js';

export const commandRoundTrip: Workload = {
  id: '6',
  title: 'Command round trip: load, decide, append',
  async run(context) {
    const { accounts, commands } = context.sizes;
    const results: WorkloadResult[] = [];
    for (const [id, callers] of [
      ['6a', 1],
      ['6b', context.sizes.callers],
    ] as const) {
      const figures = await measureSystems(context, {
        workload: id,
        unit: 'commands/s',
        higherIsBetter: true,
        async sample(subject) {
          await subject.openAccounts(accounts);
          // Accounts in a scattered order, as customers come: concurrent callers rarely share one.
          const accountOf = (i: number) => `account-${(i * 7919) % accounts}`;
          await runCallers(warmupCount(commands), callers, (i) => subject.deposit(accountOf(i), 1));
          const run = await runCallers(
            commands,
            callers,
            (i) => subject.deposit(accountOf(i), 1),
            context.sizes.limitSeconds,
          );
          return { value: run.done / run.seconds, ...latencies(run.latencies), ...cutShort(run, commands) };
        },
      });
      const size = `${count(commands)} deposits over ${count(accounts)} accounts, ${callers} caller${callers === 1 ? '' : 's'}`;
      results.push({
        id,
        title: `${this.title}, ${callers} caller${callers === 1 ? '' : 's'}`,
        size,
        figures,
      });
    }
    return results;
  },
};
