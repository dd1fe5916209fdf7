// Serves the built web messenger (packages/web/dist/app) at /app/: hashed assets as static files and
// index.html for every other /app/* path (the messenger routes in the browser), and redirects the
// server root to it. The messenger talks to the client API (/v1/...) and its WebSocket on the same
// origin; everything it decrypts stays in the browser.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const APP_PREFIX = '/app/';

/** packages/web/dist/app, from packages/server/src/web or packages/server/dist/web. */
export const defaultAppDir = fileURLToPath(new URL('../../../web/dist/app/', import.meta.url));

export interface AppOptions {
  /** Directory with the built messenger (index.html and assets/); defaults to packages/web/dist/app. */
  dir?: string;
}

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * Content-Security-Policy of the messenger: its own scripts and styles; the API and the WebSocket
 * of the same origin (named explicitly: older browsers do not count ws: as 'self'); blob: and data:
 * images for file previews decrypted in the browser, blob: frames for PDF previews, same-origin
 * frames for streamed downloads (a hidden frame opens /app/dl/…, answered by the download service
 * worker /app/download-sw.js); never framed itself.
 */
export function appCsp(host?: string): string {
  const sockets = host && HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "frame-src 'self' blob:",
    "font-src 'self'",
    `connect-src 'self'${sockets}`,
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function securityHeaders(request: FastifyRequest, reply: FastifyReply) {
  reply.header('content-security-policy', appCsp(request.headers.host));
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'no-referrer');
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Enclave</title></head>
<body><h1>The messenger is not built</h1><p>Run <code>npm run build -w @enclave/web</code> (part of <code>npm run build</code>) and restart the server.</p></body></html>`;

export async function registerApp(app: FastifyInstance, options: AppOptions = {}): Promise<void> {
  const dir = options.dir ?? defaultAppDir;
  const built = existsSync(join(dir, 'index.html'));
  if (!built) app.log.warn({ dir }, 'the web messenger is not built; /app/ explains how to build it');

  app.get('/', async (_request, reply) => reply.redirect(APP_PREFIX, 302));

  await app.register(async (scope) => {
    scope.addHook('onSend', async (request, reply, payload) => {
      securityHeaders(request, reply);
      return payload;
    });

    if (built) {
      await scope.register(fastifyStatic, {
        root: dir,
        prefix: APP_PREFIX,
        wildcard: false,
        index: false,
        decorateReply: false,
        cacheControl: false,
        setHeaders(res, path) {
          res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      });
    }

    const sendIndex = async (reply: FastifyReply) => {
      if (!built) return reply.status(503).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
      const html = await readFile(join(dir, 'index.html'));
      return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    };

    scope.get('/app', async (_request, reply) => reply.redirect(APP_PREFIX, 302));
    scope.get(APP_PREFIX, async (_request, reply) => sendIndex(reply));
    scope.get(`${APP_PREFIX}*`, async (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      if (path.startsWith(`${APP_PREFIX}assets/`)) {
        return reply.status(404).header('content-type', 'text/plain; charset=utf-8').send('Not found');
      }
      return sendIndex(reply);
    });
  });
}
