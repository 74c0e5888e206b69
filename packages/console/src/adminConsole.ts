// The admin console of any Janus service: a JSON API under /admin/api/ (streams, the global log,
// projections, live updates by Server-Sent Events) and its web UI at /admin/, as one Fastify plugin.
import { Readable } from 'node:stream';
import { type Principal } from '@janus/core';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  DEFAULT_LIVE_FEEDS_PER_KEY,
  ProblemError,
  jsonPosition,
  parseInput,
  requirePrincipal,
  stringifyBody,
  strictTopLevel,
} from '@janus/http';
import { SafeText } from '@janus/money';
import type { AdminConsoleOptions } from './adminConsoleOptions.js';
import { CONSOLE_ASSETS, serveConsoleAssets } from './consoleAssets.js';
import { eventJson, statusJson, streamJson } from './consoleJson.js';
import { liveFeed } from './liveFeed.js';

// Positions and versions are int64 in both stores: a larger number is a 400 here, not a store error.
const INT64_MAX = 9_223_372_036_854_775_807n;
const POSITION = /^\d{1,20}$/;
const isPosition = (text: string) => POSITION.test(text) && BigInt(text) <= INT64_MAX;
const PositionText = z.string().refine(isPosition, `must be an integer from 0 to ${INT64_MAX}`);
const Position = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), PositionText]);
const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
// Ids and text as the stores can keep them: PostgreSQL refuses NUL in text, and a lone surrogate has no
// UTF-8 (it would come back as another character). Both are a 400 on every store.
const hasNoNul = (text: string) => !text.includes('\0');
const Text = (max: number) =>
  z
    .string()
    .max(max)
    .refine(hasNoNul, 'must not contain NUL')
    .refine((text) => !/\p{Cs}/u.test(text), 'must not contain unpaired surrogates');

const StreamsQuery = strictTopLevel(
  z.object({
    prefix: Text(200).default(''),
    after: Text(1000).optional(),
    limit: limit(200, 50),
  }),
);
const StreamParams = z.object({ streamId: Text(1000).min(1) });
// A stream's version is a 32-bit integer in PostgreSQL's store: no stream gets further.
const MAX_VERSION = 2_147_483_647;
const EventsQuery = strictTopLevel(
  z.object({
    from: z.coerce.number().int().min(1).max(MAX_VERSION).optional(),
    limit: limit(200, 20),
  }),
);
const LogQuery = strictTopLevel(z.object({ after: PositionText.optional(), limit: limit(500, 50) }));
const LiveQuery = strictTopLevel(z.object({ after: PositionText.optional() }));
const ProjectionParams = z.object({ name: Text(200).min(1) });
// A skip's reason is kept and shown: safe text (no lone surrogate, no bidirectional control), and no NUL.
const SkipBody = strictTopLevel(
  z.object({
    position: Position,
    reason: SafeText.max(500).refine(hasNoNul, 'must not contain NUL').trim().min(1, 'say why'),
  }),
);

/**
 * The admin console as a Fastify plugin: `await app.register(adminConsole({ ... }))` on an app made by
 * createHttpApp. Every /admin/api/ route needs a principal that `authorize` accepts (401, then 403); the
 * UI's files need none. Live feeds end when the app closes, so that a graceful shutdown never waits on them.
 */
