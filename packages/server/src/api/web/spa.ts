// Serves one built single-page app (the console at /console/, the messenger at /app/): hashed assets
// as static files, and index.html for every other path under the prefix (the app routes in the
// browser). Routes registered elsewhere under the prefix (the console's /console/session) are static
// routes and win over the fallback wildcard. Every answer carries the app's security headers.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface SpaOptions {
  /** Directory with the build (index.html and assets/). */
  dir: string;
  /** URL prefix with both slashes: '/console/'. */
  prefix: string;
  /** Content-Security-Policy for a request (the messenger names its own host's WebSocket). */
  csp: (request: FastifyRequest) => string;
  /** The app's name in the warning and the page shown while it is not built: 'admin console'. */
  name: string;
  /** The page title while it is not built. */
  title: string;
}

export async function registerSpa(app: FastifyInstance, o: SpaOptions): Promise<void> {
  const built = existsSync(join(o.dir, 'index.html'));
  if (!built) app.log.warn({ dir: o.dir }, `the ${o.name} is not built; ${o.prefix} explains how to build it`);
  const notBuilt = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${o.title}</title></head>
<body><h1>The ${o.name} is not built</h1><p>Run <code>npm run build -w @enclave/web</code> (part of <code>npm run build</code>) and restart the server.</p></body></html>`;

  await app.register(async (scope) => {
    scope.addHook('onSend', async (request, reply, payload) => {
      reply.header('content-security-policy', o.csp(request));
      reply.header('x-content-type-options', 'nosniff');
      reply.header('x-frame-options', 'DENY');
      reply.header('referrer-policy', 'no-referrer');
      return payload;
    });

    if (built) {
      await scope.register(fastifyStatic, {
        root: o.dir,
        prefix: o.prefix,
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
      if (!built) return reply.status(503).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(notBuilt);
      const html = await readFile(join(o.dir, 'index.html'));
      return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    };

    scope.get(o.prefix.slice(0, -1), async (_request, reply) => reply.redirect(o.prefix, 302));
    scope.get(o.prefix, async (_request, reply) => sendIndex(reply));
    scope.get(`${o.prefix}*`, async (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      // A missing built asset (an old file name) is a 404, not the app: the browser would run HTML as a script.
      if (path.startsWith(`${o.prefix}assets/`)) {
        return reply.status(404).header('content-type', 'text/plain; charset=utf-8').send('Not found');
      }
      return sendIndex(reply);
    });
  });
}
