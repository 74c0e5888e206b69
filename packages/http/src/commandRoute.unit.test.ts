import { command, query, returns, type Principal } from '@janus/core';
import { describe, expect, expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { commandResultBody, commandRoute } from './commandRoute.js';
import { queryRoute } from './queryRoute.js';

const Deposit = command('t.Deposit', z.object({ accountId: z.string(), amount: z.bigint() }));
const Statement = query(
  't.Statement',
  z.object({ accountId: z.string(), month: z.string() }),
  returns<{ lines: string[] }>(),
);

describe('route declarations are typed end to end', () => {
  test('a command route: params and body from their schemas, data of the command, result of its handler', () => {
    const route = commandRoute({
      url: '/accounts/:accountId/deposits',
      command: Deposit,
      params: z.object({ accountId: z.string() }),
      body: z.object({ amount: z.string().transform((s) => BigInt(s)) }),
      status: 201,
      toData: ({ params, body, principal }) => {
        expectTypeOf(params).toEqualTypeOf<{ accountId: string }>();
        expectTypeOf(body).toEqualTypeOf<{ amount: bigint }>();
        expectTypeOf(principal).toEqualTypeOf<Principal>();
        return { accountId: params.accountId, amount: body.amount };
      },
      toResponse: (result) => {
        expectTypeOf(result.position).toEqualTypeOf<bigint>();
        return { body: { position: Number(result.position) } };
      },
    });
    expect(route).toMatchObject({ kind: 'command', method: 'POST', status: 201 });

    commandRoute({
      url: '/deposits',
      command: Deposit,
      body: z.object({ amount: z.number() }),
      // @ts-expect-error -- amount must be a bigint, as the command's schema says
      toData: ({ body }) => ({ accountId: 'a', amount: body.amount }),
    });
    commandRoute({
      url: '/deposits/:accountId',
      command: Deposit,
      // Without a params schema, params are the router's raw strings; without a body schema, no body.
      toData: ({ params, body }) => {
        expectTypeOf(params).toEqualTypeOf<Readonly<Record<string, string>>>();
        expectTypeOf(body).toEqualTypeOf<Readonly<Record<string, never>>>();
        return { accountId: params.accountId ?? '', amount: 1n };
      },
    });
  });

  test('a query route: query string from its schema, result of its handler for toResponse and producers', () => {
    const route = queryRoute({
      url: '/accounts/:accountId/statements/:month',
      query: Statement,
      params: z.object({ accountId: z.string(), month: z.string().regex(/^\d{4}-\d{2}$/) }),
      querystring: z.object({ limit: z.coerce.number().optional() }),
      toData: ({ params, query }) => {
        expectTypeOf(query).toEqualTypeOf<{ limit?: number | undefined }>();
        return params;
      },
      toResponse: (result) => {
        expectTypeOf(result).toEqualTypeOf<{ lines: string[] }>();
        return { body: result };
      },
      produces: { 'text/csv': (result) => result.lines.join('\n') },
    });
    expect(route.mediaTypes).toEqual(['application/json', 'text/csv']);
  });
});

test('JSON is the default representation, never one of the producers', () => {
  expect(() =>
    queryRoute({
      url: '/x',
      query: Statement,
      toData: () => ({ accountId: 'a', month: 'm' }),
      produces: { 'application/json': () => '' },
    }),
  ).toThrow(TypeError);
});

test('the default command answer turns a bigint position into a number', () => {
  expect(commandResultBody({ version: 3, position: 17n })).toEqual({ version: 3, position: 17 });
  expect(commandResultBody(undefined)).toBeUndefined();
  expect(commandResultBody({ ok: true })).toEqual({ ok: true });
});
