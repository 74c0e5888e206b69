// The public API of @janus/http. Everything a user needs is named here; nothing else is exported.
export {
  createHttpApp,
  DEFAULT_OPERATIONS_CACHE_MS,
  requirePrincipal,
  type HttpAppOptions,
} from './createHttpApp.js';
// For the service kit's /ready: one check in flight at a time, its outcome reused for a while.
export { sharedCheck, type SharedCheckOptions } from './sharedCheck.js';
// For plugins mounted beside the routes (the admin console): input parsed and refused as the routes do.
export { parseInput, strictTopLevel } from './parseInput.js';
export {
  commandRoute,
  commandResultBody,
  type CommandInput,
  type CommandMethod,
  type CommandRoute,
  type CommandRouteDeclaration,
} from './commandRoute.js';
export {
  queryRoute,
  type Producer,
  type QueryInput,
  type QueryRoute,
  type QueryRouteDeclaration,
  type Representation,
} from './queryRoute.js';
export type { HttpAnswer, RequestContext, Route, RouteDocs } from './route.js';
export { bearerKeys, bearerToken, type Authenticator } from './bearerKeys.js';
export {
  parseConsistencyHeaders,
  type Consistency,
  type ConsistencyLimits,
  type ConsistencyRequest,
} from './consistencyHeaders.js';
export { jsonPosition, stringifyBody } from './jsonPosition.js';
export { negotiate } from './negotiate.js';
export { csvDecimal, csvText } from './csvCell.js';
export { canonicalJson } from './canonicalJson.js';
export { correlationId } from './correlationId.js';
export { ProblemError } from './problemError.js';
export {
  problem,
  problemTitle,
  toProblem,
  type Problem,
  type ProblemAnswer,
  type ProblemOptions,
} from './toProblem.js';
export { JanusMetrics, type JanusMetricsOptions, type ProjectionProgress } from './janusMetrics.js';
export { openApiDocument, openApiPath, type OpenApiInfo, type OpenApiOptions } from './openApiDocument.js';
export { countingAppends } from './countingAppends.js';
export {
  DEFAULT_IDEMPOTENCY_TTL_MS,
  requestFingerprint,
  type IdempotencyOptions,
} from './idempotencyKeys.js';
export { serverId } from './serverId.js';
export {
  DEFAULT_ANONYMOUS_PER_MINUTE,
  DEFAULT_LIVE_FEEDS_PER_KEY,
  DEFAULT_TIMEOUTS,
  HTTP_LIMIT_VARIABLES,
  rateLimitVariable,
  readHttpLimits,
  roleKind,
  type HttpLimits,
  type HttpTimeouts,
  type RateLimits,
} from './httpLimits.js';
export { UNLIMITED_ROUTES, perMinuteOf, rateLimitHook, rateLimitOptions } from './rateLimits.js';
export { HELMET_OPTIONS, SECURITY_HEADERS } from './securityHeaders.js';
export { PageCursor, PageLimit } from './pageQuery.js';
