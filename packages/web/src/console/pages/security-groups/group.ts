// A security group as the console shows it: the model's, with Enclave's settings extension.
import type { SecurityGroup, SecurityGroupSettings } from '../../api/admin';

export type GroupSettings = SecurityGroupSettings & { nonSsoTimeoutMinutes?: number };

export type Group = Omit<SecurityGroup, 'securityGroupSettings'> & { securityGroupSettings: GroupSettings };
