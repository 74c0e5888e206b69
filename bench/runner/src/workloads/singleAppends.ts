// 1. Single-event appends, one caller, each to a new stream; 3. the same from 32 concurrent callers to
// distinct streams (where group commit shares one fsync among many appends).
import { cutShort, runCallers } from '../callers.js';
import { latencies } from '../stats.js';
import {
  count,
  deposited,
  measureSystems,
  warmupCount,
  type RunContext,
  type Workload,
} from '../workload.js';

function singleAppends(
  id: string,
  title: string,
  size: (c: RunContext) => { total: number; callers: number },
) {
  return {
    id,
    title,
    async run(context: RunContext) {
      const { total, callers } = size(context);
      const figures = await measureSystems(context, {
        workload: id,
        unit: 'events/s',
        higherIsBetter: true,
        async sample(subject) {
          await runCallers(warmupCount(total), callers, (i) =>
            subject.appendToNewStream(`warmup-${i}`, deposited()),
          );
          const run = await runCallers(
            total,
            callers,
            (i) => subject.appendToNewStream(`stream-${i}`, deposited()),
            context.sizes.limitSeconds,
          );
          return { value: run.done / run.seconds, ...latencies(run.latencies), ...cutShort(run, total) };
        },
      });
      const size_ = `${count(total)} appends, ${callers} caller${callers === 1 ? '' : 's'}`;
      return [{ id, title, size: size_, figures }];
    },
  } satisfies Workload;
}

export const singleAppendsOneCaller = singleAppends(
  '1',
  'Single-event appends, one caller, each to a new stream',
  ({ sizes }) => ({ total: sizes.singleAppends, callers: 1 }),
);

export const singleAppendsConcurrent = singleAppends(
  '3',
  'Single-event appends from concurrent callers to distinct streams',
  ({ sizes }) => ({ total: sizes.concurrentAppends, callers: sizes.callers }),
);
