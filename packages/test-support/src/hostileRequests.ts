// Hostile and malformed requests that every service must answer with a 4xx problem+json, never a 5xx and
// never an error in its log: path traversal in every encoding, NUL bytes, invalid UTF-8, numbers beyond
// int64, oversized URLs and headers, malformed request lines. Each service's hostile-URL test adds its own
// routes' paths.
import { rawGet, rawMessage, type RawAnswer } from './rawHttp.js';

export interface HostileRequest {
  readonly name: string;
  /** The raw request, with this Authorization header value (a valid key reaches the routes' validation). */
  readonly text: (authorization: string) => string;
}

/** Paths every service gets: its static files (if any), the admin console (if mounted), anything else. */
export const HOSTILE_PATHS: readonly string[] = [
  // The ones the issue reported.
  '/admin/../../package.json',
  '/admin/%00',
  '/admin/..%5c..%5cpackage.json',
  '/admin/assets/%2e%2e/%2e%2e/package.json',
  '/admin/api/log?after=9223372036854775808',
  '/admin/api/streams/%00',
  '/admin/api/streams?after=%00',
  // Traversal, in every spelling.
  '/../../../../etc/passwd',
  '/assets/../../package.json',
  '/assets/%2e%2e/%2e%2e/package.json',
  '/admin/%2e%2e/%2e%2e/package.json',
  '/admin/..%2f..%2fpackage.json',
  '/admin/.%2e/.%2e/package.json',
  '/admin/%252e%252e/%252e%252e/package.json', // double encoding
  '/admin/%c0%ae%c0%ae/%c0%ae%c0%ae/package.json', // overlong UTF-8 dots
  '/admin/%c0%af..%c0%afpackage.json', // overlong UTF-8 slash
  '/admin/%e0%80%ae%e0%80%ae/package.json',
  '/admin/..\\..\\package.json', // backslashes as they are
  '/admin/assets\\..\\..\\package.json',
  '/admin/assets/..%5c..%5c..%5cpackage.json',
  '/admin/%u002e%u002e/package.json',
  '/admin/index.html%00.js',
  '/admin/assets/%00',
  '/index.html%00',
  '/%2e%2e/%2e%2e/package.json',
  '/health/..',
  '/openapi.json/..%2f..%2fpackage.json',
  // Malformed percent-encoding, NUL, invalid or odd UTF-8.
  '/admin/%ZZ',
  '/admin/%',
  '/admin/%0',
  '/admin/%ED%A0%80', // a UTF-16 surrogate, encoded in UTF-8: invalid
  '/admin/%F0%9F%98%80',
  '/admin/caf%C3%A9',
  '/%00',
  '/%ZZ',
  '/health%00',
  '/metrics%ZZ',
  // The console's API: NUL and surrogates in ids, numbers beyond int64.
  '/admin/api/streams?prefix=%00',
  '/admin/api/streams/%ED%A0%80',
  '/admin/api/streams/x%00y',
  '/admin/api/streams/x?from=9223372036854775808',
  '/admin/api/streams/x?from=99999999999999999999999',
  '/admin/api/log?after=99999999999999999999',
  '/admin/api/log?after=18446744073709551616',
  '/admin/api/log?after=%00',
  '/admin/api/live?after=9223372036854775808',
  '/admin/api/projections/%00/rebuild',
  // Long: beyond the URL limit (414), once where the server still reads it and once beyond its buffers.
  `/${'a'.repeat(9000)}`,
  `/health?${'a'.repeat(20_000)}`,
  `/admin/api/streams/${'%41'.repeat(3000)}`,
];

/** The requests: every path (as GET), then malformed requests that no path list can express. */
export function hostileRequests(
  servicePaths: readonly string[],
  options: { readonly queryPath: string },
): readonly HostileRequest[] {
  const get = (path: string): HostileRequest => ({
    name: `GET ${path.length > 120 ? `${path.slice(0, 60)}…(${path.length} characters)` : path}`,
    text: (authorization) => rawGet(path, { authorization }),
  });
  return [
    ...[...HOSTILE_PATHS, ...servicePaths].map(get),
    {
      name: 'raw UTF-8 bytes in the request line',
      text: (authorization) => rawGet('/admin/café/../package.json', { authorization }),
    },
    { name: 'a method nobody knows', text: (authorization) => rawMessage('BREW', '/', { authorization }) },
    { name: 'not HTTP at all', text: () => 'HELLO THERE\r\n\r\n' },
    {
      name: 'headers beyond the server’s limit',
      text: (authorization) => rawGet('/health', { authorization, 'x-padding': 'a'.repeat(20_000) }),
    },
    {
      name: 'X-Min-Position beyond int64',
      text: (authorization) =>
        rawGet(options.queryPath, { authorization, 'x-min-position': '9223372036854775808' }),
    },
    {
      name: 'X-Min-Position of twenty nines',
      text: (authorization) =>
        rawGet(options.queryPath, { authorization, 'x-min-position': '99999999999999999999' }),
    },
  ];
}

/** What is wrong with an answer to a hostile request: undefined when it is a 4xx problem+json. */
export function unlikeProblem(answer: RawAnswer): string | undefined {
  if (answer.status < 400 || answer.status >= 500) return `status ${answer.status}`;
  const type = answer.headers['content-type'] ?? '';
  if (!type.startsWith('application/problem+json')) return `content-type ${type}: ${answer.body}`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    return `not JSON: ${answer.body}`;
  }
  if (typeof body.type !== 'string' || !body.type.startsWith('/problems/'))
    return `type ${String(body.type)}`;
  if (typeof body.title !== 'string' || typeof body.detail !== 'string')
    return `no title or detail: ${answer.body}`;
  if (body.status !== answer.status) return `status member ${String(body.status)} for ${answer.status}`;
  return undefined;
}
