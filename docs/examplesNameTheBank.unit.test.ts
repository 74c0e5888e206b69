// The examples a new user copies — the CLI's help, the admin console's UI text, the READMEs and docs/ —
// name the bank's real projections and streams: `--prefix account-` found nothing, and
// `projections rebuild bank.balances` named no projection.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BANK_STREAM_PREFIXES, bankProjections } from '@janus/bank';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const projections = new Set(bankProjections.map((p) => p.name));
// Lowercase `bank.` names that are neither: the database file.
const NOT_NAMES = new Set(['bank.db']);

/** The files in git (or about to be), by pathspec. */
function files(...pathspecs: string[]): string[] {
  const out = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '--', ...pathspecs],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  return [...new Set(out.split('\n'))].filter((f) => f !== '' && !/\.test\.tsx?$|\/testing\//.test(f)).sort();
}

const isStream = (id: string) => BANK_STREAM_PREFIXES.some((prefix) => id.startsWith(prefix));

/** Every place a text names a bank projection or stream that the bank does not have. */
function unknownBankNames(text: string): string[] {
  const wrong: string[] = [];
  // `bank.<lowercase>` is a projection (`bank.accounts`) or a stream (`bank.account-42`); messages are
  // capitalized (`bank.Deposit`, `bank.MoneyDeposited.v1`).
  for (const [name] of text.matchAll(/(?<![\w/.-])bank\.[a-z][a-z0-9-]*/g)) {
    if (!NOT_NAMES.has(name) && !projections.has(name) && !isStream(name)) wrong.push(name);
  }
  // The CLI on the bank's database: its arguments are the bank's.
  for (const line of text.split('\n').filter((l) => /\bbank\.db\b/.test(l))) {
    for (const [, name] of line.matchAll(/projections (?:status|rebuild|skip) ([^\s'"`]+)/g)) {
      if (name !== undefined && !name.startsWith('<') && !projections.has(name)) wrong.push(name);
    }
    for (const [, id] of line.matchAll(/(?:streams show|--prefix|--after) ([^\s'"`]+)/g)) {
      if (id !== undefined && !id.startsWith('<') && !isStream(id)) wrong.push(id);
    }
  }
  // The console's hints: a stream prefix it suggests.
  for (const [, hint] of text.matchAll(/placeholder="([a-z][\w.]*-)"/g)) {
    if (hint !== undefined && !isStream(hint)) wrong.push(hint);
  }
  return wrong;
}

describe('the names in examples', () => {
  it('the checks catch the names that were wrong', () => {
    expect(unknownBankNames('janus --db bank.db streams list --prefix account-')).toEqual(['account-']);
    expect(unknownBankNames("['janus --db bank.db projections rebuild bank.balances', 'rebuild']")).toEqual([
      'bank.balances',
      'bank.balances',
    ]);
    expect(unknownBankNames('<input placeholder="account-" />')).toEqual(['account-']);
    expect(unknownBankNames('npx janus --db data/bank.db streams show bank.account-42')).toEqual([]);
  });

  it('the bank has the names the examples use', () => {
    expect([...projections]).toContain('bank.accounts');
    expect(BANK_STREAM_PREFIXES).toContain('bank.account-');
  });

  const scanned = [
    ...files('packages/cli/src/*.ts', 'packages/cli/src/**/*.ts'),
    ...files('packages/console/src/**', 'packages/console/web/src/**'),
    ...files('*.md', 'docs/*.md', 'docs/**/*.md', 'packages/*/README.md', 'apps/*/README.md'),
  ];

  it('covers the CLI, the console and the Markdown', () => {
    expect(scanned).toContain('packages/cli/src/program.ts');
    expect(scanned).toContain('README.md');
    expect(scanned.some((f) => f.endsWith('Streams.tsx'))).toBe(true);
  });

  it.each(scanned.map((f) => [f] as const))('%s names only what the bank has', (file) => {
    expect(unknownBankNames(readFileSync(path.join(root, file), 'utf8'))).toEqual([]);
  });
});
