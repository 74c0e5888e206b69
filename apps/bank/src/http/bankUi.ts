// The bank's web UI (apps/bank/web, built by `npm run build:web` into dist/web), served at `/` with no API
// key: the page holds no data, and every call it makes to the API sends the key the user signs in with.
import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** dist/web of this workspace, whether this module runs from src (tests) or from dist (npm start). */
export const BANK_UI_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

const NOT_BUILT =
  "The bank's web UI is not built. Run `npm run build` (or `npm run build:web`) in the repository, then " +
  'restart the service.';

/**
 * Serves the built UI at `/` (index.html) and its files (`/assets/…`). Only the files present at start-up
 * get a route, so every other path still answers the API's own 404 problem. Without a build, `/` answers a
 * plain message saying how to make one. Answers whether the UI is served.
 */
export async function serveBankUi(app: FastifyInstance, root: string = BANK_UI_DIR): Promise<boolean> {
  if (!(await exists(path.join(root, 'index.html')))) {
    app.get('/', (_request, reply) => reply.type('text/plain; charset=utf-8').send(NOT_BUILT));
    return false;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    // The admin console registers @fastify/static on the same app.
    decorateReply: false,
    cacheControl: false,
    setHeaders: (response, file) => {
      // Vite names every asset after its content hash: it never changes. index.html names the assets.
      const hashed = file.split(path.sep).includes('assets');
      response.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return true;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
