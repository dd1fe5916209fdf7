// `enclave iam <action>`: the /iam API of an Enclave server (IAM users, groups, roles, access keys,
// console passwords, MFA and policies), one subcommand per action named as the AWS CLI names it
// (create-user --user-name …), JSON on stdout, the exit codes of `enclave admin`. Credentials and
// endpoint come from the same flags and variables as `enclave admin`; because --access-key-id is the
// caller's key there, the AccessKeyId member of the key actions is --target-access-key-id here.
import { IAM_ACTION_NAMES, type IamActionName } from '@enclave/admin-api';
import { AdminClient } from '@enclave/admin-api/client';
import { Command, Option } from 'commander';
import { addCallerOptions, DEFAULT_ENDPOINT, DEFAULT_REGION, endpointOf } from './admin.js';
import { resolveCredentials } from './credentials.js';
import { usageError } from './errors.js';
import { parseCliInputJson } from './input.js';
import { readFlagText } from './model-flags.js';
import { kebabCase } from './names.js';
import { printJson, processOut, reportAdminError, type Out } from './output.js';

export type IamMemberKind = 'string' | 'boolean' | 'integer' | 'document';

export interface IamMember {
  kind: IamMemberKind;
  required: boolean;
  doc: string;
}

const req = (kind: IamMemberKind, doc: string): IamMember => ({ kind, required: true, doc });
const opt = (kind: IamMemberKind, doc: string): IamMember => ({ kind, required: false, doc });

/** The members of the /iam actions' inputs (test/iam checks the table below against the server's handlers). */
const M = {
  AccessKeyId: req('string', "the access key to act on (--access-key-id is the caller's own key, as in enclave admin)"),
  AuthenticationCode1: req('string', "a code from the device"),
  AuthenticationCode2: req('string', "the next code from the device"),
  Description: opt('string', "what the policy is for (cannot be changed later)"),
  GroupName: req('string', "the IAM group name"),
  Marker: opt('string', "the Marker of the previous page"),
  MaxItems: opt('integer', "page size, 1-1000 (default 100)"),
  OnlyAttached: opt('boolean', "only policies attached to a user, group or role of the account"),
  Password: req('string', "the console password (12+ characters, 3 of: lower case, upper case, digits, symbols)"),
  Path: opt('string', "the path, '/' (default) or /division/…/"),
  PathPrefix: opt('string', "only entities whose path starts with this"),
  PolicyArn: req('string', "the managed policy ARN"),
  PolicyDocument: req('document', "the JSON policy document, inline or file://path.json"),
  PolicyName: req('string', "the policy name"),
  RoleName: req('string', "the IAM role name"),
  Scope: opt('string', "All (default), AWS or Local"),
  SelfUserName: opt('string', "the IAM user name (default: the calling IAM user)"),
  SerialNumber: opt('string', "the device serial number (optional; checked when given)"),
  SetAsDefault: opt('boolean', "make this version the one in effect"),
  Status: req('string', "Active or Inactive"),
  UserName: req('string', "the IAM user name"),
  VersionId: req('string', "the policy version, e.g. v2"),
};

