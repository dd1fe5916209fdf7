// Serves the built admin console (packages/web/dist/console) at /console/: hashed assets as static
// files, and index.html for every other /console/* path (the console routes in the browser). The admin
// API stays at the server root; routes registered elsewhere under /console/ (the session routes at
// /console/session) are static routes and win over the fallback wildcard.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const CONSOLE_PREFIX = '/console/';

/** packages/web/dist/console, from packages/server/src/web or packages/server/dist/web. */
export const defaultConsoleDir = fileURLToPath(new URL('../../../web/dist/console/', import.meta.url));

export interface ConsoleOptions {
  /** Directory with the built console (index.html and assets/); defaults to packages/web/dist/console. */
  dir?: string;
}

/** Content-Security-Policy of the console: its own scripts, styles and API only; never framed. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(reply: FastifyReply) {
  reply.header('content-security-policy', CONSOLE_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'no-referrer');
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Enclave console</title></head>
<body><h1>The console is not built</h1><p>Run <code>npm run build -w @enclave/web</code> (part of <code>npm run build</code>) and restart the server.</p></body></html>`;

export async function registerConsole(app: FastifyInstance, options: ConsoleOptions = {}): Promise<void> {
  const dir = options.dir ?? defaultConsoleDir;
  const built = existsSync(join(dir, 'index.html'));
  if (!built) app.log.warn({ dir }, 'the admin console is not built; /console/ explains how to build it');

  await app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      securityHeaders(reply);
      return payload;
    });

    if (built) {
      await scope.register(fastifyStatic, {
        root: dir,
        prefix: CONSOLE_PREFIX,
        // One route per built file (found at start); the wildcard below is the SPA fallback.
        wildcard: false,
        index: false,
        decorateReply: false,
        cacheControl: false,
        setHeaders(res, path) {
          // Vite names assets by content hash, so they never change; index.html always revalidates.
          res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      });
    }

    const sendIndex = async (reply: FastifyReply) => {
      if (!built) return reply.status(503).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
      const html = await readFile(join(dir, 'index.html'));
      return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    };

    scope.get('/console', async (_request, reply) => reply.redirect(CONSOLE_PREFIX, 302));
    scope.get(CONSOLE_PREFIX, async (_request, reply) => sendIndex(reply));
    scope.get(`${CONSOLE_PREFIX}*`, async (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      // A missing built asset (an old file name) is a 404, not the app: the browser would run HTML as a script.
      if (path.startsWith(`${CONSOLE_PREFIX}assets/`)) {
        return reply.status(404).header('content-type', 'text/plain; charset=utf-8').send('Not found');
      }
      return sendIndex(reply);
    });
  });
}
