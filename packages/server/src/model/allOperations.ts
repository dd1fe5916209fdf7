// Every operation the admin API serves: the 44 of the AWS model plus the AWS tagging operations,
// with Enclave's documented extensions of modelled shapes applied.
import { operations } from './model.generated.js';
import { taggingOperations } from './tagging.js';
import './extensions.js';
import type { ModelOperation } from './modelTypes.js';

export const allOperations: Record<string, ModelOperation> = { ...operations, ...taggingOperations };
