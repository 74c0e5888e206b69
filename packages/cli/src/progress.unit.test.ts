import type { RebuildProgress } from '@janus/core';
import { describe, expect, test } from 'vitest';
import { formatBar, formatDuration, formatRebuild, percentDone, Progress } from './progress.js';

const progress = (
  done: bigint,
  total: bigint,
  rate = 12000,
  secondsLeft: number | null = 5,
): RebuildProgress => ({
  generation: 2,
  version: 1,
  done,
  total,
  rate,
  secondsLeft,
});

describe('formatting', () => {
  test('durations in s, min and h', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(4.2)).toBe('5 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(3 * 3600 + 20 * 60 + 7)).toBe('3 h 20 min');
  });

  test('percent done: whole, never past 100; an empty log is done', () => {
    expect(percentDone(progress(45000n, 100000n))).toBe(45);
    expect(percentDone(progress(99999n, 100000n))).toBe(99);
    expect(percentDone(progress(0n, 0n))).toBe(100);
    expect(percentDone(progress(7n, 5n))).toBe(100);
  });

  test('a rebuild: percent, events, rate, time left (when known and not done)', () => {
    expect(formatRebuild(progress(45000n, 100000n, 12000.4, 4.6))).toBe(
      '45% 45000/100000 events, 12000 ev/s, 5 s left',
    );
    expect(formatRebuild(progress(0n, 100n, 0, null))).toBe('0% 0/100 events, 0 ev/s');
    expect(formatRebuild(progress(100n, 100n, 50, 0))).toBe('100% 100/100 events, 50 ev/s');
  });

  test('a bar', () => {
    expect(formatBar(0, 10)).toBe('[..........]');
    expect(formatBar(45, 10)).toBe('[#####.....]');
    expect(formatBar(100, 10)).toBe('[##########]');
  });
});

/** A Progress writing to a string, with a clock the test moves. */
function setup(isTTY: boolean) {
  let out = '';
  let now = 0;
  const view = new Progress({ write: (text: string) => (out += text) }, 'bank.balances', {
    isTTY,
    now: () => now,
  });
  return {
    view,
    output: () => out,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('Progress in a log (not a terminal)', () => {
  test('a line when the phase or the 10% step changes, or every 5 s, and a final line', () => {
    const { view, output, advance } = setup(false);
    view.update(null);
    advance(250);
    view.update(null); // same phase, too soon
    view.update(progress(1000n, 100000n));
    advance(250);
    view.update(progress(5000n, 100000n)); // same 10% step
    view.update(progress(10000n, 100000n));
    advance(5000);
    view.update(progress(12000n, 100000n)); // a while without a line
    view.note('something happened');
    view.finish('rebuild bank.balances: done');
    expect(output()).toBe(
      [
        'rebuild bank.balances: requested, waiting for a projection runner to start it',
        'rebuild bank.balances: 1% 1000/100000 events, 12000 ev/s, 5 s left',
        'rebuild bank.balances: 10% 10000/100000 events, 12000 ev/s, 5 s left',
        'rebuild bank.balances: 12% 12000/100000 events, 12000 ev/s, 5 s left',
        'something happened',
        'rebuild bank.balances: done',
        '',
      ].join('\n'),
    );
  });
});

describe('Progress in a terminal', () => {
  test('redraws one line in place, keeps notes above it, and ends with the final line', () => {
    const { view, output } = setup(true);
    view.update(progress(45000n, 100000n));
    view.note('a note');
    view.finish('done');
    expect(output()).toBe(
      '\rrebuild bank.balances [###########.............] 45% 45000/100000 events, 12000 ev/s, 5 s left\x1b[K' +
        '\r\x1b[Ka note\n' +
        '\rrebuild bank.balances [###########.............] 45% 45000/100000 events, 12000 ev/s, 5 s left\x1b[K' +
        '\r\x1b[Kdone\n',
    );
  });

  test('end() keeps the last bar and moves to a new line', () => {
    const { view, output } = setup(true);
    view.update(null);
    view.end();
    expect(output()).toBe(
      '\rrebuild bank.balances: requested, waiting for a projection runner to start it\x1b[K\n',
    );
  });
});
