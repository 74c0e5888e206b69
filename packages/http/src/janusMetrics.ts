import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { sharedCheck } from './sharedCheck.js';

/** One projection's progress, as ProjectionRunner.status() gives it. */
export interface ProjectionProgress {
  readonly name: string;
  readonly position: bigint;
  /** Events in the log after its checkpoint. */
  readonly lag: bigint;
}

export interface JanusMetricsOptions {
  /** Read at every scrape for the projection gauges; `() => runner.status()` fits. */
  readonly projections?: () => Promise<readonly ProjectionProgress[]>;
  /** Node process metrics (memory, CPU, event loop) too; default true. */
  readonly processMetrics?: boolean;
  /** Called when the projection collector fails (the scrape still answers, without those gauges). */
  readonly onCollectError?: (error: unknown) => void;
}

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The Prometheus metrics of one app, in a registry of its own (never prom-client's global one, so that
 * two apps in one process, or two tests, never share counters).
 */
export class JanusMetrics {
  readonly registry = new Registry();
  readonly #commands: Counter<'type' | 'outcome'>;
  readonly #commandSeconds: Histogram<'type'>;
  readonly #queries: Counter<'type' | 'outcome'>;
  readonly #querySeconds: Histogram<'type'>;
  readonly #events: Counter;
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #requestSeconds: Histogram<'method' | 'route' | 'status'>;
  #projectionsCacheMs = 1000;

  constructor(options: JanusMetricsOptions = {}) {
    const registers = [this.registry];
    this.#commands = new Counter({
      name: 'janus_commands_total',
      help: 'Commands handled, by type and outcome (success or the problem slug).',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.#commandSeconds = new Histogram({
      name: 'janus_command_duration_seconds',
      help: 'Time to handle a command, by type.',
      labelNames: ['type'],
      buckets: SECONDS,
      registers,
    });
    this.#queries = new Counter({
      name: 'janus_queries_total',
      help: 'Queries answered, by type and outcome (success or the problem slug).',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.#querySeconds = new Histogram({
      name: 'janus_query_duration_seconds',
      help: 'Time to answer a query (waiting for consistency included), by type.',
      labelNames: ['type'],
      buckets: SECONDS,
      registers,
    });
    this.#events = new Counter({
      name: 'janus_events_appended_total',
      help: 'Events appended to the event store by this process.',
      registers,
    });
    this.#requests = new Counter({
      name: 'janus_http_requests_total',
      help: 'HTTP requests, by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.#requestSeconds = new Histogram({
      name: 'janus_http_request_duration_seconds',
      help: 'HTTP request duration, by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: SECONDS,
      registers,
    });
    if (options.projections) this.#projectionGauges(options.projections, options.onCollectError);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Counts appended events: call it where events are appended (e.g. after handleCommand). */
  eventsAppended(count: number): void {
    if (count > 0) this.#events.inc(count);
  }

  command(type: string, outcome: string, seconds: number): void {
    this.#commands.inc({ type, outcome });
    this.#commandSeconds.observe({ type }, seconds);
  }

  query(type: string, outcome: string, seconds: number): void {
    this.#queries.inc({ type, outcome });
    this.#querySeconds.observe({ type }, seconds);
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.#requests.inc(labels);
    this.#requestSeconds.observe(labels, seconds);
  }

  /**
   * How long a read of the projections is reused by later scrapes, in ms (default 1000; concurrent
   * scrapes share one read in any case): it asks the database, and /metrics is never rate-limited.
   */
  cacheProjections(maxAgeMs: number): void {
    this.#projectionsCacheMs = maxAgeMs;
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  #projectionGauges(
    read: () => Promise<readonly ProjectionProgress[]>,
    onError: ((error: unknown) => void) | undefined,
  ): void {
    // One read per scrape feeds both gauges: the first gauge's collect refreshes, the second reuses it.
    let latest: Promise<readonly ProjectionProgress[]> | undefined;
    let shared: { readonly maxAgeMs: number; readonly read: typeof read } | undefined;
    const sharedRead = () => {
      if (shared?.maxAgeMs !== this.#projectionsCacheMs) {
        shared = {
          maxAgeMs: this.#projectionsCacheMs,
          read: sharedCheck(read, { maxAgeMs: this.#projectionsCacheMs }),
        };
      }
      return shared.read();
    };
    const refresh = () => {
      latest = sharedRead().catch((error: unknown) => {
        onError?.(error);
        return [];
      });
      return latest;
    };
    new Gauge({
      name: 'janus_projection_position',
      help: 'The global log position each projection has processed.',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const p of await refresh()) this.set({ projection: p.name }, Number(p.position));
      },
    });
    new Gauge({
      name: 'janus_projection_lag_events',
      help: 'Events in the log that each projection has not processed yet.',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const p of await (latest ?? refresh())) this.set({ projection: p.name }, Number(p.lag));
      },
    });
  }
}
