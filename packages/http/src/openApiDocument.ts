import type { CommandRoute } from './commandRoute.js';
import { JsonSchemas, type JsonSchema } from './jsonSchemas.js';
import { problemTitle } from './toProblem.js';
import type { QueryRoute } from './queryRoute.js';
import type { Route } from './route.js';

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
}

export interface OpenApiOptions {
  readonly info: OpenApiInfo;
  readonly servers?: readonly { readonly url: string; readonly description?: string }[];
  /** HTTP status of a DomainError by its code (default 422), as the app's problem mapping uses it. */
  readonly domainErrorStatus?: Readonly<Record<string, number>>;
  /** Whether queries take X-Min-Position / X-Max-Wait-Ms and answer X-Position. */
  readonly consistency?: boolean;
  readonly defaultWaitMs?: number;
  readonly maxWaitMs?: number;
  /** Whether requests are rate limited (a 429 `rate-limited` problem with Retry-After). */
  readonly rateLimited?: boolean;
}

type Json = Record<string, unknown>;

const ref = (kind: 'schemas' | 'responses', name: string) => ({ $ref: `#/components/${kind}/${name}` });
const problemContent = (schema: Json = ref('schemas', 'Problem')) => ({
  'application/problem+json': { schema },
});

/** `/accounts/:accountId` → `/accounts/{accountId}` */
export const openApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)(\([^)]*\))?/g, '{$1}');

const pathParameterNames = (url: string): string[] =>
  [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? '');

/** An OpenAPI 3.1 document of the routes, their schemas, the problems they answer and the operations routes. */
export function openApiDocument(routes: readonly Route[], options: OpenApiOptions): Json {
  const schemas = new JsonSchemas();
  const paths: Record<string, Record<string, Json>> = {};
  const operationIds = new Set<string>();
  for (const route of routes) {
    const path = openApiPath(route.url);
    let operationId = route.definition.type;
    if (operationIds.has(operationId)) operationId = `${route.method.toLowerCase()} ${path}`;
    operationIds.add(operationId);
    const operation =
      route.kind === 'command'
        ? commandOperation(route, schemas, options)
        : queryOperation(route, schemas, options);
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      operationId,
      ...(route.docs.summary === undefined ? {} : { summary: route.docs.summary }),
      ...(route.docs.description === undefined ? {} : { description: route.docs.description }),
      ...(route.docs.tags === undefined ? {} : { tags: route.docs.tags }),
      'x-janus-message': route.definition.type,
      ...operation,
    };
  }
  Object.assign(paths, operationsPaths());
  return {
    openapi: '3.1.0',
    info: options.info,
    ...(options.servers === undefined ? {} : { servers: options.servers }),
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer <key>`.' },
      },
      schemas: { ...problemSchemas(), ...schemas.components },
      responses: problemResponses(),
    },
  };
}

function parameters(route: Route, schemas: JsonSchemas, querystring: QueryRoute['querystring']): Json[] {
  const params = route.params ? properties(schemas.of(route.params, 'input')) : undefined;
  const path = pathParameterNames(route.url).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: params?.properties[name] ?? { type: 'string' },
  }));
  const query = querystring ? properties(schemas.of(querystring, 'input')) : undefined;
  const inQuery = Object.entries(query?.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: query?.required.includes(name) ?? false,
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    schema,
  }));
  return [...path, ...inQuery];
}

function properties(schema: JsonSchema): { properties: Record<string, JsonSchema>; required: string[] } {
  return {
    properties: (schema.properties ?? {}) as Record<string, JsonSchema>,
    required: (schema.required ?? []) as string[],
  };
}

function commandOperation(route: CommandRoute, schemas: JsonSchemas, options: OpenApiOptions): Json {
  const body = route.body ? schemas.of(route.body, 'input') : { type: 'object', additionalProperties: false };
  return {
    parameters: parameters(route, schemas, undefined),
    requestBody: {
      required: route.body !== undefined,
      content: { 'application/json': { schema: body } },
    },
    responses: {
      [String(route.status)]: {
        description: 'Done: the command was handled and its events are committed.',
        content: {
          'application/json': {
            schema: route.docs.response ? schemas.of(route.docs.response, 'output') : {},
          },
        },
      },
      '400': ref('responses', 'ValidationError'),
      '401': ref('responses', 'Unauthorized'),
      '403': ref('responses', 'Forbidden'),
      '404': ref('responses', 'NotFound'),
      '409': ref('responses', 'ConcurrencyConflict'),
      '413': ref('responses', 'PayloadTooLarge'),
      '415': ref('responses', 'UnsupportedMediaType'),
      ...domainErrorResponses(route.docs.errors ?? [], options.domainErrorStatus ?? {}),
      ...(options.rateLimited === true ? { '429': ref('responses', 'RateLimited') } : {}),
      '500': ref('responses', 'Internal'),
      '503': ref('responses', 'ServiceUnavailable'),
    },
  };
}

function queryOperation(route: QueryRoute, schemas: JsonSchemas, options: OpenApiOptions): Json {
  const consistency = options.consistency ?? false;
  const content: Json = {
    'application/json': { schema: route.docs.response ? schemas.of(route.docs.response, 'output') : {} },
  };
  for (const mediaType of route.mediaTypes.slice(1)) {
    content[mediaType] = { schema: { type: 'string', contentMediaType: mediaType } };
  }
  const consistencyHeaders = consistency
    ? [
        {
          name: 'X-Min-Position',
          in: 'header',
          required: false,
          description:
            "Answer only once the read models reflect this log position (a command answer's `position`): " +
            'an integer from 0 to 9223372036854775807 (int64), else a 400.',
          schema: { type: 'string', pattern: '^[0-9]{1,20}$' },
        },
        {
          name: 'X-Max-Wait-Ms',
          in: 'header',
          required: false,
          description: `How long to wait for X-Min-Position (default ${options.defaultWaitMs ?? 5000}).`,
          schema: { type: 'integer', minimum: 0, maximum: options.maxWaitMs ?? 30_000 },
        },
      ]
    : [];
  return {
    parameters: [...parameters(route, schemas, route.querystring), ...consistencyHeaders],
    responses: {
      '200': {
        description: 'The answer, from the read models.',
        ...(consistency
          ? {
              headers: {
                'X-Position': {
                  description: 'The log position the read models reflect (at least).',
                  schema: { type: 'string', pattern: '^[0-9]+$' },
                },
              },
            }
          : {}),
        content,
      },
      '400': ref('responses', 'ValidationError'),
      '401': ref('responses', 'Unauthorized'),
      '403': ref('responses', 'Forbidden'),
      '404': ref('responses', 'NotFound'),
      ...(route.mediaTypes.length > 1 ? { '406': ref('responses', 'NotAcceptable') } : {}),
      ...domainErrorResponses(route.docs.errors ?? [], options.domainErrorStatus ?? {}),
      ...(options.rateLimited === true ? { '429': ref('responses', 'RateLimited') } : {}),
      '500': ref('responses', 'Internal'),
      '503': ref('responses', consistency ? 'ConsistencyTimeout' : 'ServiceUnavailable'),
    },
  };
}

function domainErrorResponses(codes: readonly string[], statuses: Readonly<Record<string, number>>): Json {
  const byStatus = new Map<number, string[]>();
  for (const code of codes) {
    const status = statuses[code] ?? 422;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, slugs]) => [
      String(status),
      {
        description: slugs.map((s) => `\`${s}\`: ${problemTitle(s)}`).join('; '),
        content: problemContent({
          allOf: [
            ref('schemas', 'Problem'),
            { properties: { type: { enum: slugs.map((s) => `/problems/${s}`) } } },
          ],
        }),
      },
    ]),
  );
}

