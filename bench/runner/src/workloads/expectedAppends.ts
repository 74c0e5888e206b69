// 2. Single-event appends to one stream, each expecting the version the previous one left.
import { cutShort, runCallers } from '../callers.js';
import { latencies } from '../stats.js';
import { count, deposited, measureSystems, type Workload } from '../workload.js';

export const expectedAppends: Workload = {
  id: '2',
  title: 'Single-event appends to one stream with the expected version',
  async run(context) {
    const total = context.sizes.expectedAppends;
    const figures = await measureSystems(context, {
      workload: '2',
      unit: 'events/s',
      higherIsBetter: true,
      async sample(subject) {
        await subject.appendToNewStream('stream', deposited());
        const run = await runCallers(
          total,
          1,
          (i) => subject.appendExpecting('stream', deposited(), i + 1),
          context.sizes.limitSeconds,
        );
        return { value: run.done / run.seconds, ...latencies(run.latencies), ...cutShort(run, total) };
      },
    });
    return [{ id: '2', title: this.title, size: `${count(total)} appends, one caller`, figures }];
  },
};
