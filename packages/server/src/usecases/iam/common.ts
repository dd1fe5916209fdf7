// Domain rules shared by the /iam actions: lookups that fail in IAM's words, output shapes (AWS IAM
// member names, ISO 8601 dates), the resources actions are authorized against, policy documents,
// password rules, paging, and the attach/inline-policy logic common to users, groups and roles.
import { badRequest, notFound, validation, type ErrorReason } from '../../kernel/errors.js';
import { newPrincipalId } from '../../kernel/ids.js';
import { parsePolicy, PolicyError } from '../../domain/iam/policy.js';
import { PATH_RE, type IamContext } from './action.js';
import type { CommandContext } from '../context.js';
import * as store from '../../domain/iam/repo.js';
import type { Entity, EntityKind, PolicyRow } from '../../domain/iam/repo.js';

export const iso = (ms: number) => new Date(ms).toISOString();

/** IAM unique IDs: AIDA… users, AGPA… groups, AROA… roles, ANPA… managed policies. */
export const iamId = (prefix: 'AIDA' | 'AGPA' | 'AROA' | 'ANPA') => prefix + newPrincipalId().slice(4);

export const ROLE_DESCRIPTION =
  'Holds identity policies only: this role cannot be assumed, because Wickr does not support temporary credentials (no AssumeRole, no service roles).';

export const MAX_ACCESS_KEYS = 2;
export const MAX_POLICY_VERSIONS = 5;

const KIND_WORD: Record<EntityKind, string> = { user: 'user', group: 'group', role: 'role' };

export async function requireEntity(ctx: IamContext, kind: EntityKind, name: string): Promise<Entity> {
  const e = await store.findEntity(ctx.tx, ctx.actor.accountId, kind, name);
  if (!e) throw notFound(`The ${KIND_WORD[kind]} with name ${name} cannot be found.`);
  return e;
}

/** UserName, or the calling IAM user when it is left out (as IAM does for GetUser, access keys…). */
export function userNameOrSelf(ctx: Pick<CommandContext, 'actor'>, name: string | undefined): string {
  if (name !== undefined) return name;
  if (ctx.actor.principal.kind === 'IAMUser') return ctx.actor.principal.name;
  throw validation('UserName', 'is required when the caller is not an IAM user');
}

// ---- Output shapes ----

export const userOut = (e: Entity) => ({ Path: e.path, UserName: e.name, UserId: e.principalId, Arn: e.arn, CreateDate: iso(e.createdAt) });
export const groupOut = (e: Entity) => ({ Path: e.path, GroupName: e.name, GroupId: e.principalId, Arn: e.arn, CreateDate: iso(e.createdAt) });
export const roleOut = (e: Entity) => ({ Path: e.path, RoleName: e.name, RoleId: e.principalId, Arn: e.arn, CreateDate: iso(e.createdAt), Description: ROLE_DESCRIPTION });

export function policyOut(p: PolicyRow, attachmentCount: number) {
  return {
    PolicyName: p.name,
    PolicyId: p.policyId,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: attachmentCount,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    ...(p.description ? { Description: p.description } : {}),
    CreateDate: iso(p.createdAt),
    UpdateDate: iso(p.updatedAt),
  };
}

// ---- Resources for the policy check (computed on the raw input, before validation) ----

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= 2048 ? v : undefined);

/** The entity's ARN (its real path when it exists; else the path given, or '/'); `*` without a name. */
export async function entityResource(ctx: IamContext, kind: EntityKind, rawName: unknown, rawPath?: unknown): Promise<string> {
  const name = str(rawName);
  if (name === undefined) return '*';
  const found = await store.findEntity(ctx.tx, ctx.actor.accountId, kind, name);
  if (found) return found.arn;
  const path = str(rawPath);
  return store.entityArn(ctx.actor.accountId, kind, path !== undefined && PATH_RE.test(path) ? path : '/', name);
}