function problemSchemas(): Json {
  return {
    Problem: {
      type: 'object',
      description: 'RFC 9457 problem details; a problem type may add members of its own.',
      required: ['type', 'title', 'status', 'detail'],
      properties: {
        type: { type: 'string', description: '`/problems/<slug>`' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
      },
      additionalProperties: true,
    },
    ValidationProblem: {
      allOf: [
        ref('schemas', 'Problem'),
        {
          type: 'object',
          required: ['errors'],
          properties: {
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['path', 'message'],
                properties: { path: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      ],
    },
  };
}

function problemResponses(): Json {
  const response = (description: string, headers?: Json, schema?: Json) => ({
    description,
    ...(headers ? { headers } : {}),
    content: problemContent(schema),
  });
  const retryAfter = {
    'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
  };
  return {
    ValidationError: response(
      '`validation-error`: the request does not match its schema.',
      undefined,
      ref('schemas', 'ValidationProblem'),
    ),
    Unauthorized: response('`unauthorized`: no valid API key.', {
      'WWW-Authenticate': { schema: { type: 'string' } },
    }),
    Forbidden: response('`forbidden`: the caller may not do this.'),
    NotFound: response('`not-found`: no such resource.'),
    ConcurrencyConflict: response('`concurrency-conflict`: changed concurrently; retry.'),
    PayloadTooLarge: response('`payload-too-large`: the body is too large.'),
    UnsupportedMediaType: response('`unsupported-media-type`: send `Content-Type: application/json`.'),
    NotAcceptable: response('`not-acceptable`: none of the representations is acceptable.'),
    ConsistencyTimeout: response(
      '`consistency-timeout`: the read models did not reach X-Min-Position in time. `unavailable`: a ' +
        'store is unreachable for a moment. Retry later.',
      retryAfter,
    ),
    ServiceUnavailable: response(
      '`unavailable`: the service cannot serve for a moment (a store is unreachable, or it is shutting ' +
        'down); nothing was done, unless the detail says that the outcome is unknown (the connection was ' +
        'lost while the command committed). Retry after `Retry-After` seconds.',
      retryAfter,
    ),
    RateLimited: response(
      '`rate-limited`: too many requests with this key (or, without a valid key, from this address); ' +
        'retry after `Retry-After` seconds.',
      retryAfter,
    ),
    Internal: response('`internal`: a fault on the server; the body says nothing of it.'),
  };
}

function operationsPaths(): Record<string, Record<string, Json>> {
  const open = (summary: string, responses: Json): Record<string, Json> => ({
    get: { summary, security: [], tags: ['operations'], responses },
  });
  const json = (schema: Json) => ({ 'application/json': { schema } });
  return {
    '/health': open('Liveness', {
      '200': {
        description: 'The process runs.',
        content: json({ type: 'object', properties: { status: { const: 'ok' } } }),
      },
    }),
    '/ready': open('Readiness', {
      '200': {
        description: 'Ready: stores reachable, projections running.',
        content: json({ type: 'object', properties: { status: { const: 'ready' } } }),
      },
      '503': ref('responses', 'ServiceUnavailable'),
    }),
    '/metrics': open('Prometheus metrics', {
      '200': {
        description: 'Prometheus text exposition.',
        content: { 'text/plain': { schema: { type: 'string' } } },
      },
    }),
    '/openapi.json': open('This document', {
      '200': { description: 'The OpenAPI 3.1 document.', content: json({ type: 'object' }) },
    }),
  };
}
