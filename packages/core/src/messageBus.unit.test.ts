import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { DomainError, ForbiddenError, isNoHandlerError, ValidationError } from './errors.js';
import { command, query, returns } from './message.js';
import { CommandBus, QueryBus } from './messageBus.js';
import { authorization, instrument, validation, type DispatchRecord } from './middleware.js';

const Rename = command(
  'test.Rename',
  z.object({ name: z.string().trim().min(1) }),
  returns<{ renamed: string }>(),
);
const GetName = query('test.GetName', z.object({ id: z.string() }), returns<string>());

describe('command and query buses', () => {
  test('a handler answers with a typed result', async () => {
    const bus = new CommandBus().register(Rename, (c) => ({ renamed: c.data.name }));
    const result = await bus.send(Rename({ name: 'x' }));
    const typed: { renamed: string } = result;
    expect(typed).toEqual({ renamed: 'x' });
  });

  test('a second handler for the same type throws at registration', () => {
    const bus = new CommandBus().register(Rename, () => ({ renamed: '' }));
    expect(() => bus.register(Rename, () => ({ renamed: '' }))).toThrow(/already registered/);
  });

  test('an unknown type is a clear error naming it', async () => {
    const error: unknown = await new QueryBus().ask(GetName({ id: '1' })).catch((e: unknown) => e);
    expect(isNoHandlerError(error)).toBe(true);
    expect(String(error)).toContain("no query handler is registered for 'test.GetName'");
  });

  test('a handler that throws, with or without middleware, makes the dispatch reject rather than throw', async () => {
    const failing = () => {
      throw new DomainError('refused', 'refused');
    };
    const bare = new CommandBus().register(Rename, failing);
    const wrapped = new CommandBus().register(Rename, failing).use((_dispatch, next) => next());
    for (const bus of [bare, wrapped]) {
      const sent = bus.send(Rename({ name: 'x' }));
      expect(sent).toBeInstanceOf(Promise);
      await expect(sent).rejects.toThrow(DomainError);
    }
  });

  test('a query cannot be registered on the command bus', () => {
    // @ts-expect-error a query definition on the command bus
    expect(() => new CommandBus().register(GetName, () => '')).toThrow(/is a query, not a command/);
  });

  test('plain messages get their metadata completed', async () => {
    const bus = new QueryBus().register(GetName, (q) => q.metadata.correlationId);
    await expect(
      bus.ask({ type: 'test.GetName', data: { id: '1' }, metadata: { correlationId: 'c-9' } }),
    ).resolves.toBe('c-9');
  });

  test('middleware runs in order around the handler and may replace the message', async () => {
    const trail: string[] = [];
    const bus = new CommandBus()
      .use(async (d, next) => {
        trail.push('outer in');
        const result = await next();
        trail.push('outer out');
        return result;
      })
      .use(async (d, next) => {
        trail.push('inner');
        return next({ ...d.message, data: { name: 'replaced' } });
      })
      .register(Rename, (c) => {
        trail.push('handler');
        return { renamed: c.data.name };
      });
    await expect(bus.send(Rename({ name: 'x' }))).resolves.toEqual({ renamed: 'replaced' });
    expect(trail).toEqual(['outer in', 'inner', 'handler', 'outer out']);
  });

  test('validation passes parsed data on and refuses bad data before the handler', async () => {
    let calls = 0;
    const bus = new CommandBus().use(validation()).register(Rename, (c) => {
      calls++;
      return { renamed: c.data.name };
    });
    await expect(bus.send(Rename({ name: '  padded ' }))).resolves.toEqual({ renamed: 'padded' });
    await expect(bus.send({ type: 'test.Rename', data: { name: 42 } })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(calls).toBe(1);
  });

  test('commands and queries have separate authorization policies', async () => {
    const auditor = { id: 'audrey', roles: ['auditor'] };
    const commands = new CommandBus()
      .use(authorization((d) => d.message.metadata.principal?.roles.includes('teller') ?? false))
      .register(Rename, () => ({ renamed: 'ok' }));
    const queries = new QueryBus()
      .use(authorization((d) => d.message.metadata.principal !== null))
      .register(GetName, () => 'name');
    await expect(commands.send(Rename({ name: 'x' }, { principal: auditor }))).rejects.toThrow(
      ForbiddenError,
    );
    await expect(commands.send(Rename({ name: 'x' }, { principal: auditor }))).rejects.toThrow(
      "audrey may not send command 'test.Rename'",
    );
    await expect(queries.ask(GetName({ id: '1' }, { principal: auditor }))).resolves.toBe('name');
    await expect(queries.ask(GetName({ id: '1' }))).rejects.toThrow(ForbiddenError);
  });

  test('instrumentation sees outcome and duration; errors still reach the caller', async () => {
    const records: DispatchRecord[] = [];
    const failure = new DomainError('name-taken');
    const bus = new CommandBus().use(instrument((r) => records.push(r))).register(Rename, (c) => {
      if (c.data.name === 'taken') throw failure;
      return { renamed: c.data.name };
    });
    await bus.send(Rename({ name: 'free' }));
    await expect(bus.send(Rename({ name: 'taken' }))).rejects.toBe(failure);
    expect(records.map((r) => [r.type, r.outcome])).toEqual([
      ['test.Rename', 'success'],
      ['test.Rename', 'error'],
    ]);
    expect(records[1]?.error).toBe(failure);
    expect(records.every((r) => r.durationMs >= 0)).toBe(true);
  });

  test('definitions() lists what is registered', () => {
    const bus = new QueryBus().register(GetName, () => '');
    expect(bus.definitions().map((d) => d.type)).toEqual(['test.GetName']);
    expect(bus.has('test.GetName')).toBe(true);
  });
});
