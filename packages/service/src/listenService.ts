import type { FastifyInstance } from 'fastify';
import { listenWithGracefulShutdown } from './listenWithGracefulShutdown.js';

/** What a service runs besides its HTTP app: its projection runner, and the stores to close last. */
export interface ServiceParts {
  readonly app: FastifyInstance;
  readonly runner: { start(): Promise<void>; stop(): Promise<void> };
  /** Closes the stores; called after the runner stopped. */
  readonly closeStores: () => Promise<void>;
  readonly port: number;
  readonly host: string;
  /** Exit the process on SIGTERM/SIGINT (main.ts); tests leave it off and call `close`. */
  readonly exitOnSignal?: boolean;
}

export interface ListeningService {
  readonly url: string;
  readonly port: number;
  /** Whether the runner runs: false before start and from the moment shutdown begins (for /ready). */
  running(): boolean;
  /** Stops accepting, finishes requests in flight, stops the runner, closes the stores. */
  close(): Promise<void>;
}

/**
 * Starts a service: its projection runner, then its HTTP app with graceful shutdown (which stops the
 * runner and closes the stores, in that order). If anything fails to start, what started is undone.
 */
export async function listenService(parts: ServiceParts): Promise<ListeningService> {
  const { app, runner } = parts;
  let running = false;
  const stop = async () => {
    running = false;
    try {
      await runner.stop();
    } finally {
      await parts.closeStores();
    }
  };
  try {
    await runner.start();
    running = true;
    const server = await listenWithGracefulShutdown(app, {
      port: parts.port,
      host: parts.host,
      onClose: stop,
      ...(parts.exitOnSignal === true ? {} : { signals: [], exit: () => undefined }),
    });
    return {
      url: server.url,
      port: server.port,
      running: () => running,
      close: () => server.shutdown('close requested'),
    };
  } catch (error) {
    await app.close().catch(() => undefined);
    await stop().catch(() => undefined);
    throw error;
  }
}
