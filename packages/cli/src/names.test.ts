import { allOperations } from '@enclave/admin-api';
import { describe, expect, it } from 'vitest';
import { operationSpecs } from './admin.js';
import { kebabCase } from './names.js';

// The AWS CLI's command names for the Wickr admin API (aws wickr <command>) and the tagging operations.
const AWS_CLI_NAMES: Record<string, string> = {
  BatchCreateUser: 'batch-create-user',
  BatchDeleteUser: 'batch-delete-user',
  BatchLookupUserUname: 'batch-lookup-user-uname',
  BatchReinviteUser: 'batch-reinvite-user',
  BatchResetDevicesForUser: 'batch-reset-devices-for-user',
  BatchToggleUserSuspendStatus: 'batch-toggle-user-suspend-status',
  CreateBot: 'create-bot',
  CreateDataRetentionBot: 'create-data-retention-bot',
  CreateDataRetentionBotChallenge: 'create-data-retention-bot-challenge',
  CreateNetwork: 'create-network',
  CreateSecurityGroup: 'create-security-group',
  DeleteBot: 'delete-bot',
  DeleteDataRetentionBot: 'delete-data-retention-bot',
  DeleteNetwork: 'delete-network',
  DeleteSecurityGroup: 'delete-security-group',
  GetBot: 'get-bot',
  GetBotsCount: 'get-bots-count',
  GetDataRetentionBot: 'get-data-retention-bot',
  GetGuestUserHistoryCount: 'get-guest-user-history-count',
  GetNetwork: 'get-network',
  GetNetworkSettings: 'get-network-settings',
  GetOidcInfo: 'get-oidc-info',
  GetOpentdfConfig: 'get-opentdf-config',
  GetSecurityGroup: 'get-security-group',
  GetUser: 'get-user',
  GetUsersCount: 'get-users-count',
  ListBlockedGuestUsers: 'list-blocked-guest-users',
  ListBots: 'list-bots',
  ListDevicesForUser: 'list-devices-for-user',
  ListGuestUsers: 'list-guest-users',
  ListNetworks: 'list-networks',
  ListSecurityGroupUsers: 'list-security-group-users',
  ListSecurityGroups: 'list-security-groups',
  ListUsers: 'list-users',
  RegisterOidcConfig: 'register-oidc-config',
  RegisterOidcConfigTest: 'register-oidc-config-test',
  RegisterOpentdfConfig: 'register-opentdf-config',
  UpdateBot: 'update-bot',
  UpdateDataRetention: 'update-data-retention',
  UpdateGuestUser: 'update-guest-user',
  UpdateNetwork: 'update-network',
  UpdateNetworkSettings: 'update-network-settings',
  UpdateSecurityGroup: 'update-security-group',
  UpdateUser: 'update-user',
  TagResource: 'tag-resource',
  UntagResource: 'untag-resource',
  ListTagsForResource: 'list-tags-for-resource',
};

describe('kebabCase', () => {
  it('names every operation as the AWS CLI does', () => {
    const names = Object.keys(allOperations);
    expect(names).toHaveLength(47);
    expect(names.sort()).toEqual(Object.keys(AWS_CLI_NAMES).sort());
    for (const name of names) expect(kebabCase(name), name).toBe(AWS_CLI_NAMES[name]);
  });

  it('gives each operation its own command', () => {
    const commands = operationSpecs().map((s) => s.command);
    expect(new Set(commands).size).toBe(47);
    expect(commands.sort()).toEqual(Object.values(AWS_CLI_NAMES).sort());
  });

  it('turns member names into flags and keeps acronym runs together', () => {
    expect(kebabCase('networkId')).toBe('network-id');
    expect(kebabCase('maxResults')).toBe('max-results');
    expect(kebabCase('securityGroupSettings')).toBe('security-group-settings');
    expect(kebabCase('ssoTokenBufferMinutes')).toBe('sso-token-buffer-minutes');
    expect(kebabCase('suspend')).toBe('suspend');
    expect(kebabCase('HTTPSEndpoint')).toBe('https-endpoint');
    expect(kebabCase('userId2Name')).toBe('user-id2-name');
  });
});
