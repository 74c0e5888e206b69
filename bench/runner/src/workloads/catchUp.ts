// 7. An async projection catching up with 100,000 events into a balance per stream, with its checkpoint.
import { performance } from 'node:perf_hooks';
import { count, deposited, measureSystems, type Workload } from '../workload.js';

/** Events per stream: the log holds catchUpEvents / 100 accounts of 100 deposits each. */
const PER_STREAM = 100;

export const catchUp: Workload = {
  id: '7',
  title: 'Async projection catch-up',
  async run(context) {
    const total = context.sizes.catchUpEvents;
    const events = Array.from({ length: PER_STREAM }, () => deposited());
    const figures = await measureSystems(context, {
      workload: '7',
      unit: 'events/s',
      higherIsBetter: true,
      async sample(subject) {
        for (let i = 0; i < total / PER_STREAM; i++) await subject.appendMany(`account-${i}`, events);
        const started = performance.now();
        const processed = await subject.catchUp();
        const seconds = (performance.now() - started) / 1000;
        if (processed !== total)
          throw new Error(`the projection processed ${processed} events, not ${total}`);
        return { value: total / seconds };
      },
    });
    return [{ id: '7', title: this.title, size: `${count(total)} events`, figures }];
  },
};
