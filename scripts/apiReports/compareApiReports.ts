/** How one report on disk differs from the one the build gives. */
export type ReportChange = { path: string; kind: 'new' | 'changed' | 'stale'; diff: string };

const CONTEXT = 2;
const MAX_DIFF_LINES = 80;

/** A unified-style line diff (longest common subsequence), with a little context, cut when long. */
export function lineDiff(before: string, after: string): string {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  // lcs(i, j): the length of the longest common subsequence of a[i..] and b[j..].
  const width = b.length + 1;
  const lengths = new Uint32Array((a.length + 1) * width);
  const lcs = (i: number, j: number): number => lengths[i * width + j] ?? 0;
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] = a[i] === b[j] ? lcs(i + 1, j + 1) + 1 : Math.max(lcs(i + 1, j), lcs(i, j + 1));
    }
  }
  const ops: { sign: ' ' | '-' | '+'; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ sign: ' ', line: a[i] ?? '' });
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs(i + 1, j) >= lcs(i, j + 1))) {
      ops.push({ sign: '-', line: a[i] ?? '' });
      i++;
    } else {
      ops.push({ sign: '+', line: b[j] ?? '' });
      j++;
    }
  }
  const near = ops.map((_, k) =>
    ops.slice(Math.max(0, k - CONTEXT), k + CONTEXT + 1).some((op) => op.sign !== ' '),
  );
  const out: string[] = [];
  ops.forEach((op, k) => {
    if (!near[k]) {
      if (out.at(-1) !== '@@') out.push('@@');
      return;
    }
    out.push(`${op.sign} ${op.line}`);
  });
  const trimmed = out.slice(out[0] === '@@' ? 1 : 0, out.at(-1) === '@@' ? -1 : undefined);
  return trimmed.length > MAX_DIFF_LINES
    ? [...trimmed.slice(0, MAX_DIFF_LINES), `… ${trimmed.length - MAX_DIFF_LINES} more lines`].join('\n')
    : trimmed.join('\n');
}

/**
 * Compares the reports the build gives (`expected`, by path) with those on disk (`onDisk`, by path):
 * a report missing on disk is new, one that differs is changed, one on disk the build no longer gives is
 * stale. Sorted by path; empty when all agree.
 */
export function compareApiReports(
  expected: ReadonlyMap<string, string>,
  onDisk: ReadonlyMap<string, string>,
): ReportChange[] {
  const changes: ReportChange[] = [];
  for (const [path, text] of expected) {
    const current = onDisk.get(path);
    if (current === undefined) changes.push({ path, kind: 'new', diff: lineDiff('', text) });
    else if (current !== text) changes.push({ path, kind: 'changed', diff: lineDiff(current, text) });
  }
  for (const [path, text] of onDisk) {
    if (!expected.has(path)) changes.push({ path, kind: 'stale', diff: lineDiff(text, '') });
  }
  return changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

/** What `api:check` prints when reports differ. */
export function describeChanges(changes: readonly ReportChange[]): string {
  const list = changes.map((change) => `  ${change.path} (${change.kind})`).join('\n');
  const diffs = changes.map((change) => `--- ${change.path}\n${change.diff}`).join('\n\n');
  return [
    `The public API differs from the checked-in API reports:`,
    list,
    '',
    diffs,
    '',
    'If the change is intended, run `npm run api:update` and commit the reports',
    '(review them with `git diff -- packages/*/api`).',
  ].join('\n');
}
