// The action names policies can mention: `iam:` + every /iam action (the server has one handler module
// per action and refuses to start when they and this list disagree; the CLI has one subcommand per
// action) and `wickr:` + every admin API operation, plus the console-only Wickr actions. Policies may
// name other actions (IAM accepts them); ValidatePolicy warns about them.
import { allOperations } from './model.js';

export const IAM_ACTION_NAMES = [
  'AddUserToGroup', 'AttachGroupPolicy', 'AttachRolePolicy', 'AttachUserPolicy', 'ConfirmMFADevice', 'CreateAccessKey',
  'CreateGroup', 'CreateLoginProfile', 'CreatePolicy', 'CreatePolicyVersion', 'CreateRole', 'CreateUser', 'DeactivateMFADevice',
  'DeleteAccessKey', 'DeleteGroup', 'DeleteGroupPolicy', 'DeleteLoginProfile', 'DeletePolicy', 'DeletePolicyVersion',
  'DeleteRole', 'DeleteRolePolicy', 'DeleteUser', 'DeleteUserPolicy', 'DetachGroupPolicy', 'DetachRolePolicy',
  'DetachUserPolicy', 'EnableMFADevice', 'GetAccessKeyLastUsed', 'GetGroup', 'GetGroupPolicy', 'GetLoginProfile', 'GetPolicy',
  'GetPolicyVersion', 'GetRole', 'GetRolePolicy', 'GetUser', 'GetUserPolicy', 'ListAccessKeys', 'ListAttachedGroupPolicies',
  'ListAttachedRolePolicies', 'ListAttachedUserPolicies', 'ListGroupPolicies', 'ListGroups', 'ListGroupsForUser', 'ListMFADevices', 'ListPolicies',
  'ListPolicyVersions', 'ListRolePolicies', 'ListRoles', 'ListUserPolicies', 'ListUsers', 'PutGroupPolicy', 'PutRolePolicy',
  'PutUserPolicy', 'RemoveUserFromGroup', 'SetDefaultPolicyVersion', 'UpdateAccessKey', 'UpdateLoginProfile', 'ValidatePolicy',
] as const;

/** An action of the /iam API (`POST /iam/<IamActionName>`). */
export type IamActionName = (typeof IAM_ACTION_NAMES)[number];

/** Wickr actions that are not admin API operations: the AWS Management Console for Wickr's. */
export const WICKR_CONSOLE_ACTIONS = ['CreateAdminSession', 'UpdateNetworkDetails'] as const;

let known: string[] | undefined;

/** Every action Enclave knows, prefixed by service (`wickr:ListNetworks`, `iam:CreateUser`). */
export function knownActions(): readonly string[] {
  known ??= [
    ...Object.keys(allOperations).map((n) => `wickr:${n}`),
    ...WICKR_CONSOLE_ACTIONS.map((n) => `wickr:${n}`),
    ...IAM_ACTION_NAMES.map((n) => `iam:${n}`),
  ].sort();
  return known;
}
