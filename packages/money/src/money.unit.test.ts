import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { MAX_AMOUNT, formatMoney, groupThousands, money, parseMoney } from './money.js';
import { MoneyAmount, MoneyAmountOrZero } from './moneySchema.js';

const cents = (text: string, allowZero = false) => {
  const parsed = parseMoney(text, { allowZero });
  return parsed.ok ? parsed.cents : parsed.message;
};

describe('parseMoney reads the contract decimal strings into cents', () => {
  test.each([
    ['10', 1000n],
    ['10.5', 1050n],
    ['10.50', 1050n],
    ['0.01', 1n],
    ['0.1', 10n],
    ['1000000000', MAX_AMOUNT],
    ['1000000000.00', MAX_AMOUNT],
    ['999999999.99', MAX_AMOUNT - 1n],
  ])('%s is %s cents', (text, expected) => {
    expect(cents(text)).toBe(expected);
  });

  test.each([
    ['', /empty/],
    ['0', /greater than zero/],
    ['0.00', /greater than zero/],
    ['-5', /no minus sign/],
    ['-0.01', /no minus sign/],
    ['+5', /leading '\+'/],
    ['1e3', /exponent/],
    ['1E3', /exponent/],
    ['1.5e2', /exponent/],
    ['10.505', /at most 2 fraction digits/],
    ['0.001', /at most 2 fraction digits/],
    [' 10', /whitespace/],
    ['10 ', /whitespace/],
    ['1 000', /whitespace/],
    ['\t5', /whitespace/],
    ['010', /leading zeros/],
    ['00.5', /leading zeros/],
    ['1000000000.01', /at most 1000000000.00/],
    ['99999999999999999999999', /at most 1000000000.00/],
    ['10.', /such as/],
    ['.5', /such as/],
    ['1,000.00', /such as/],
    ['1_000', /such as/],
    ['0x10', /such as/],
    ['NaN', /such as/],
    ['Infinity', /such as/],
    ['１０', /such as/],
    ['10.5.1', /such as/],
  ])('%j is refused (%s)', (text, message) => {
    expect(cents(text)).toMatch(message);
  });

  test('zero is allowed where the caller allows it (an initial deposit)', () => {
    expect(cents('0', true)).toBe(0n);
    expect(cents('0.00', true)).toBe(0n);
    expect(cents('-0', true)).toMatch(/no minus sign/);
  });

  test('money() throws on what parseMoney refuses', () => {
    expect(money('12.34')).toBe(1234n);
    expect(() => money('12.345')).toThrow(RangeError);
  });
});

describe('formatMoney writes exactly two fraction digits', () => {
  test.each([
    [0n, '0.00'],
    [1n, '0.01'],
    [10n, '0.10'],
    [1050n, '10.50'],
    [-20000n, '-200.00'],
    [-1n, '-0.01'],
    [MAX_AMOUNT, '1000000000.00'],
    [10n ** 30n, '10000000000000000000000000000.00'],
  ])('%s cents is %s', (value, text) => {
    expect(formatMoney(value)).toBe(text);
  });

  test('groupThousands separates thousands for people', () => {
    expect(groupThousands('1300.00')).toBe('1,300.00');
    expect(groupThousands('-1234567.89')).toBe('-1,234,567.89');
    expect(groupThousands('999.99')).toBe('999.99');
    expect(groupThousands('0.00')).toBe('0.00');
  });
});

