interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly q: number;
}

/**
 * Server-driven content negotiation (RFC 9110 §12.5.1): the media type of `available` that the `Accept`
 * header rates highest, the earlier one on a tie; the first when there is no header. Undefined when the
 * client accepts none of them (a 406).
 */
export function negotiate(accept: string | undefined, available: readonly string[]): string | undefined {
  if (accept === undefined || accept.trim() === '') return available[0];
  const ranges = parseAccept(accept);
  let best: { readonly type: string; readonly q: number } | undefined;
  for (const type of available) {
    const q = quality(type, ranges);
    if (q > 0 && (best === undefined || q > best.q)) best = { type, q };
  }
  return best?.type;
}

function parseAccept(accept: string): MediaRange[] {
  return accept.split(',').flatMap((part) => {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const [type, subtype] = range.split('/');
    if (!type || !subtype) return [];
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    return Number.isFinite(q) && q >= 0 && q <= 1 ? [{ type, subtype, q }] : [];
  });
}

/** The q of the most specific range matching `mediaType` (exact, type wildcard, full wildcard); 0 if none. */
function quality(mediaType: string, ranges: readonly MediaRange[]): number {
  const [type = '', subtype = ''] = mediaType.toLowerCase().split('/');
  let best = { specificity: -1, q: 0 };
  for (const range of ranges) {
    const specificity = specificityOf(range, type, subtype);
    if (specificity < 0) continue;
    if (specificity > best.specificity || (specificity === best.specificity && range.q > best.q)) {
      best = { specificity, q: range.q };
    }
  }
  return best.q;
}

function specificityOf(range: MediaRange, type: string, subtype: string): number {
  if (range.type === type && range.subtype === subtype) return 2;
  if (range.type === type && range.subtype === '*') return 1;
  if (range.type === '*' && range.subtype === '*') return 0;
  return -1;
}
