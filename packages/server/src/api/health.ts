// GET /_enclave/health: the process is up and serving HTTP (operations' readiness checks are issue 21's).
import type { FastifyInstance } from 'fastify';

export function registerHealth(app: FastifyInstance): void {
  app.get('/_enclave/health', async () => ({ status: 'ok' }));
}