/** The user named, or the caller (an IAM user) when no name is given. */
export async function userResource(ctx: IamContext, rawName: unknown): Promise<string> {
  if (rawName === undefined && ctx.actor.principal.kind === 'IAMUser') return ctx.actor.principal.arn;
  return entityResource(ctx, 'user', rawName);
}

export const policyResource = (rawArn: unknown) => str(rawArn) ?? '*';

export const anyResource = async () => '*';

// ---- Policies ----

/** Parses a policy document; a malformed one is a 422 naming the statement. Unknown actions are accepted. */
export function checkDocument(text: string, field = 'PolicyDocument'): void {
  try {
    parsePolicy(text);
  } catch (err) {
    if (err instanceof PolicyError) throw validation(field, err.message);
    throw err;
  }
}

export async function requirePolicy(ctx: IamContext, arn: string): Promise<PolicyRow> {
  const p = await store.findPolicy(ctx.tx, ctx.actor.accountId, arn);
  if (!p) throw notFound(`Policy ${arn} does not exist or is not attachable.`);
  return p;
}

/** A policy the account may change: its own (AWS managed policies are immutable). */
export async function requireOwnPolicy(ctx: IamContext, arn: string): Promise<PolicyRow> {
  const p = await requirePolicy(ctx, arn);
  if (p.accountId === null) throw badRequest(`Policy ${arn} is an AWS managed policy: it cannot be changed or deleted.`);
  return p;
}

export async function requireVersion(ctx: IamContext, arn: string, versionId: string) {
  const v = await store.findVersion(ctx.tx, arn, versionId);
  if (!v) throw notFound(`Policy ${arn} version ${versionId} does not exist or is not attachable.`);
  return v;
}

// ---- Console passwords ----

export const MIN_PASSWORD_LENGTH = 12;

/** The console password rules: at least 12 characters, and 3 of lower case, upper case, digits, symbols. */
export function checkPassword(password: string): void {
  const reasons: ErrorReason[] = [];
  if (password.length < MIN_PASSWORD_LENGTH) reasons.push({ field: 'Password', reason: `must be at least ${MIN_PASSWORD_LENGTH} characters long` });
  if (password.length > 128) reasons.push({ field: 'Password', reason: 'must be at most 128 characters long' });
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) reasons.push({ field: 'Password', reason: 'must contain characters of at least 3 of these kinds: lower-case letters, upper-case letters, digits, symbols' });
  if (reasons.length) throw validation(reasons);
}

// ---- Paging (Marker / MaxItems / IsTruncated) ----

export function page<T>(items: T[], key: (t: T) => string, input: { Marker?: string; MaxItems?: number }): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  let start = 0;
  if (input.Marker !== undefined) {
    const after = Buffer.from(input.Marker, 'base64url').toString('utf8');
    if (!input.Marker || Buffer.from(after, 'utf8').toString('base64url') !== input.Marker) throw validation('Marker', 'is not a Marker returned by this action');
    start = sorted.findIndex((t) => key(t) > after);
    if (start < 0) start = sorted.length;
  }
  const max = input.MaxItems ?? 100;
  const items2 = sorted.slice(start, start + max);
  const truncated = start + max < sorted.length;
  return truncated ? { items: items2, IsTruncated: true, Marker: Buffer.from(key(items2[items2.length - 1]!), 'utf8').toString('base64url') } : { items: items2, IsTruncated: false };
}

export const pageOut = (p: { IsTruncated: boolean; Marker?: string }) => ({ IsTruncated: p.IsTruncated, ...(p.Marker ? { Marker: p.Marker } : {}) });

// ---- Managed policies attached to users, groups and roles ----

export async function attachPolicy(ctx: IamContext<false>, kind: EntityKind, name: string, arn: string): Promise<Record<string, never>> {
  const e = await requireEntity(ctx, kind, name);
  await requirePolicy(ctx, arn);
  await store.attach(ctx.tx, arn, e.principalId);
  return {};
}

