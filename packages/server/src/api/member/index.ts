// The member REST API (docs/messaging.md) as one Fastify scope with the MessagingError answers:
// one module per resource (accounts, devices, directory, conversations, messages, files, SSO); each
// handler maps the request to a use case (usecases/member) and its result to the answer.
import type { FastifyInstance } from 'fastify';
import { fail, MessagingError } from '../../kernel/member-errors.js';
import { registerAccountRoutes } from './accounts.js';
import { registerConversationRoutes } from './conversations.js';
import { registerDeviceRoutes } from './devices.js';
import { registerDeviceListRoutes } from './device-lists.js';
import { registerDirectoryRoutes } from './directory.js';
import { registerFileRoutes } from './files.js';
import { memberRoutes, sendMessagingError, type RouteDeps } from './http.js';
import { registerMessageRoutes } from './messages.js';
import { registerSsoRoutes } from './sso-routes.js';

export { sendMessagingError, type RouteDeps } from './http.js';

export function registerMemberApi(app: FastifyInstance, deps: RouteDeps): void {
  const routes = memberRoutes(deps);
  app.register(async (scope) => {
    scope.setErrorHandler((error, request, reply) => {
      if (error instanceof MessagingError) return sendMessagingError(reply, error);
      const e = error as { statusCode?: number; code?: string; message: string };
      if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendMessagingError(reply, fail('too_large'));
      if (typeof e.statusCode === 'number' && e.statusCode < 500) return sendMessagingError(reply, fail('bad_request', e.message));
      request.log.error({ err: error }, 'internal error');
      return sendMessagingError(reply, fail('internal', `An internal error occurred. Request ID: ${request.id}`));
    });
    // Password sign-in, registration and password changes are the IdP's while SSO is on.
    registerSsoRoutes(app, scope, routes);
    registerAccountRoutes(scope, routes);
    registerDeviceRoutes(scope, routes);
    registerDeviceListRoutes(scope, routes);
    registerDirectoryRoutes(scope, routes);
    registerConversationRoutes(scope, routes);
    registerMessageRoutes(scope, routes);
    registerFileRoutes(scope, routes);
  });
}
