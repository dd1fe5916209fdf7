// Serves the built web messenger (packages/web/dist/app) at /app/: hashed assets as static files and
// index.html for every other /app/* path (the messenger routes in the browser), and redirects the
// server root to it. The messenger talks to the client API (/v1/...) and its WebSocket on the same
// origin; everything it decrypts stays in the browser.
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { registerSpa } from './spa.js';

export const APP_PREFIX = '/app/';

/** packages/web/dist/app, from packages/server/src/api/web or packages/server/dist/api/web. */
export const defaultAppDir = fileURLToPath(new URL('../../../../web/dist/app/', import.meta.url));

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

export async function registerApp(app: FastifyInstance, options: AppOptions = {}): Promise<void> {
  app.get('/', async (_request, reply) => reply.redirect(APP_PREFIX, 302));
  await registerSpa(app, { dir: options.dir ?? defaultAppDir, prefix: APP_PREFIX, csp: (request) => appCsp(request.headers.host), name: 'web messenger', title: 'Enclave' });
}
