// The admin console's built UI (index.html and hashed assets/), served at /admin/ without authentication:
// it holds no data, and asks the API for everything with the key the user types in.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build` puts the UI: from src/ (tests) and dist/ alike, <package>/dist/admin. */
export const CONSOLE_ASSETS = fileURLToPath(new URL('../dist/admin/', import.meta.url));

// Only this service's own origin: no font, script or style from anywhere else.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export async function serveConsoleAssets(app: FastifyInstance, root: string): Promise<void> {
  if (!existsSync(path.join(root, 'index.html'))) {
    const notBuilt = (_request: unknown, reply: FastifyReply) =>
      reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The admin console is not built yet: run `npm run build`, then reload this page.\n');
    app.get('/admin', notBuilt);
    app.get('/admin/', notBuilt);
    return;
  }
  app.get('/admin', (_request, reply) => reply.redirect('/admin/', 301));
  await app.register(fastifyStatic, {
    root,
    prefix: '/admin/',
    // A route for each file there at start-up, and no path resolved at request time: any other path under
    // /admin/ (`..` in any encoding, NUL, backslashes) is the API's 404 problem, and never reaches the disk.
    wildcard: false,
    decorateReply: false,
    cacheControl: false,
    setHeaders: (response, file) => {
      const hashed = path.relative(root, file).startsWith(`assets${path.sep}`);
      response.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      if (file.endsWith('.html')) response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    },
  });
}
