import { describe, expect, test } from 'vitest';
import { SseParser, sseMessages } from './sseParser.js';

const STREAM = [
  'retry: 2000',
  '',
  ': heartbeat',
  '',
  'event: events',
  'id: 42',
  'data: [1,2]',
  '',
  'data: first line',
  'data:second line',
  '',
  'event: projections',
  'data: {}',
  '',
  '',
].join('\n');

const EXPECTED = [
  { event: 'events', id: '42', data: '[1,2]' },
  { event: 'message', id: '42', data: 'first line\nsecond line' },
  { event: 'projections', id: '42', data: '{}' },
];

describe('SseParser', () => {
  test('named and unnamed messages, multi-line data, comments and retry dropped, the id kept', () => {
    expect(new SseParser().push(STREAM)).toEqual(EXPECTED);
  });

  test('the same messages whatever the chunks: cut at every character', () => {
    const parser = new SseParser();
    const characters = Array.from({ length: STREAM.length }, (_, i) => STREAM.charAt(i));
    const messages = characters.flatMap((character) => parser.push(character));
    expect(messages).toEqual(EXPECTED);
    expect(parser.lastEventId).toBe('42');
  });

  test('CRLF and CR line ends, a CRLF cut between its two characters', () => {
    const parser = new SseParser();
    const messages = [
      ...parser.push('data: a\r'),
      ...parser.push('\n\r\n'),
      ...parser.push('data: b\r\rdata: c\r\n\r\n'),
    ];
    expect(messages.map((m) => m.data)).toEqual(['a', 'b', 'c']);
  });

  test('nothing is dispatched before its blank line, nor a message without data', () => {
    const parser = new SseParser();
    expect(parser.push('event: events\nid: 7\n\n')).toEqual([]);
    expect(parser.lastEventId).toBe('7');
    expect(parser.push('data: half')).toEqual([]);
    expect(parser.push('\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'message', id: '7', data: 'half' }]);
  });

  test('a field without a colon is a field with an empty value; the event name resets', () => {
    const parser = new SseParser();
    expect(parser.push('event: x\ndata\n\ndata: y\n\n')).toEqual([
      { event: 'x', id: '', data: '' },
      { event: 'message', id: '', data: 'y' },
    ]);
  });
});

describe('sseMessages', () => {
  test('reads a byte stream, a multi-byte character cut between chunks', async () => {
    const bytes = new TextEncoder().encode('data: café ✓\n\nevent: e\ndata: ok\n\n');
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, cut));
        controller.enqueue(bytes.slice(cut));
        controller.close();
      },
    });
    const messages = [];
    for await (const message of sseMessages(body)) messages.push(message);
    expect(messages).toEqual([
      { event: 'message', id: '', data: 'café ✓' },
      { event: 'e', id: '', data: 'ok' },
    ]);
  });

  test('leaving early cancels the body', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: 1\n\ndata: 2\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const message of sseMessages(body)) {
      expect(message.data).toBe('1');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
