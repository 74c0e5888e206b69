// Requests Node's HTTP server refuses before Fastify sees them (its `clientError` event): a malformed
// request line or header, headers beyond Node's 16 KiB, a request that did not arrive in time. They are
// answered like every other error: a problem+json, written on the socket itself.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { SECURITY_HEADERS } from './securityHeaders.js';
import { statusProblem } from './toProblem.js';

/** The longest URL (path and query) a service takes: a longer one is a 414 `uri-too-long`. */
export const MAX_URL_LENGTH = 8192;

/** What Node says went wrong with the bytes on a connection. */
export interface ClientError extends Error {
  readonly code?: string;
  /** The bytes being parsed when it failed (a Buffer), when Node has them. */
  readonly rawPacket?: unknown;
}

/** The status a refused request gets: 408 (too slow), 414 or 431 (too large), else 400. */
export function clientErrorStatus(error: ClientError): number {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    case 'HPE_HEADER_OVERFLOW':
      return requestLineTooLong(error.rawPacket) ? 414 : 431;
    default:
      return 400;
  }
}

/**
 * Fastify's `clientErrorHandler`: answers the refusal as problem+json (never Fastify's own JSON) and
 * closes the connection. A connection the client already reset gets nothing. Logged at debug level: it is
 * the client's mistake, not the service's.
 */
export function answerClientError(error: ClientError, socket: Duplex, log: FastifyBaseLogger): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = clientErrorStatus(error);
  log.debug({ code: error.code, status }, 'request refused before routing');
  // Like Node's own handler: no answer in the middle of another one (a pipelined request's).
  const current = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || current?.headersSent === true) {
    socket.destroy();
    return;
  }
  const detail = status === 400 ? 'The request is not valid HTTP/1.1.' : undefined;
  const body = JSON.stringify(statusProblem(status, detail));
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'content-type: application/problem+json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}

/** Whether the bytes begin with a request line longer than the URL limit allows (headers come later). */
function requestLineTooLong(packet: unknown): boolean {
  if (!Buffer.isBuffer(packet) || !/^[A-Z]+ /.test(packet.subarray(0, 20).toString('latin1'))) return false;
  const lineEnd = packet.indexOf('\r\n');
  return (lineEnd < 0 ? packet.length : lineEnd) > MAX_URL_LENGTH;
}
