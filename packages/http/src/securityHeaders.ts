// Security headers on every answer of a service: API answers, problems, static files, the admin console.
// They are set on the raw response as a request arrives, so that whatever answers it (a route, an error,
// the not-found handler, a static file) carries them, and a route may still set its own (the console's
// pages set their own Content-Security-Policy).
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Only this service's own origin: no script, style, font or connection anywhere else, no plugin, no
 * <base>, forms posting only here, and no framing at all (clickjacking). The bank's UI and the admin
 * console are built to it (bundled assets, no inline script or style).
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; " +
  "frame-ancestors 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  // Answers are what their Content-Type says: a JSON answer is never sniffed into a script or a page.
  'x-content-type-options': 'nosniff',
  // For browsers that predate frame-ancestors.
  'x-frame-options': 'DENY',
  // URLs hold account ids: never send them to another site.
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  // Ignored over plain HTTP; behind TLS it keeps browsers on HTTPS for a year.
  'strict-transport-security': 'max-age=31536000',
};

/** An onRequest hook that puts SECURITY_HEADERS on the answer to come. */
export function securityHeaders(): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const entries = Object.entries(SECURITY_HEADERS);
  return (_request, reply) => {
    for (const [name, value] of entries) reply.raw.setHeader(name, value);
    return Promise.resolve();
  };
}
