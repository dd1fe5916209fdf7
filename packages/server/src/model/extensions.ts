// Enclave's documented extensions of modelled shapes (docs/api-compat.md). AWS clients never send
// these members, so the wire contract for them is unchanged.
import { shapes } from './model.generated.js';

const updateNetwork = shapes.UpdateNetworkRequest;
if (updateNetwork?.type === 'structure') {
  // The console's "edit plan" (the guide's 管理網路計劃): change the plan, or enroll in the free trial.
  updateNetwork.members.accessLevel = { target: 'AccessLevel' };
  updateNetwork.members.enablePremiumFreeTrial = { target: 'Boolean' };
  // The network name stays required by the model; a plan-only change sends the current name.
}

export interface UpdateNetworkExtension {
  accessLevel?: 'STANDARD' | 'PREMIUM';
  enablePremiumFreeTrial?: boolean;
}
