import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

// The README's quick start is docs/quickstart.ts, verbatim; `npm test` compiles it (tsc -b) and runs it here.
const root = join(import.meta.dirname, '..');

test('the README shows the quick start exactly as it is compiled and run', () => {
  const source = readFileSync(join(import.meta.dirname, 'quickstart.ts'), 'utf8');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  expect(readme).toContain('```ts\n' + source + '```');
  expect(source.trimEnd().split('\n').length).toBeLessThan(60);
});

test('the quick start runs and prints the cart and the refusal', () => {
  const output = execFileSync(process.execPath, [join(root, '.janus-tmp/docs/quickstart.js')], {
    encoding: 'utf8',
  });
  expect(output).toBe('{ items: { pear: 1 } }\nDomainError: item-not-in-cart\n');
});