export function adminConsole(options: AdminConsoleOptions): FastifyPluginAsync {
  const { store, projections } = options;

  const statusOf = async (name: string) => {
    const status = (await projections.status()).find((s) => s.name === name);
    if (!status) throw unknownProjection(name);
    return status;
  };

  return async (app) => {
    // Rebuilds and skips taken here: the live status says which of them it reflects.
    let actions = 0;
    const principals = new WeakMap<FastifyRequest, Principal>();
    const guard = async (request: FastifyRequest) => {
      const principal = await requirePrincipal(options.authenticate, request);
      if (!options.authorize(principal)) {
        throw new ProblemError(403, 'forbidden', 'This key may not use the admin console.');
      }
      principals.set(request, principal);
    };
    const api = (
      method: 'GET' | 'POST',
      url: string,
      handler: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>,
    ) => app.route({ method, url: `/admin/api${url}`, onRequest: guard, handler });

    api('GET', '/session', async (request, reply) => {
      const principal = principals.get(request);
      return json(reply, { id: principal?.id ?? null, roles: principal?.roles ?? [] });
    });

    api('GET', '/streams', async (request, reply) => {
      const query = await parseInput(StreamsQuery, request.query, 'query string');
      const streams = await store.listStreams(query);
      // A full page may have a next one: it starts after the last stream of this one.
      const next = streams.length === query.limit ? (streams.at(-1)?.streamId ?? null) : null;
      return json(reply, { streams: streams.map(streamJson), next });
    });

    api('GET', '/streams/:streamId', async (request, reply) => {
      const { streamId } = await parseInput(StreamParams, request.params, 'path parameters');
      const query = await parseInput(EventsQuery, request.query, 'query string');
      const version = await store.streamVersion(streamId);
      if (version === 0) throw new ProblemError(404, 'not-found', `There is no stream '${streamId}'.`);
      const from = query.from ?? 1;
      const events = await store.readStream(streamId, { from, limit: query.limit });
      const last = events.at(-1)?.version ?? from - 1;
      return json(reply, {
        streamId,
        version,
        events: events.map(eventJson),
        next: last < version ? last + 1 : null,
      });
    });

    api('GET', '/log', async (request, reply) => {
      const query = await parseInput(LogQuery, request.query, 'query string');
      const head = await store.head();
      // Without `after`: the most recent events (positions are dense on SQLite; PostgreSQL may show fewer).
      const size = BigInt(query.limit);
      const after = query.after === undefined ? (head > size ? head - size : 0n) : BigInt(query.after);
      const events = await store.readAll({ after, limit: query.limit });
      return json(reply, { head: jsonPosition(head), events: events.map(eventJson) });
    });

    api('GET', '/projections', async (_request, reply) => {
      const [head, statuses] = await Promise.all([store.head(), projections.status()]);
      return json(reply, { head: jsonPosition(head), projections: statuses.map(statusJson) });
    });

    api('POST', '/projections/:name/rebuild', async (request, reply) => {
      const { name } = await parseInput(ProjectionParams, request.params, 'path parameters');
      const known = [...projections.projections, ...projections.workflows].some((p) => p.name === name);
      if (!known) throw unknownProjection(name);
      // What can never be rebuilt (a workflow) the runner refuses with a ValidationError: bad input, a 400.
      await projections.rebuild(name);
      actions++;
      return json(reply, { action: actions, projection: statusJson(await statusOf(name)) }, 202);
    });

    api('POST', '/projections/:name/skip', async (request, reply) => {
      const { name } = await parseInput(ProjectionParams, request.params, 'path parameters');
      const body = await parseInput(SkipBody, request.body ?? {}, 'body');
      const position = BigInt(body.position);
      const { failure, state } = await statusOf(name);
      if (failure?.position !== position) {
        const where = failure ? `it is stopped at ${failure.position}` : `it is ${state}`;
        // The projection moved on (or never stopped there): a conflict with its state, in the contract's slug.
        throw new ProblemError(
          409,
          'concurrency-conflict',
          `Projection '${name}' is not stopped at position ${position} (${where}): nothing was skipped.`,
        );
      }
      const by = principals.get(request)?.id ?? 'an operator';
      await projections.skip(name, position, `${body.reason} (skipped by ${by} in the admin console)`);
      actions++;
      return json(reply, { action: actions, projection: statusJson(await statusOf(name)) });
    });

    // Live feeds end when the app closes: an open event stream would otherwise hold the shutdown.
    const feeds = new Set<AbortController>();
    let closing = false;
    app.addHook('preClose', (done) => {
      closing = true;
      for (const feed of feeds) feed.abort();
      done();
    });
    // Open live feeds by principal: each holds a connection and a polling loop while it lasts.
    const feedsByKey = new Map<string, number>();
    const maxFeeds = options.liveFeedsPerKey ?? DEFAULT_LIVE_FEEDS_PER_KEY;
    api('GET', '/live', async (request, reply) => {
      const query = await parseInput(LiveQuery, request.query, 'query string');
      // A reconnecting EventSource-like client resumes after the last event it saw.
      const lastEventId = request.headers['last-event-id'];
      const resume = typeof lastEventId === 'string' && isPosition(lastEventId) ? lastEventId : undefined;
      const from = resume ?? query.after;
      const after = from === undefined ? await store.head() : BigInt(from);
      // Counted and released with no await in between: the count is exact.
      const key = principals.get(request)?.id ?? '';
      const held = feedsByKey.get(key) ?? 0;
      if (held >= maxFeeds) {
        throw new ProblemError(
          429,
          'rate-limited',
          `This key has ${held} live feeds open, the most it may have at once: close one (another tab?).`,
          { headers: { 'retry-after': '5' } },
        );
      }
      feedsByKey.set(key, held + 1);
      const feed = new AbortController();
      // A feed that was still being set up (its key checked, the head read) when the close began ends at once.
      if (closing) feed.abort();
      feeds.add(feed);
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        feed.abort();
        feeds.delete(feed);
        const left = (feedsByKey.get(key) ?? 1) - 1;
        if (left > 0) feedsByKey.set(key, left);
        else feedsByKey.delete(key);
      };
      reply.raw.once('close', end);
      // A client gone while the feed was set up closed its connection before anyone listened.
      if (request.raw.socket.destroyed) end();
      const text = liveFeed(store, projections, {
        after,
        signal: feed.signal,
        heartbeatMs: options.heartbeatMs ?? 15_000,
        pollIntervalMs: options.pollIntervalMs ?? 500,
        actions: () => actions,
      });
      return reply
        .headers({
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          'x-accel-buffering': 'no',
          // One stream per connection: once it ends (client gone, or shutdown), the connection goes too,
          // instead of idling in keep-alive while a graceful shutdown waits for it.
          connection: 'close',
        })
        .send(Readable.from(text));
    });

    await serveConsoleAssets(app, options.assets ?? CONSOLE_ASSETS);
  };
}

const unknownProjection = (name: string) =>
  new ProblemError(404, 'not-found', `There is no projection '${name}'.`);

function json(reply: FastifyReply, body: unknown, status = 200): FastifyReply {
  return reply.status(status).type('application/json; charset=utf-8').send(stringifyBody(body));
}
