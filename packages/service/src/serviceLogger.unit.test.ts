import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { serviceLogger } from './serviceLogger.js';

/** A destination that keeps every chunk written to it, as a terminal or a pipe would get them. */
function capture(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    { isTTY },
  );
  return { stream, chunks };
}

describe('serviceLogger', () => {
  test('not a terminal: one JSON object per line', () => {
    const { stream, chunks } = capture(false);
    serviceLogger('info', { destination: stream }).info(
      { projection: 'shop.orders' },
      'projection recovered',
    );
    const lines = chunks.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 30,
      projection: 'shop.orders',
      msg: 'projection recovered',
    });
  });

  test('a terminal: readable lines, not JSON', () => {
    const { stream, chunks } = capture(true);
    serviceLogger('info', { destination: stream }).warn({ projection: 'shop.orders' }, 'slow projection');
    const text = chunks.join('');
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(text).toContain('WARN');
    expect(text).toContain('slow projection');
    expect(text).toContain('shop.orders');
  });

  test('lines below the level are left out', () => {
    const { stream, chunks } = capture(false);
    serviceLogger('warn', { destination: stream }).info('not shown');
    expect(chunks).toEqual([]);
  });

  test('every line is written when logged, so a banner written after it is never inside a line', () => {
    const { stream, chunks } = capture(false);
    const logger = serviceLogger('info', { destination: stream });
    logger.info('first');
    // Written synchronously: the chunk is there before anything else can write.
    expect(chunks).toHaveLength(1);
    logger.info('second');
    expect(chunks).toHaveLength(2);
    expect(chunks.every((chunk) => chunk.endsWith('\n'))).toBe(true);
  });
});
