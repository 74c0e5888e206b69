// Every relative link in every tracked Markdown file resolves: to a file or folder in the repository and,
// with a #fragment into Markdown, to one of its headings.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from './workspacePackages.js';

const markdownFiles = execFileSync(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'],
  {
    cwd: repositoryRoot,
    encoding: 'utf8',
  },
)
  .split('\n')
  .filter((f) => f !== '' && existsSync(join(repositoryRoot, f)));

/** The text without fenced code blocks. */
function withoutFences(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** The text without code: fenced blocks and inline code spans show links, they do not make them. */
function prose(text: string): string {
  return withoutFences(text).replace(/`[^`\n]*`/g, '');
}

/** Inline `[text](target)` and `![alt](target)` links, and reference definitions `[label]: target`. */
export function linkTargets(text: string): string[] {
  const body = prose(text);
  const inline = [...body.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const references = [...body.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map(
    (m) => m[1]!,
  );
  return [...inline, ...references];
}

/** GitHub's anchors for a file's headings: lowercase, punctuation dropped, spaces as hyphens, -1 for repeats. */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of withoutFences(text).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = heading!
      .replace(/<[^>]+>|`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  for (const [, id] of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(id!);
  return anchors;
}

/** What is wrong with one link of `file` (relative to the root), or undefined when it resolves. */
function brokenLink(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto:
  const [path = '', fragment] = target.split('#', 2);
  if (path.startsWith('/')) return 'an absolute path, not a link into the repository';
  const resolved =
    path === '' ? join(repositoryRoot, file) : join(repositoryRoot, dirname(file), decodeURI(path));
  if (relative(repositoryRoot, resolved).startsWith('..')) return 'outside the repository';
  if (!existsSync(resolved)) return 'no such file';
  if (fragment !== undefined && fragment !== '' && resolved.endsWith('.md') && statSync(resolved).isFile()) {
    if (!headingAnchors(readFileSync(resolved, 'utf8')).has(decodeURIComponent(fragment)))
      return 'no such heading';
  }
  return undefined;
}

describe('Markdown links', () => {
  it('reads links and anchors the way GitHub does', () => {
    expect(linkTargets('see [a](b.md#c), ![i](x.png "t") and `[no](code.md)`\n[r]: ./ref.md\n')).toEqual([
      'b.md#c',
      'x.png',
      './ref.md',
    ]);
    expect([...headingAnchors('# Try the bank\n## `npm test`: what runs\n## Try the bank\n')]).toEqual([
      'try-the-bank',
      'npm-test-what-runs',
      'try-the-bank-1',
    ]);
  });

  it('covers the tracked Markdown', () => {
    expect(markdownFiles).toContain('README.md');
    expect(markdownFiles).toContain('docs/architecture.md');
  });

  it.each(markdownFiles.map((f) => [f] as const))('%s links only to what exists', (file) => {
    const text = readFileSync(join(repositoryRoot, file), 'utf8');
    const broken = linkTargets(text).flatMap((target) => {
      const why = brokenLink(file, target);
      return why === undefined ? [] : [`${target}: ${why}`];
    });
    expect(broken).toEqual([]);
  });

  it.each(markdownFiles.map((f) => [f] as const))('%s names no path of a machine', (file) => {
    const text = readFileSync(join(repositoryRoot, file), 'utf8');
    expect(text.match(/(?<![\w.~-])\/(?:work|home|Users|root)\/[^\s`)]*/g) ?? []).toEqual([]);
  });
});
