import type { FastifyInstance } from 'fastify';

export interface GracefulShutdownOptions {
  readonly port: number;
  /** Default '127.0.0.1'. */
  readonly host?: string;
  /** After the server stopped and its requests finished: close stores, stop projection runners. */
  readonly onClose?: () => Promise<void> | void;
  /** Longest shutdown before the process exits anyway, with code 1 (default 10000 ms). */
  readonly timeoutMs?: number;
  /** Default SIGTERM and SIGINT. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Default process.exit; a test passes its own. */
  readonly exit?: (code: number) => void;
}

export interface RunningServer {
  /** The port listened on (useful with port 0). */
  readonly port: number;
  readonly url: string;
  /**
   * What a signal does: stop accepting, end queries waiting for X-Min-Position (503), cut connections still
   * sending a request, finish requests in flight, onClose, exit 0 (1 after the timeout).
   */
  shutdown(reason?: string): Promise<void>;
}

/**
 * Starts listening, and shuts down gracefully on SIGTERM or SIGINT: stops accepting connections, answers
 * queries waiting for X-Min-Position at once (503 consistency-timeout), cuts connections still sending a
 * request (a slow upload), lets requests in flight finish (new requests on open connections get a 503),
 * runs `onClose`, exits 0 — or exits 1 if that takes longer than `timeoutMs`.
 *
 * A second signal is only logged: `npm start` delivers every Ctrl-C twice (to npm, which forwards it, and
 * to the service), and process managers may too. A third one exits 1 at once, for whoever really wants
 * the process gone now (under `npm start`, a second Ctrl-C).
 */
export async function listenWithGracefulShutdown(
  app: FastifyInstance,
  options: GracefulShutdownOptions,
): Promise<RunningServer> {
  const { timeoutMs = 10_000, signals = ['SIGTERM', 'SIGINT'] } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;

  let shutting: Promise<void> | undefined;
  const shutdown = (reason = 'shutdown requested'): Promise<void> => {
    shutting ??= (async () => {
      app.log.info({ reason }, 'shutting down: finishing requests in flight');
      const timer = setTimeout(() => {
        app.log.error({ timeoutMs }, 'shutdown took too long: exiting anyway');
        exit(1);
      }, timeoutMs);
      timer.unref();
      let code = 0;
      try {
        await app.close();
        await options.onClose?.();
        app.log.info('shut down');
      } catch (error) {
        app.log.error({ err: error }, 'shutdown failed');
        code = 1;
      } finally {
        clearTimeout(timer);
      }
      // The handlers stay until the process is gone: without them, a signal arriving during the exit (npm's
      // forwarded copy of a Ctrl-C) would kill the process with that signal instead of this exit code.
      exit(code);
      // Still here: this `exit` does not end the process (a test's), and the signals are no longer ours.
      for (const [signal, handler] of handlers) process.off(signal, handler);
    })();
    return shutting;
  };
  let received = 0;
  const handlers = signals.map((signal) => {
    const handler = () => {
      received += 1;
      if (received === 1) {
        void shutdown(signal);
      } else if (received === 2) {
        app.log.warn({ signal }, 'already shutting down gracefully (a third signal exits at once)');
      } else {
        app.log.warn({ signal }, 'third signal: exiting now, without finishing the shutdown');
        exit(1);
      }
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return { port, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, shutdown };
}
