// Serves the built admin console (packages/web/dist/console) at /console/: hashed assets as static
// files, and index.html for every other /console/* path (the console routes in the browser). The admin
// API stays at the server root; routes registered elsewhere under /console/ (the session routes at
// /console/session) are static routes and win over the fallback wildcard.
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { registerSpa } from './spa.js';

export const CONSOLE_PREFIX = '/console/';

/** packages/web/dist/console, from packages/server/src/api/web or packages/server/dist/api/web. */
export const defaultConsoleDir = fileURLToPath(new URL('../../../../web/dist/console/', import.meta.url));

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

export async function registerConsole(app: FastifyInstance, options: ConsoleOptions = {}): Promise<void> {
  await registerSpa(app, { dir: options.dir ?? defaultConsoleDir, prefix: CONSOLE_PREFIX, csp: () => CONSOLE_CSP, name: 'admin console', title: 'Enclave console' });
}