/** The members of every /iam action: one entry per action of @enclave/admin-api's IAM_ACTION_NAMES (the type makes sure). */
export const IAM_ACTIONS: Record<IamActionName, Record<string, IamMember>> = {
  AddUserToGroup: { GroupName: M.GroupName, UserName: M.UserName },
  AttachGroupPolicy: { GroupName: M.GroupName, PolicyArn: M.PolicyArn },
  AttachRolePolicy: { RoleName: M.RoleName, PolicyArn: M.PolicyArn },
  AttachUserPolicy: { UserName: M.UserName, PolicyArn: M.PolicyArn },
  ConfirmMFADevice: { UserName: M.UserName, AuthenticationCode1: M.AuthenticationCode1, AuthenticationCode2: M.AuthenticationCode2 },
  CreateAccessKey: { UserName: M.SelfUserName },
  CreateGroup: { GroupName: M.GroupName, Path: M.Path },
  CreateLoginProfile: { UserName: M.UserName, Password: M.Password },
  CreatePolicy: { PolicyName: M.PolicyName, Path: M.Path, PolicyDocument: M.PolicyDocument, Description: M.Description },
  CreatePolicyVersion: { PolicyArn: M.PolicyArn, PolicyDocument: M.PolicyDocument, SetAsDefault: M.SetAsDefault },
  CreateRole: { RoleName: M.RoleName, Path: M.Path },
  CreateUser: { UserName: M.UserName, Path: M.Path },
  DeactivateMFADevice: { UserName: M.UserName, SerialNumber: M.SerialNumber },
  DeleteAccessKey: { UserName: M.SelfUserName, AccessKeyId: M.AccessKeyId },
  DeleteGroup: { GroupName: M.GroupName },
  DeleteGroupPolicy: { GroupName: M.GroupName, PolicyName: M.PolicyName },
  DeleteLoginProfile: { UserName: M.UserName },
  DeletePolicy: { PolicyArn: M.PolicyArn },
  DeletePolicyVersion: { PolicyArn: M.PolicyArn, VersionId: M.VersionId },
  DeleteRole: { RoleName: M.RoleName },
  DeleteRolePolicy: { RoleName: M.RoleName, PolicyName: M.PolicyName },
  DeleteUser: { UserName: M.UserName },
  DeleteUserPolicy: { UserName: M.UserName, PolicyName: M.PolicyName },
  DetachGroupPolicy: { GroupName: M.GroupName, PolicyArn: M.PolicyArn },
  DetachRolePolicy: { RoleName: M.RoleName, PolicyArn: M.PolicyArn },
  DetachUserPolicy: { UserName: M.UserName, PolicyArn: M.PolicyArn },
  EnableMFADevice: { UserName: M.UserName },
  GetAccessKeyLastUsed: { AccessKeyId: M.AccessKeyId },
  GetGroup: { GroupName: M.GroupName, Marker: M.Marker, MaxItems: M.MaxItems },
  GetGroupPolicy: { GroupName: M.GroupName, PolicyName: M.PolicyName },
  GetLoginProfile: { UserName: M.UserName },
  GetPolicy: { PolicyArn: M.PolicyArn },
  GetPolicyVersion: { PolicyArn: M.PolicyArn, VersionId: M.VersionId },
  GetRole: { RoleName: M.RoleName },
  GetRolePolicy: { RoleName: M.RoleName, PolicyName: M.PolicyName },
  GetUser: { UserName: M.SelfUserName },
  GetUserPolicy: { UserName: M.UserName, PolicyName: M.PolicyName },
  ListAccessKeys: { UserName: M.SelfUserName, Marker: M.Marker, MaxItems: M.MaxItems },
  ListAttachedGroupPolicies: { GroupName: M.GroupName, PathPrefix: M.PathPrefix, Marker: M.Marker, MaxItems: M.MaxItems },
  ListAttachedRolePolicies: { RoleName: M.RoleName, PathPrefix: M.PathPrefix, Marker: M.Marker, MaxItems: M.MaxItems },
  ListAttachedUserPolicies: { UserName: M.UserName, PathPrefix: M.PathPrefix, Marker: M.Marker, MaxItems: M.MaxItems },
  ListGroupPolicies: { GroupName: M.GroupName, Marker: M.Marker, MaxItems: M.MaxItems },
  ListGroups: { PathPrefix: M.PathPrefix, Marker: M.Marker, MaxItems: M.MaxItems },
  ListGroupsForUser: { UserName: M.SelfUserName, Marker: M.Marker, MaxItems: M.MaxItems },
  ListMFADevices: { UserName: M.UserName },
  ListPolicies: { Scope: M.Scope, OnlyAttached: M.OnlyAttached, PathPrefix: M.PathPrefix, Marker: M.Marker, MaxItems: M.MaxItems },
  ListPolicyVersions: { PolicyArn: M.PolicyArn },
  ListRolePolicies: { RoleName: M.RoleName, Marker: M.Marker, MaxItems: M.MaxItems },
  ListRoles: { PathPrefix: M.PathPrefix, Marker: M.Marker, MaxItems: M.MaxItems },
  ListUserPolicies: { UserName: M.UserName, Marker: M.Marker, MaxItems: M.MaxItems },
  ListUsers: { PathPrefix: M.PathPrefix, Marker: M.Marker, MaxItems: M.MaxItems },
  PutGroupPolicy: { GroupName: M.GroupName, PolicyName: M.PolicyName, PolicyDocument: M.PolicyDocument },
  PutRolePolicy: { RoleName: M.RoleName, PolicyName: M.PolicyName, PolicyDocument: M.PolicyDocument },
  PutUserPolicy: { UserName: M.UserName, PolicyName: M.PolicyName, PolicyDocument: M.PolicyDocument },
  RemoveUserFromGroup: { GroupName: M.GroupName, UserName: M.UserName },
  SetDefaultPolicyVersion: { PolicyArn: M.PolicyArn, VersionId: M.VersionId },
  UpdateAccessKey: { UserName: M.SelfUserName, AccessKeyId: M.AccessKeyId, Status: M.Status },
  UpdateLoginProfile: { UserName: M.UserName, Password: M.Password },
  ValidatePolicy: { PolicyDocument: M.PolicyDocument },
};

