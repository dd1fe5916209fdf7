export { createServer, type EnclaveServer, type CreateServerOptions } from './app.js';
export { loadConfig, ConfigError, type ServerConfig, type ConfigInput } from './config.js';
export { operations, shapes, signingName, serviceVersion } from './model/model.generated.js';
export { taggingOperations } from './model/tagging.js';
export { allOperations } from './admin/adapter.js';
export type { ModelOperation, ModelShape, ModelMember } from './model/modelTypes.js';
export { AdminClient, AdminApiError, buildRequest, operationNames, type AdminClientOptions, type BuiltRequest } from '@enclave/admin-api/client';
