// The light entry point (`@enclave/server/client`): the model and the signed admin client, without
// the server (Fastify, database drivers, handlers). The CLI's admin commands load only this.
export { AdminClient, AdminApiError, buildRequest, operationNames, type AdminClientOptions, type BuiltRequest } from './client/adminClient.js';
export { operations, shapes, signingName, serviceVersion } from './model/model.generated.js';
export { taggingOperations } from './model/tagging.js';
export { allOperations } from './model/allOperations.js';
export { shapeOf } from './model/shapeOf.js';
export type { ModelOperation, ModelShape, ModelMember } from './model/modelTypes.js';