export const TARGET_ACCESS_KEY_FLAG = '--target-access-key-id';

/** The flag of a member: UserName → --user-name; AccessKeyId → --target-access-key-id. */
export function iamMemberFlag(member: string): string {
  return member === 'AccessKeyId' ? TARGET_ACCESS_KEY_FLAG : `--${kebabCase(member)}`;
}

export interface IamFlag {
  member: string;
  flag: string;
  kind: IamMemberKind;
  options: Option[];
}

export interface IamActionSpec {
  name: string;
  command: string;
  members: Record<string, IamMember>;
  flags: IamFlag[];
  /** Has Marker/MaxItems: --all-pages follows the Marker. */
  paged: boolean;
}

function memberOptions(member: string, m: IamMember): Option[] {
  const flag = iamMemberFlag(member);
  const desc = `${member}: ${m.doc}${m.required ? ' [required]' : ''}`;
  switch (m.kind) {
    case 'boolean':
      return [new Option(`${flag} [true|false]`, desc), new Option(`--no-${flag.slice(2)}`, `same as ${flag} false`)];
    case 'integer':
      return [new Option(`${flag} <integer>`, desc)];
    case 'document':
      return [new Option(`${flag} <json>`, desc)];
    default:
      return [new Option(`${flag} <string>`, desc)];
  }
}

export function iamActionSpecs(): IamActionSpec[] {
  return IAM_ACTION_NAMES.map((name) => [name, IAM_ACTIONS[name]] as const)
    .map(([name, members]) => ({
      name,
      command: kebabCase(name),
      members,
      flags: Object.entries(members).map(([member, m]) => ({ member, flag: iamMemberFlag(member), kind: m.kind, options: memberOptions(member, m) })),
      paged: 'Marker' in members,
    }))
    .sort((a, b) => a.command.localeCompare(b.command));
}

export interface IamOptions {
  endpointUrl?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  dataDir?: string;
  cliInputJson?: string;
  allPages?: boolean;
}

function coerce(flag: string, kind: IamMemberKind, raw: string | boolean): unknown {
  if (typeof raw === 'boolean') {
    if (kind !== 'boolean') throw usageError(`${flag}: a value is required`);
    return raw;
  }
  const text = readFlagText(flag, raw);
  switch (kind) {
    case 'boolean': {
      const v = text.trim().toLowerCase();
      if (v !== 'true' && v !== 'false') throw usageError(`${flag}: expected true or false, got "${text}"`);
      return v === 'true';
    }
    case 'integer': {
      if (!/^[-+]?\d+$/.test(text.trim())) throw usageError(`${flag}: expected an integer, got "${text}"`);
      return Number(text.trim());
    }
    case 'document':
      // Sent as the text given: the server parses it and names what is wrong (ValidatePolicy too).
      return text;
    default:
      return text.replace(/\r?\n$/, '');
  }
}

/** The action's input from --cli-input-json and the member flags (flags win), checked before sending. */
export function collectIamInput(spec: IamActionSpec, opts: IamOptions, flagValue: (attr: string) => unknown): Record<string, unknown> {
  const input: Record<string, unknown> = opts.cliInputJson !== undefined ? parseCliInputJson(opts.cliInputJson) : {};
  for (const f of spec.flags) {
    const raw = flagValue(f.options[0]!.attributeName());
    if (raw !== undefined) input[f.member] = coerce(f.flag, f.kind, raw as string | boolean);
  }
  const unknown = Object.keys(input).filter((k) => !(k in spec.members));
  if (unknown.length) {
    throw usageError(`Unknown parameter${unknown.length > 1 ? 's' : ''} in input: ${unknown.join(', ')}. Must be one of: ${Object.keys(spec.members).join(', ') || '(none)'}`);
  }
  const missing = Object.entries(spec.members)
    .filter(([k, m]) => m.required && (input[k] === undefined || input[k] === null || input[k] === ''))
    .map(([k]) => k);
  if (missing.length) {
    const hint =
      missing.includes('AccessKeyId') && opts.accessKeyId !== undefined
        ? ` (--access-key-id is the caller's own access key, as in enclave admin; name the key to act on with ${TARGET_ACCESS_KEY_FLAG})`
        : '';
    throw usageError(`Missing required parameter${missing.length > 1 ? 's' : ''} in input: ${missing.map((k) => `${k} (${iamMemberFlag(k)})`).join(', ')}${hint}`);
  }
  return input;
}

