import { describe, expect, test } from 'vitest';
import { listenWithGracefulShutdown } from './listenWithGracefulShutdown.js';
import { rawExchange, rawGet, rawMessage } from '@janus/test-support/rawHttp';
import { GRACEFUL_SERVER, startServiceProcess } from '@janus/test-support/serviceProcess';
import { KEYS, walletApp } from '@janus/test-support/walletApp';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const slowRequest = (url: string, ms: number) =>
  fetch(`${url}/slow`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.writer}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ms }),
  });

/** The wallet app as a child process (test-support's built gracefulServer.js), listening with graceful shutdown. */
const gracefulServer = () =>
  startServiceProcess({
    main: GRACEFUL_SERVER,
    env: {},
    listening: /^listening on (http:\/\/\S+)$/m,
  });

describe('graceful shutdown', () => {
  test('SIGTERM: stops accepting, finishes the request in flight, runs onClose, exits 0', async () => {
    const { url, stdout, stop, kill } = await gracefulServer();
    try {
      const inFlight = slowRequest(url, 1000);
      await sleep(300);
      const signalled = Date.now();
      const stopped = stop('SIGTERM');
      await sleep(200);
      await expect(fetch(`${url}/health`)).rejects.toThrow(); // no longer accepting connections
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ slept: 1000 });
      expect(await stopped).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect(stdout()).toContain('closed');
    } finally {
      await kill();
    }
  });

  test('SIGINT twice 50 ms apart (npm start delivers each Ctrl-C twice): still graceful, exit 0', async () => {
    const { child, url, stdout, stop, kill } = await gracefulServer();
    try {
      const inFlight = slowRequest(url, 1000);
      await sleep(300);
      child.kill('SIGINT');
      await sleep(50);
      const stopped = stop('SIGINT'); // the shutdown still waits for the request in flight
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ slept: 1000 });
      expect(await stopped).toEqual({ code: 0, signal: null });
      expect(stdout()).toContain('closed');
    } finally {
      await kill();
    }
  });

  test('in process: a second signal is logged, a third exits 1 at once', async () => {
    const wallet = await walletApp();
    const codes: number[] = [];
    const running = await listenWithGracefulShutdown(wallet.app, {
      port: 0,
      signals: ['SIGUSR2'],
      exit: (code) => codes.push(code),
      onClose: () => wallet.runner.stop(),
    });
    const inFlight = slowRequest(running.url, 500);
    await sleep(100);
    process.emit('SIGUSR2', 'SIGUSR2');
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(codes).toEqual([]);
    expect(wallet.logs).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: expect.stringContaining('already shutting down') as unknown,
      }),
    );
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(codes).toEqual([1]);
    await inFlight;
    await running.shutdown();
    expect(codes).toEqual([1, 0]);
  });

  test('in process: the signal handlers stay until the exit, so a signal during the exit is not a kill', async () => {
    const wallet = await walletApp();
    const listenersAtExit: number[] = [];
    const running = await listenWithGracefulShutdown(wallet.app, {
      port: 0,
      signals: ['SIGUSR2'],
      // Had the handlers gone before the exit, a signal then (npm's forwarded Ctrl-C) would meet the default
      // disposition and kill the process with that signal instead of its exit 0.
      exit: () => listenersAtExit.push(process.listenerCount('SIGUSR2')),
      onClose: () => wallet.runner.stop(),
    });
    const before = process.listenerCount('SIGUSR2');
    process.emit('SIGUSR2', 'SIGUSR2');
    await running.shutdown();
    expect(listenersAtExit).toEqual([before]);
    // An exit that returned (a test's): the handlers are gone.
    expect(process.listenerCount('SIGUSR2')).toBe(before - 1);
  });

  test('in process: a query waiting for X-Min-Position answers 503 at once, a slow upload is cut, exit 0', async () => {
    const wallet = await walletApp();
    const codes: number[] = [];
    const running = await listenWithGracefulShutdown(wallet.app, {
      port: 0,
      signals: [],
      exit: (code) => codes.push(code),
      onClose: () => wallet.runner.stop(),
    });
    const waiting = rawExchange(
      running.port,
      rawGet('/wallets/w1', {
        authorization: `Bearer ${KEYS.reader}`,
        'x-min-position': '1000000',
        'x-max-wait-ms': '30000',
        expect: '100-continue',
      }),
    );
    const upload = rawExchange(
      running.port,
      rawMessage('POST', '/wallets', {
        authorization: `Bearer ${KEYS.writer}`,
        'content-type': 'application/json',
        'content-length': '100',
        expect: '100-continue',
      }),
    );
    await Promise.all([waiting.continued, upload.continued]);
    upload.socket.write('{"walletId":');
    await running.shutdown('test');
    const answer = await waiting.answer;
    expect(answer?.status).toBe(503);
    expect(answer?.headers['retry-after']).toBe('1');
    expect(JSON.parse(answer?.body ?? '{}')).toMatchObject({ type: '/problems/consistency-timeout' });
    expect(await upload.answer).toBeUndefined();
    expect(codes).toEqual([0]);
    expect(wallet.logs.filter((line) => Number(line.level) >= 50)).toEqual([]);
  });

  test('in process: onClose runs after the request in flight, then exit(0)', async () => {
    const wallet = await walletApp();
    const events: string[] = [];
    wallet.app.addHook('onResponse', (request, reply, done) => {
      events.push(`responded ${reply.statusCode} to ${request.url}`);
      done();
    });
    const running = await listenWithGracefulShutdown(wallet.app, {
      port: 0,
      signals: [],
      exit: (code) => events.push(`exit ${code}`),
      onClose: async () => {
        await wallet.runner.stop();
        events.push('onClose');
      },
    });
    const inFlight = slowRequest(running.url, 300).then((r) => r.json());
    await sleep(100);
    await running.shutdown();
    expect(await inFlight).toEqual({ slept: 300 });
    expect(events).toEqual(['responded 200 to /slow', 'onClose', 'exit 0']);
  });

  test('in process: a shutdown that takes longer than the timeout exits 1', async () => {
    const wallet = await walletApp();
    const codes: number[] = [];
    const running = await listenWithGracefulShutdown(wallet.app, {
      port: 0,
      signals: [],
      timeoutMs: 100,
      exit: (code) => codes.push(code),
      onClose: () => wallet.runner.stop(),
    });
    const inFlight = slowRequest(running.url, 600);
    await sleep(50);
    const shutdown = running.shutdown();
    await sleep(300);
    expect(codes).toEqual([1]);
    await inFlight;
    await shutdown;
  });
});
