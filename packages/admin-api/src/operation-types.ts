// The input and output types of every operation the admin API serves, with Enclave's documented
// extensions (extensions.ts) in the inputs they widen.
import type { NetworkSettingsExtension, UpdateNetworkExtension, UserPhoneExtension } from './extensions.js';
import type { TaggingTypes } from './tagging.js';
import type { OperationTypes } from './types.generated.js';

export type AdminOperationTypes = OperationTypes & TaggingTypes;
export type OperationName = keyof AdminOperationTypes;

type ModelInput<K extends keyof OperationTypes> = OperationTypes[K]['input'];

/** The members Enclave's extensions add or widen; they replace the model's members of the same name. */
export interface InputExtensions {
  UpdateNetwork: UpdateNetworkExtension;
  BatchCreateUser: { users: (ModelInput<'BatchCreateUser'>['users'][number] & UserPhoneExtension)[] };
  UpdateUser: { userDetails?: NonNullable<ModelInput<'UpdateUser'>['userDetails']> & UserPhoneExtension };
  UpdateNetworkSettings: { settings: ModelInput<'UpdateNetworkSettings'>['settings'] & NetworkSettingsExtension };
}

export type OperationInput<K extends OperationName> = K extends keyof InputExtensions
  ? Omit<AdminOperationTypes[K]['input'], keyof InputExtensions[K]> & InputExtensions[K]
  : AdminOperationTypes[K]['input'];
export type OperationOutput<K extends OperationName> = AdminOperationTypes[K]['output'];
