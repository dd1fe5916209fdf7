import type { BatchUserErrorResponseItem, User } from '@enclave/admin-api';
import { unameFor } from '../../kernel/ids.js';
import { requireNetwork, trialSeatsLeft } from '../../domain/networks/networks.js';
import { trialActive } from '../../domain/networks/rules.js';
import { existingGroupIds } from '../../domain/security-groups/repo.js';
import { allocateUserIds, insertUsers, takenUsernames } from '../../domain/users/repo.js';
import {
  batchResult,
  checkBatchSize,
  groupNotFoundReason,
  isValidInviteCode,
  isValidInviteTtl,
  newInvite,
  normalizeEmail,
  REASON_EXISTS,
  REASON_INVALID_EMAIL,
  REASON_INVITE_CODE,
  REASON_INVITE_TTL,
  REASON_ONE_GROUP,
  REASON_TRIAL_LIMIT,
  STATUS_PENDING,
  normalizeCell,
  normalizeCountryCode,
  REASON_CELL,
  REASON_COUNTRY_CODE,
  toUser,
  type UserRow,
} from '../../domain/users/rules.js';
import { defineCommand } from './operation.js';
import { enqueueInvitations } from '../../domain/mail/mail-queue.js';
import type { UserPhoneExtension } from '@enclave/admin-api';

/**
 * Invites up to 50 users: each starts PENDING with an invite code. Set-based: one query for taken
 * usernames (users and bots), one for the groups, one UPDATE for a block of user IDs, one multi-row
 * INSERT. Items that cannot be created are reported in `failed` (userId '0': no ID was assigned).
 * Each new user's invitation email is queued in the same transaction (domain/mail/mail-queue.ts).
 */
export default defineCommand('BatchCreateUser', async (ctx, input) => {
  checkBatchSize('users', input.users, 'user');
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const networkId = network.network_id;

  const usernames = input.users.map((u) => normalizeEmail(u.username));
  const candidates = [...new Set(usernames.filter((u): u is string => u !== undefined))];
  const groupIds = [...new Set(input.users.flatMap((u) => (u.securityGroupIds.length === 1 ? u.securityGroupIds : [])))];
  const taken = await takenUsernames(ctx.tx, networkId, candidates);
  const groups = await existingGroupIds(ctx.tx, networkId, groupIds);

  let room = trialActive(network, ctx.now) ? await trialSeatsLeft(ctx.tx, networkId) : Infinity;
  const failed: BatchUserErrorResponseItem[] = [];
  const accepted: { index: number; username: string; groupId: string; code: string; expiration: number; codeValidation: boolean }[] = [];
  const seen = new Set<string>();
  input.users.forEach((item, index) => {
    const fail = (field: string, reason: string) => failed.push({ userId: '0', field, reason });
    const username = usernames[index];
    if (username === undefined) return fail('username', REASON_INVALID_EMAIL);
    if (item.securityGroupIds.length !== 1) return fail('securityGroupIds', REASON_ONE_GROUP);
    const groupId = item.securityGroupIds[0]!;
    if (!groups.has(groupId)) return fail('securityGroupIds', groupNotFoundReason(groupId));
    if (item.inviteCode !== undefined && !isValidInviteCode(item.inviteCode)) return fail('inviteCode', REASON_INVITE_CODE);
    if (item.inviteCodeTtl !== undefined && !isValidInviteTtl(item.inviteCodeTtl)) return fail('inviteCodeTtl', REASON_INVITE_TTL);
    const phone = item as UserPhoneExtension;
    if (phone.countryCode !== undefined && normalizeCountryCode(phone.countryCode) === undefined) return fail('countryCode', REASON_COUNTRY_CODE);
    if (phone.cell !== undefined && normalizeCell(phone.cell) === undefined) return fail('cell', REASON_CELL);
    if (taken.has(username) || seen.has(username)) return fail('username', REASON_EXISTS);
    if (room <= 0) return fail('username', REASON_TRIAL_LIMIT);
    seen.add(username);
    room--;
    const invite = newInvite(ctx.now, item.inviteCode, item.inviteCodeTtl);
    accepted.push({ index, username, groupId, code: invite.code, expiration: invite.expiration, codeValidation: item.codeValidation === true });
  });

  const successful: User[] = [];
  if (accepted.length > 0) {
    const firstId = await allocateUserIds(ctx.tx, accepted.length);
    const rows: UserRow[] = accepted.map((a, i) => {
      const item = input.users[a.index]!;
      const firstName = item.firstName ?? '';
      const lastName = item.lastName ?? '';
      return {
        network_id: networkId,
        user_id: firstId + i,
        username: a.username,
        first_name: firstName,
        last_name: lastName,
        first_name_lc: firstName.toLowerCase(),
        last_name_lc: lastName.toLowerCase(),
        status: STATUS_PENDING,
        suspended: 0,
        is_admin: 0,
        security_group_id: a.groupId,
        invite_code: a.code,
        invite_expiration: a.expiration,
        code_validation: a.codeValidation ? 1 : 0,
        uname: unameFor(networkId, a.username),
        cell: normalizeCell((item as UserPhoneExtension).cell ?? '') ?? '',
        country_code: normalizeCountryCode((item as UserPhoneExtension).countryCode ?? '') ?? '',
        otp_enabled: 0,
        challenge_failures: 0,
        rejected: 0,
        created_at: ctx.now,
        modified: ctx.now,
        last_login: null,
        last_activity: null,
      };
    });
    await insertUsers(ctx.tx, rows);
    await enqueueInvitations(ctx.tx, rows.map((r) => ({ networkId, userId: r.user_id, email: r.username })), ctx.now, { newUsers: true });
    for (const r of rows) successful.push(toUser(r, ctx.now));
  }
  return batchResult(successful, failed);
});
