// 5. Loading a 1,000-event stream and folding it into its state, again and again: milliseconds per load.
import { runCallers } from '../callers.js';
import { latencies } from '../stats.js';
import { count, deposited, measureSystems, type Workload } from '../workload.js';

export const rehydrate: Workload = {
  id: '5',
  title: 'Rehydrating a 1,000-event stream',
  async run(context) {
    const { streamLength, loads } = context.sizes;
    const figures = await measureSystems(context, {
      workload: '5',
      unit: 'ms/load',
      higherIsBetter: false,
      async sample(subject) {
        await subject.appendMany(
          'account',
          Array.from({ length: streamLength }, () => deposited()),
        );
        const balance = await subject.rehydrate('account'); // and warms up
        if (balance !== streamLength) throw new Error(`the stream folded to ${balance}, not ${streamLength}`);
        const run = await runCallers(loads, 1, () => subject.rehydrate('account'));
        return { value: (run.seconds * 1000) / loads, ...latencies(run.latencies) };
      },
    });
    const size = `${count(loads)} loads of a ${count(streamLength)}-event stream`;
    return [{ id: '5', title: this.title, size, figures }];
  },
};
