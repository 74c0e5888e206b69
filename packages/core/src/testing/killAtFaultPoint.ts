// Load with `node --import <this file's dist .js> main.js` and JANUS_KILL_AT=<point name>: the process kills
// itself with SIGKILL when it reaches that fault point (see core's faultPoint). For crash tests only.
import process from 'node:process';
import { FAULT_POINTS } from '../faultPoint.js';

const target = process.env.JANUS_KILL_AT;
if (target !== undefined && target !== '') {
  (globalThis as Record<symbol, unknown>)[FAULT_POINTS] = (name: string) => {
    if (name === target) process.kill(process.pid, 'SIGKILL');
  };
}
