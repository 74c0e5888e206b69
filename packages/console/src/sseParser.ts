// Reading a Server-Sent Events stream without EventSource: EventSource cannot send an Authorization
// header, and an API key must never travel in a URL. Pure and platform-neutral (no Node, no DOM), so the
// admin console's UI and the tests share it.

/** One dispatched message: its `event` name ('message' when unnamed), its data, and the last event id. */
export interface SseMessage {
  readonly event: string;
  readonly data: string;
  readonly id: string;
}

/**
 * An incremental parser of the `text/event-stream` format (HTML Living Standard, 9.2.6): feed it text as
 * it arrives, in chunks cut anywhere; it answers the messages completed by each chunk. Comments (heart
 * beats) and `retry` are read and dropped.
 */
export class SseParser {
  #buffer = '';
  #data: string[] = [];
  #event = '';
  #lastEventId = '';
  /** A chunk ended in CR: a LF opening the next one belongs to the same line end. */
  #afterCarriageReturn = false;

  /** The id of the last message that set one: what a reconnection sends as Last-Event-ID. */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  push(chunk: string): SseMessage[] {
    let text = chunk;
    if (this.#afterCarriageReturn && text.startsWith('\n')) text = text.slice(1);
    this.#afterCarriageReturn = text.endsWith('\r');
    this.#buffer += text;
    const lines = this.#buffer.split(/\r\n|\r|\n/);
    // The last piece has no line end yet (an empty string when the chunk ended with one).
    this.#buffer = lines.pop() ?? '';
    const messages: SseMessage[] = [];
    for (const line of lines) {
      const message = this.#line(line);
      if (message) messages.push(message);
    }
    return messages;
  }

  #line(line: string): SseMessage | undefined {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.#data.push(value);
        break;
      case 'event':
        this.#event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.#lastEventId = value;
        break;
      default:
        // 'retry' and unknown fields: nothing to keep.
        break;
    }
    return undefined;
  }

  #dispatch(): SseMessage | undefined {
    const event = this.#event || 'message';
    const data = this.#data;
    this.#event = '';
    this.#data = [];
    if (data.length === 0) return undefined;
    return { event, data: data.join('\n'), id: this.#lastEventId };
  }
}

/**
 * The messages of an event stream's body (a fetch Response's), as they arrive; ends with the body.
 * Leaving the loop early cancels the body, which closes the connection.
 */
export async function* sseMessages(
  body: ReadableStream<Uint8Array>,
  parser: SseParser = new SseParser(),
): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let ended = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    ended = true;
    yield* parser.push(decoder.decode());
  } finally {
    if (!ended) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