describe('properties', () => {
  const amount = fc.bigInt({ min: 1n, max: MAX_AMOUNT });

  test('parse(format(c)) = c for every amount a request may carry', () => {
    fc.assert(
      fc.property(amount, (c) => {
        expect(parseMoney(formatMoney(c))).toEqual({ ok: true, cents: c });
      }),
    );
  });

  test('format(parse(s)) is s written with two fraction digits', () => {
    const decimal = fc
      .tuple(fc.bigInt({ min: 0n, max: 999_999_999n }), fc.constantFrom('', '.', '..'), fc.nat(99))
      .map(([units, dots, fraction]) => {
        if (dots === '') return `${units}`;
        return dots === '.' ? `${units}.${fraction % 10}` : `${units}.${String(fraction).padStart(2, '0')}`;
      })
      .filter((text) => parseMoney(text).ok);
    fc.assert(
      fc.property(decimal, (text) => {
        const parsed = parseMoney(text);
        if (!parsed.ok) throw new Error(parsed.message);
        const [units = '', fraction = ''] = text.split('.');
        expect(formatMoney(parsed.cents)).toBe(`${units}.${fraction.padEnd(2, '0')}`);
      }),
    );
  });

  test('adding parsed amounts is exact: no float ever rounds a cent', () => {
    expect(money('0.10') + money('0.20')).toBe(money('0.30'));
    fc.assert(
      fc.property(fc.array(amount, { maxLength: 50 }), (amounts) => {
        const total = amounts.reduce((sum, c) => sum + c, 0n);
        const viaText = amounts.map(formatMoney).reduce((sum, text) => sum + money(text), 0n);
        expect(viaText).toBe(total);
      }),
    );
  });

  test('parseMoney never throws and answers a bounded positive amount or a message, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.stringMatching(/^[-+ .0-9eE]{0,16}$/)),
        (text) => {
          const parsed = parseMoney(text);
          if (parsed.ok) {
            expect(parsed.cents > 0n && parsed.cents <= MAX_AMOUNT).toBe(true);
            expect(text).toMatch(/^(0|[1-9][0-9]*)(\.[0-9]{1,2})?$/);
            expect(parseMoney(formatMoney(parsed.cents))).toEqual(parsed);
          } else expect(parsed.message.length).toBeGreaterThan(0);
        },
      ),
    );
  });
});

describe('the zod amount schemas', () => {
  const Body = z.strictObject({ amount: MoneyAmount, initialDeposit: MoneyAmountOrZero.prefault('0') });
  const issues = (input: unknown) =>
    Body.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

  test('give bigint cents', () => {
    expect(Body.parse({ amount: '10.5' })).toEqual({ amount: 1050n, initialDeposit: 0n });
    expect(Body.parse({ amount: '1', initialDeposit: '0.01' })).toEqual({ amount: 100n, initialDeposit: 1n });
  });

  test('refuse with messages a client can act on', () => {
    expect(issues({ amount: 10.5 })).toEqual([
      'amount: must be a JSON string holding a decimal such as "10.50" (numbers are refused)',
    ]);
    expect(issues({})).toEqual(['amount: is required']);
    expect(issues({ amount: '0' })).toEqual(['amount: must be greater than zero']);
    expect(issues({ amount: '1.234' })).toEqual(['amount: must have at most 2 fraction digits']);
    expect(issues({ amount: '1e3' })).toEqual([
      'amount: must be a plain decimal: exponent notation is not allowed',
    ]);
    expect(issues({ amount: '5', initialDeposit: '-1' })).toEqual([
      'initialDeposit: must be positive: no minus sign',
    ]);
  });

  test('describe a string in JSON Schema (for OpenAPI)', () => {
    const schema = z.toJSONSchema(Body, { io: 'input' }) as { properties: Record<string, { type: string }> };
    expect(schema.properties.amount?.type).toBe('string');
    expect(schema.properties.initialDeposit).toMatchObject({ type: 'string', default: '0' });
  });
});

test('no floating-point money in any service: no parseFloat, toFixed or Number() of an amount', () => {
  const repository = join(import.meta.dirname, '../../..');
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? sources(join(dir, entry.name))
        : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')
          ? [join(dir, entry.name)]
          : [],
    );
  const roots = ['packages/money/src', 'packages/http/src', 'apps/bank/src', 'apps/shop/src']
    .map((dir) => join(repository, dir))
    .filter((dir) => existsSync(dir));
  expect(roots.length).toBeGreaterThan(0);
  const offenders = roots
    .flatMap(sources)
    .filter((file) =>
      /parseFloat|toFixed|Number\((?:[^)]*)(?:amount|balance|cents)/i.test(readFileSync(file, 'utf8')),
    );
  expect(offenders).toEqual([]);
});
