// The model as Enclave serves it: the generated AWS Wickr Admin API model (model.generated.ts) with the
// AWS tagging operations (tagging.ts) and Enclave's documented extensions (extensions.ts) applied here,
// once, so every reader of `shapes` sees the same model.
import { operations, shapes } from './model.generated.js';
import { applyExtensions } from './extensions.js';
import type { ModelOperation } from './model-types.js';
import { taggingOperations, taggingShapes } from './tagging.js';

Object.assign(shapes, taggingShapes);
applyExtensions(shapes);

export { operations, serviceVersion, shapes, signingName } from './model.generated.js';

/** Every operation the admin API serves: the 44 of the AWS model plus the AWS tagging operations. */
export const allOperations: Record<string, ModelOperation> = { ...operations, ...taggingOperations };
