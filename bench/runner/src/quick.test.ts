// Runs `npm run bench -- --quick` once, so that the benchmarks never rot: every workload must give every
// system a finite, positive figure. (It asserts nothing about speed: that is what the full run reports.)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import type { RunReport } from './figure.js';

const root = path.resolve(import.meta.dirname, '../../..');
const main = path.join(root, 'bench/runner/dist/main.js');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-bench-quick-'));
const skipPostgres = process.env.JANUS_SKIP_PG === '1';

afterAll(() => {
  fs.rmSync(out, { recursive: true, force: true });
});

/** Runs the quick mode; JANUS_SKIP_PG and JANUS_PG_URL pass through with the rest of the environment. */
function runQuick(): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, '--quick', '--out', out], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stderr });
    });
  });
}

test('the quick benchmark measures every workload on every system', { timeout: 300_000 }, async () => {
  expect(fs.existsSync(main), `${main} is missing: build first (npx tsc -b bench/runner)`).toBe(true);
  const { code, stderr } = await runQuick();
  // PostgreSQL unreachable (and not skipped on purpose) ends the run here, with how to start it.
  expect(code, stderr).toBe(0);

  const [file] = fs.readdirSync(out).filter((name) => name.endsWith('.json'));
  expect(file, 'a results file').toBeDefined();
  const report = JSON.parse(fs.readFileSync(path.join(out, file!), 'utf8')) as RunReport;
  expect(report.mode).toBe('quick');
  expect(fs.existsSync(path.join(out, file!.replace(/\.json$/, '.md')))).toBe(true);

  // Every system is measured, PostgreSQL's only left out when JANUS_SKIP_PG=1 says so.
  for (const system of report.systems) {
    const expected = !(skipPostgres && system.store === 'postgres');
    expect(system.measured, `${system.key}: ${system.note ?? ''}`).toBe(expected);
  }
  const measured = report.systems.filter((s) => s.measured);
  expect(measured.length).toBe(skipPostgres ? 3 : 6);

  expect(report.workloads.map((w) => w.id)).toEqual(['1', '2', '3', '4', '5', '6a', '6b', '7', '8', '9']);
  const positive = (value: number | null) => value !== null && Number.isFinite(value) && value > 0;
  for (const workload of report.workloads) {
    const figures = workload.figures.filter((f) => f.value !== null || f.failed);
    const expected =
      workload.id === '8'
        ? ['Janus', 'Janus, message made beforehand', '@nestjs/cqrs', 'direct call']
        : workload.id === '9'
          ? measured.filter((s) => s.system === 'Janus').map(() => 'Janus bank')
          : measured.map((s) => s.system);
    expect(
      figures.map((f) => f.system),
      `workload ${workload.id}`,
    ).toEqual(expected);
    for (const f of figures) {
      expect(positive(f.value), `workload ${workload.id}, ${f.system} on ${f.store}: ${f.note ?? ''}`).toBe(
        true,
      );
    }
  }
});
