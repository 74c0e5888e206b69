// 4. Appends of 100 events each (one transaction each), each to a new stream, one caller.
import { cutShort, runCallers } from '../callers.js';
import { latencies } from '../stats.js';
import { count, deposited, measureSystems, type Workload } from '../workload.js';

export const batchAppends: Workload = {
  id: '4',
  title: '100-event appends',
  async run(context) {
    const { batchAppends: appends, batchSize } = context.sizes;
    const events = Array.from({ length: batchSize }, () => deposited());
    const figures = await measureSystems(context, {
      workload: '4',
      unit: 'events/s',
      higherIsBetter: true,
      async sample(subject) {
        await subject.appendMany('warmup', events);
        const run = await runCallers(
          appends,
          1,
          (i) => subject.appendMany(`stream-${i}`, events),
          context.sizes.limitSeconds,
        );
        return {
          value: (run.done * batchSize) / run.seconds,
          ...latencies(run.latencies),
          ...cutShort(run, appends),
        };
      },
    });
    const size = `${count(appends * batchSize)} events in ${count(appends)} appends of ${batchSize}`;
    return [{ id: '4', title: this.title, size, figures }];
  },
};
