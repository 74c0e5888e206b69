/**
 * Where a test finds the hook that injects faults: `globalThis[FAULT_POINTS]`, a function of the point's
 * name. Production code only names its points; a test installs the hook (for example a module loaded
 * with `node --import` that kills the process at one point), so faults come from the test side.
 */
export const FAULT_POINTS: unique symbol = Symbol.for('janus.faultPoints') as never;

type FaultHook = (name: string) => void;

/** Marks a point where a crash must lose nothing: calls the installed fault hook, if any, else nothing. */
export function faultPoint(name: string): void {
  const hook = (globalThis as { [FAULT_POINTS]?: FaultHook })[FAULT_POINTS];
  if (typeof hook === 'function') hook(name);
}
