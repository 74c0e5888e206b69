import { expect, test } from 'vitest';
import { sharedCheck } from './sharedCheck.js';

/** A check whose runs are counted and settled by the test. */
function controlledCheck() {
  const pending: { resolve: (value: number) => void; reject: (error: Error) => void }[] = [];
  let runs = 0;
  const check = () => {
    runs += 1;
    return new Promise<number>((resolve, reject) => pending.push({ resolve, reject }));
  };
  return { check, pending, runs: () => runs };
}

test('concurrent callers share the check in flight', async () => {
  const c = controlledCheck();
  const shared = sharedCheck(c.check, { maxAgeMs: 0, now: () => 0 });
  const answers = Array.from({ length: 200 }, () => shared());
  expect(c.runs()).toBe(1);
  c.pending[0]?.resolve(7);
  expect(await Promise.all(answers)).toEqual(Array.from({ length: 200 }, () => 7));
  // maxAgeMs 0: once settled, the next caller runs it again.
  const next = shared();
  expect(c.runs()).toBe(2);
  c.pending[1]?.resolve(8);
  expect(await next).toBe(8);
});

test('an outcome is reused until it is maxAgeMs old, a failure too', async () => {
  let clock = 1000;
  const c = controlledCheck();
  const shared = sharedCheck(c.check, { maxAgeMs: 1000, now: () => clock });
  const first = shared();
  clock = 1500; // the age counts from when the check settled, not from when it began
  c.pending[0]?.resolve(1);
  expect(await first).toBe(1);
  clock = 2499;
  expect(await shared()).toBe(1);
  expect(c.runs()).toBe(1);
  clock = 2500;
  const failing = shared();
  expect(c.runs()).toBe(2);
  c.pending[1]?.reject(new Error('database down'));
  await expect(failing).rejects.toThrow('database down');
  await expect(shared()).rejects.toThrow('database down');
  expect(c.runs()).toBe(2);
  clock = 3500;
  const recovered = shared();
  c.pending[2]?.resolve(3);
  expect(await recovered).toBe(3);
  expect(c.runs()).toBe(3);
});

test('a check that throws at once is a rejection, shared like any other', async () => {
  const shared = sharedCheck(
    () => {
      throw new Error('no');
    },
    { maxAgeMs: 1000, now: () => 0 },
  );
  await expect(shared()).rejects.toThrow('no');
});

test('maxAgeMs must be a non-negative number', () => {
  expect(() => sharedCheck(() => Promise.resolve(1), { maxAgeMs: -1 })).toThrow(/maxAgeMs/);
});
