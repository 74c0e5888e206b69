import { command, query, returns } from '@janus/core';
import { expect, test } from 'vitest';
import { z } from 'zod';
import { commandRoute } from './commandRoute.js';
import { openApiDocument, openApiPath } from './openApiDocument.js';
import { queryRoute } from './queryRoute.js';

test('Fastify paths become OpenAPI paths', () => {
  expect(openApiPath('/accounts/:accountId/statements/:month')).toBe(
    '/accounts/{accountId}/statements/{month}',
  );
  expect(openApiPath('/files/:name(^\\d+)')).toBe('/files/{name}');
  expect(openApiPath('/health')).toBe('/health');
});

test('schemas with an id become shared components, with input and output kept apart', () => {
  const Money = z
    .string()
    .regex(/^\d+(\.\d{1,2})?$/)
    .transform((s) => BigInt(s.replace('.', '')))
    .meta({ id: 'Money', description: 'A decimal amount' });
  const Deposit = command('t.Deposit', z.object({ amount: z.bigint() }));
  const Balance = query('t.Balance', z.object({}), returns<{ balance: bigint }>());
  const doc = openApiDocument(
    [
      commandRoute({
        url: '/deposits',
        command: Deposit,
        body: z.object({ amount: Money }),
        toData: ({ body }) => body,
      }),
      commandRoute({
        url: '/refunds',
        command: Deposit,
        body: z.object({ amount: Money }),
        toData: ({ body }) => body,
      }),
      queryRoute({
        url: '/balance',
        query: Balance,
        response: z.object({ balance: Money }),
        toData: () => ({}),
      }),
    ],
    { info: { title: 't', version: '1' } },
  ) as {
    paths: Record<string, Record<string, { operationId: string; requestBody?: unknown }>>;
    components: { schemas: Record<string, unknown> };
  };
  expect(doc.components.schemas.Money).toEqual({
    description: 'A decimal amount',
    type: 'string',
    pattern: '^\\d+(\\.\\d{1,2})?$',
  });
  expect(doc.components.schemas.MoneyOutput).toEqual({ description: 'A decimal amount' });
  expect(JSON.stringify(doc.paths['/deposits'])).toContain('"$ref":"#/components/schemas/Money"');
  expect(JSON.stringify(doc.paths['/balance'])).toContain('"$ref":"#/components/schemas/MoneyOutput"');
  expect(JSON.stringify(doc)).not.toContain('$defs');
  // One message on two routes: operation ids stay unique.
  expect(doc.paths['/deposits']?.post?.operationId).toBe('t.Deposit');
  expect(doc.paths['/refunds']?.post?.operationId).toBe('post /refunds');
});
