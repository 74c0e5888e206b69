// HTTP/1.1 over a bare socket, for tests that must send what fetch would normalize or refuse: `..` and
// backslashes in paths, raw bytes, malformed request lines, oversized headers, a body sent slowly.
import net from 'node:net';

export interface RawAnswer {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Sends `request` as it is (UTF-8) and reads the answer until the server closes the connection: send
 * `Connection: close` (see rawGet). Rejects when nothing complete arrived within `timeoutMs`.
 */
export function rawRequest(port: number, request: string, timeoutMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms: ${Buffer.concat(chunks).toString()}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A server may close right after answering, while the request is still being sent: not a failure.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseAnswer(Buffer.concat(chunks)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.write(request);
  });
}

export interface RawExchange {
  readonly socket: net.Socket;
  /**
   * Resolves once the server has read the request's head: send `Expect: 100-continue`, and Node answers
   * `100 Continue` before the route runs (for a GET as for a POST whose body is still to come).
   */
  readonly continued: Promise<void>;
  /** The final answer; undefined when the connection closed without one (cut). */
  readonly answer: Promise<RawAnswer | undefined>;
}

/** Sends `request` (its head at least) and follows the exchange; write more on `socket` yourself. */
export function rawExchange(port: number, request: string): RawExchange {
  const socket = net.connect(port, '127.0.0.1');
  let received = Buffer.alloc(0);
  const { promise: continued, resolve: onContinue } = withResolvers();
  const answer = new Promise<RawAnswer | undefined>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const interim = received.indexOf(CONTINUE);
      if (interim === 0) {
        received = received.subarray(CONTINUE.length);
        onContinue();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      try {
        resolve(received.length === 0 ? undefined : parseAnswer(received));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
  socket.write(request);
  return { socket, continued, answer };
}

const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

/** A GET request line and headers, with `Connection: close`. */
export function rawGet(path: string, headers: Readonly<Record<string, string>> = {}): string {
  return rawMessage('GET', path, headers);
}

/** A request line and headers (and `Connection: close`), ending the head; append a body yourself. */
export function rawMessage(
  method: string,
  path: string,
  headers: Readonly<Record<string, string>> = {},
): string {
  const lines = Object.entries({ host: '127.0.0.1', connection: 'close', ...headers }).map(
    ([name, value]) => `${name}: ${value}\r\n`,
  );
  return `${method} ${path} HTTP/1.1\r\n${lines.join('')}\r\n`;
}

function parseAnswer(bytes: Buffer): RawAnswer {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`not an HTTP answer: ${JSON.stringify(bytes.toString().slice(0, 200))}`);
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  if (status === undefined) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = bytes.subarray(end + 4);
  const body = headers['transfer-encoding']?.toLowerCase() === 'chunked' ? unchunk(rest) : rest;
  return { status: Number(status), headers, body: body.toString('utf8') };
}

function unchunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    const size = lineEnd < 0 ? 0 : parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (!size) return Buffer.concat(parts);
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

function withResolvers(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