export async function detachPolicy(ctx: IamContext<false>, kind: EntityKind, name: string, arn: string): Promise<Record<string, never>> {
  const e = await requireEntity(ctx, kind, name);
  await requirePolicy(ctx, arn);
  if (!(await store.isAttached(ctx.tx, arn, e.principalId))) throw notFound(`Policy ${arn} was not found attached to ${KIND_WORD[kind]} ${e.name}.`);
  await store.detach(ctx.tx, arn, e.principalId);
  return {};
}

export async function listAttached(ctx: IamContext, kind: EntityKind, name: string, input: { PathPrefix?: string; Marker?: string; MaxItems?: number }) {
  const e = await requireEntity(ctx, kind, name);
  const policies = (await store.attachedTo(ctx.tx, e.principalId)).filter((p) => input.PathPrefix === undefined || p.path.startsWith(input.PathPrefix));
  const p = page(policies, (x) => x.arn, input);
  return { AttachedPolicies: p.items.map((x) => ({ PolicyName: x.name, PolicyArn: x.arn })), ...pageOut(p) };
}

// ---- Inline policies of users, groups and roles ----

const INLINE_OWNER: Record<EntityKind, string> = { user: 'UserName', group: 'GroupName', role: 'RoleName' };

export async function putInlinePolicy(ctx: IamContext<false>, kind: EntityKind, name: string, policyName: string, document: string): Promise<Record<string, never>> {
  checkDocument(document);
  const e = await requireEntity(ctx, kind, name);
  await store.putInline(ctx.tx, e.principalId, policyName, document);
  return {};
}

async function requireInline(ctx: IamContext, kind: EntityKind, e: Entity, policyName: string) {
  const p = await store.findInline(ctx.tx, e.principalId, policyName);
  if (!p) throw notFound(`The ${KIND_WORD[kind]} policy with name ${policyName} cannot be found.`);
  return p;
}

export async function getInlinePolicy(ctx: IamContext, kind: EntityKind, name: string, policyName: string) {
  const e = await requireEntity(ctx, kind, name);
  const p = await requireInline(ctx, kind, e, policyName);
  return { [INLINE_OWNER[kind]]: e.name, PolicyName: p.name, PolicyDocument: p.document };
}

export async function deleteInlinePolicy(ctx: IamContext<false>, kind: EntityKind, name: string, policyName: string): Promise<Record<string, never>> {
  const e = await requireEntity(ctx, kind, name);
  const p = await requireInline(ctx, kind, e, policyName);
  await store.deleteInline(ctx.tx, e.principalId, p.name);
  return {};
}

export async function listInlinePolicies(ctx: IamContext, kind: EntityKind, name: string, input: { Marker?: string; MaxItems?: number }) {
  const e = await requireEntity(ctx, kind, name);
  const p = page(await store.inlineNames(ctx.tx, e.principalId), (x) => x, input);
  return { PolicyNames: p.items, ...pageOut(p) };
}

// ---- Deleting entities: refused while anything still hangs on them, as IAM does ----

export async function refuseWhilePolicies(ctx: IamContext, e: Entity): Promise<void> {
  if ((await store.attachedTo(ctx.tx, e.principalId)).length > 0) throw badRequest('Cannot delete entity, must detach all policies first.');
  if ((await store.inlineNames(ctx.tx, e.principalId)).length > 0) throw badRequest('Cannot delete entity, must delete policies first.');
}

// ---- Access keys: a key is found only through its user ----

export async function requireUserKey(ctx: IamContext, user: Entity, accessKeyId: string): Promise<store.AccessKeyRow> {
  const key = await store.findKey(ctx.tx, ctx.actor.accountId, accessKeyId);
  if (!key || key.principalId !== user.principalId) throw notFound(`The Access Key with id ${accessKeyId} cannot be found.`);
  return key;
}
