import type { UpdateUserResponse } from '@enclave/admin-api';
import type { UsersTable } from '../../infra/schema.js';
import { unameFor } from '../../kernel/ids.js';
import { requireNetwork } from '../../domain/networks/networks.js';
import { existingGroupIds } from '../../domain/security-groups/repo.js';
import { takenUsernames, updateUser } from '../../domain/users/repo.js';
import {
  DEFAULT_INVITE_TTL_DAYS,
  groupNotFoundReason,
  inviteExpiration,
  isValidInviteCode,
  isValidInviteTtl,
  normalizeCell,
  normalizeCountryCode,
  normalizeEmail,
  REASON_CELL,
  REASON_COUNTRY_CODE,
  REASON_EXISTS,
  REASON_INVALID_EMAIL,
  REASON_INVITE_CODE,
  REASON_INVITE_TTL,
  REASON_ONE_GROUP,
  STATUS_PENDING,
} from '../../domain/users/rules.js';
import { requireUser } from '../../domain/users/users.js';
import { badRequest, validation, type ErrorReason } from '../../kernel/errors.js';
import { defineCommand } from './operation.js';
import type { UserPhoneExtension } from '@enclave/admin-api';

/**
 * Edits a user (the guide's 編輯使用者): names, username (an email address, unique in the network
 * among users and bots), the one security group, and the invite (code, TTL in days, code validation).
 * A new invite code gets a fresh expiry (the given TTL or seven days); a TTL alone re-dates the
 * current code. Everything is checked before anything changes.
 */
export default defineCommand('UpdateUser', async (ctx, input) => {
  const { network_id: networkId } = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const user = await requireUser(ctx.tx, networkId, input.userId);
  const d = (input.userDetails ?? {}) as NonNullable<typeof input.userDetails> & UserPhoneExtension;
  const given = (['firstName', 'lastName', 'username', 'securityGroupIds', 'inviteCode', 'inviteCodeTtl', 'codeValidation', 'countryCode', 'cell'] as const).filter((k) => d[k] !== undefined);
  if (given.length === 0) {
    throw validation('userDetails', 'at least one of firstName, lastName, username, securityGroupIds, inviteCode, inviteCodeTtl, codeValidation, countryCode, cell is required');
  }

  const reasons: ErrorReason[] = [];
  const patch: Partial<UsersTable> = {};
  if (d.firstName !== undefined) Object.assign(patch, { first_name: d.firstName, first_name_lc: d.firstName.toLowerCase() });
  if (d.lastName !== undefined) Object.assign(patch, { last_name: d.lastName, last_name_lc: d.lastName.toLowerCase() });
  if (d.countryCode !== undefined) {
    const v = normalizeCountryCode(d.countryCode);
    if (v === undefined) reasons.push({ field: 'userDetails.countryCode', reason: REASON_COUNTRY_CODE });
    else patch.country_code = v;
  }
  if (d.cell !== undefined) {
    const v = normalizeCell(d.cell);
    if (v === undefined) reasons.push({ field: 'userDetails.cell', reason: REASON_CELL });
    else patch.cell = v;
  }
  let newUsername: string | undefined;
  if (d.username !== undefined) {
    const username = normalizeEmail(d.username);
    if (username === undefined) reasons.push({ field: 'userDetails.username', reason: REASON_INVALID_EMAIL });
    else if (username !== user.username) newUsername = username;
  }
  if (d.securityGroupIds !== undefined) {
    if (d.securityGroupIds.length !== 1) reasons.push({ field: 'userDetails.securityGroupIds', reason: REASON_ONE_GROUP });
    else {
      const groupId = d.securityGroupIds[0]!;
      if (!(await existingGroupIds(ctx.tx, networkId, [groupId])).has(groupId)) {
        reasons.push({ field: 'userDetails.securityGroupIds', reason: groupNotFoundReason(groupId) });
      } else patch.security_group_id = groupId;
    }
  }
  if (d.inviteCode !== undefined && !isValidInviteCode(d.inviteCode)) reasons.push({ field: 'userDetails.inviteCode', reason: REASON_INVITE_CODE });
  if (d.inviteCodeTtl !== undefined && !isValidInviteTtl(d.inviteCodeTtl)) reasons.push({ field: 'userDetails.inviteCodeTtl', reason: REASON_INVITE_TTL });
  if (reasons.length > 0) throw validation(reasons);

  if (newUsername !== undefined) {
    if ((await takenUsernames(ctx.tx, networkId, [newUsername])).has(newUsername)) throw badRequest(`${REASON_EXISTS}: ${newUsername}`);
    Object.assign(patch, { username: newUsername, uname: unameFor(networkId, newUsername) });
  }
  if (d.inviteCode !== undefined) {
    patch.invite_code = d.inviteCode;
    patch.invite_expiration = inviteExpiration(ctx.now, d.inviteCodeTtl ?? DEFAULT_INVITE_TTL_DAYS);
  } else if (d.inviteCodeTtl !== undefined) {
    patch.invite_expiration = inviteExpiration(ctx.now, d.inviteCodeTtl);
  }
  if (d.codeValidation !== undefined) patch.code_validation = d.codeValidation ? 1 : 0;
  patch.modified = ctx.now;
  await updateUser(ctx.tx, networkId, user.user_id, patch);

  const row = { ...user, ...patch };
  const out: UpdateUserResponse = {
    userId: String(row.user_id),
    networkId,
    securityGroupIds: [row.security_group_id],
    firstName: row.first_name,
    lastName: row.last_name,
    suspended: row.suspended === 1,
    modified: Math.floor(row.modified / 1000),
    status: row.status,
    codeValidation: row.code_validation === 1,
  };
  if (row.status === STATUS_PENDING || d.inviteCode !== undefined || d.inviteCodeTtl !== undefined) {
    out.inviteCode = row.invite_code;
    out.inviteExpiration = row.invite_expiration;
  }
  return out;
});