/** Follows Marker until IsTruncated is false; the lists of all pages are concatenated. */
export async function collectIamPages(input: Record<string, unknown>, call: (input: Record<string, unknown>) => Promise<Record<string, unknown>>, maxPages = 100_000) {
  const merged: Record<string, unknown> = {};
  let next = input;
  for (let page = 0; ; page++) {
    if (page >= maxPages) throw usageError(`--all-pages: stopped after ${page} pages`);
    const out = await call(next);
    for (const [k, v] of Object.entries(out)) {
      if (k === 'Marker' || k === 'IsTruncated') continue;
      if (Array.isArray(v)) merged[k] = [...((merged[k] as unknown[] | undefined) ?? []), ...v];
      else if (!(k in merged)) merged[k] = v;
    }
    if (out.IsTruncated !== true || typeof out.Marker !== 'string') break;
    next = { ...input, Marker: out.Marker };
  }
  merged.IsTruncated = false;
  return merged;
}

/** Runs one action and prints the answer; returns the exit code (ValidatePolicy: 1 when the policy is invalid). */
export async function runIamAction(spec: IamActionSpec, opts: IamOptions, flagValue: (attr: string) => unknown, out: Out = processOut): Promise<number> {
  const input = collectIamInput(spec, opts, flagValue);
  const endpoint = endpointOf(opts.endpointUrl);
  const region = opts.region ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || DEFAULT_REGION);
  const credentials = resolveCredentials({ accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey, dataDir: opts.dataDir });
  const client = new AdminClient({ endpoint, region, credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey } });
  const call = async (i: Record<string, unknown>) =>
    (await client.sendRaw<Record<string, unknown>>({ method: 'POST', path: `/iam/${spec.name}`, query: {}, headers: { 'content-type': 'application/json' }, body: JSON.stringify(i) })).body;
  const result = spec.paged && opts.allPages ? await collectIamPages(input, call) : await call(input);
  printJson(out, result);
  if (spec.name === 'ValidatePolicy') return reportValidation(out, result);
  return 0;
}

function reportValidation(out: Out, result: Record<string, unknown>): number {
  const errors = (result.Errors as { Statement?: number; Message: string }[] | undefined) ?? [];
  const warnings = (result.Warnings as { Message: string }[] | undefined) ?? [];
  for (const e of errors) out.stderr(`error: ${e.Message}\n`);
  for (const w of warnings) out.stderr(`warning: ${w.Message}\n`);
  return result.Valid === true ? 0 : 1;
}

/** Adds `enclave iam` and its actions to the program. */
export function registerIam(program: Command): Command {
  const iam = addCallerOptions(
    program.command('iam').description('manage IAM users, groups, roles, access keys and policies of an Enclave server (its /iam API)'),
    "the caller's ",
  );
  iam.addHelpText(
    'after',
    `\nThe key actions name the key to act on with ${TARGET_ACCESS_KEY_FLAG} (--access-key-id is the caller's key).` +
      '\nExit codes: 0 success, 1 validate-policy found the policy invalid, 252 usage error, 253 missing credentials, 254 service error, 255 other error.',
  );
  for (const spec of iamActionSpecs()) {
    const cmd = iam.command(spec.command).description(`${spec.name}: POST /iam/${spec.name}`);
    cmd.addOption(new Option('--cli-input-json <json>', 'the input as JSON (inline or file://path.json); member flags override it'));
    for (const f of spec.flags) for (const o of f.options) cmd.addOption(o);
    if (spec.paged) cmd.addOption(new Option('--all-pages', 'follow Marker and merge the lists of all pages'));
    if (spec.name === 'ValidatePolicy') cmd.addHelpText('after', '\nPrints the answer as JSON, each error and warning on stderr, and exits 1 when the policy is invalid.');
    cmd.action(async (_options: unknown, command: Command) => {
      const opts = command.optsWithGlobals<IamOptions>();
      try {
        process.exitCode = await runIamAction(spec, opts, (attr) => command.getOptionValue(attr));
      } catch (err) {
        process.exitCode = reportAdminError(processOut, err, spec.name, spec.command, opts.endpointUrl ?? (process.env.ENCLAVE_ENDPOINT || DEFAULT_ENDPOINT));
      }
    });
  }
  return iam;
}
