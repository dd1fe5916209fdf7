export { createServer, type EnclaveServer, type CreateServerOptions } from './app.js';
export { loadConfig, ConfigError, type ServerConfig, type ConfigInput } from './kernel/config.js';
export { operations, shapes, signingName, serviceVersion } from '@enclave/admin-api';
export { taggingOperations } from '@enclave/admin-api';
export { allOperations } from './api/admin/adapter.js';
export type { ModelOperation, ModelShape, ModelMember } from '@enclave/admin-api';
export { AdminClient, AdminApiError, buildRequest, operationNames, type AdminClientOptions, type BuiltRequest } from '@enclave/admin-api/client';
