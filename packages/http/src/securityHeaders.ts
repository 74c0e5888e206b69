// Security headers on every answer of a service: API answers, problems, static files, the admin console.
// @fastify/helmet sets them as a request arrives (createHttpApp registers it before its own hooks, so a
// 414, 429 or 503 that a later hook answers has them too), and a route may still set its own (the
// console's pages set their own Content-Security-Policy). Two kinds of answers pass no hook: the router's
// (a URL that does not decode) and Node's (a request it cannot parse, written on the socket). They get the
// same headers, from the same options, through helmet itself (SECURITY_HEADERS).
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyHelmetOptions } from '@fastify/helmet';
import helmet from 'helmet';

/**
 * Only this service's own origin: no script, style, font or connection anywhere else, no plugin, no
 * <base>, forms posting only here, and no framing at all (clickjacking). The bank's UI and the admin
 * console are built to it (bundled assets, no inline script or style). Helmet's other defaults stay:
 * nosniff, no referrer (URLs hold account ids), COOP and CORP same-origin, HSTS (ignored over plain HTTP).
 */
export const HELMET_OPTIONS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  // For browsers that predate frame-ancestors.
  frameguard: { action: 'deny' },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
} as const satisfies FastifyHelmetOptions;

/** The headers helmet sets with HELMET_OPTIONS, by lower-case name: for the answers no hook sees. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = (() => {
  const response = new ServerResponse(new IncomingMessage(new Socket()));
  helmet(HELMET_OPTIONS)(response.req, response, () => undefined);
  return Object.fromEntries(
    Object.entries(response.getHeaders()).map(([name, value]) => [name, String(value)]),
  );
})();
