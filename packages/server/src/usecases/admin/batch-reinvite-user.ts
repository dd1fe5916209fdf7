import type { BatchUserErrorResponseItem, BatchUserSuccessResponseItem } from '@enclave/admin-api';
import { requireNetwork, trialSeatsLeft } from '../../domain/networks/networks.js';
import { trialActive } from '../../domain/networks/rules.js';
import { renewInvite } from '../../domain/users/repo.js';
import { batchResult, checkBatchSize, distinct, newInvite, REASON_TRIAL_LIMIT, STATUS_PENDING } from '../../domain/users/rules.js';
import { usersByIds } from '../../domain/users/users.js';
import { defineCommand } from './operation.js';
import { enqueueInvitations } from '../../domain/mail/mail-queue.js';

/**
 * Re-sends invitations: every PENDING user named gets a new invite code that expires after the
 * default seven days, and a new invitation email queued in this transaction (the old code stops
 * working at once; an invitation with the old code still waiting is not sent). Active users cannot
 * be reinvited. A user who had rejected the invitation is pending again afterwards, so in a premium
 * free trial that is full it cannot be reinvited.
 */
export default defineCommand('BatchReinviteUser', async (ctx, input) => {
  checkBatchSize('userIds', input.userIds, 'user');
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const networkId = network.network_id;
  const ids = distinct(input.userIds);
  const found = await usersByIds(ctx.tx, networkId, ids);
  let room = trialActive(network, ctx.now) && [...found.values()].some((u) => u.rejected === 1) ? await trialSeatsLeft(ctx.tx, networkId) : Infinity;
  const successful: BatchUserSuccessResponseItem[] = [];
  const failed: BatchUserErrorResponseItem[] = [];
  const mail: { networkId: string; userId: number; email: string }[] = [];
  for (const id of ids) {
    const user = found.get(id);
    if (!user) {
      failed.push({ userId: id, field: 'userId', reason: 'user not found in current network' });
      continue;
    }
    if (user.status !== STATUS_PENDING) {
      failed.push({ userId: id, field: 'userId', reason: 'user cannot be reinvited' });
      continue;
    }
    if (user.rejected === 1) {
      if (room <= 0) {
        failed.push({ userId: id, field: 'userId', reason: REASON_TRIAL_LIMIT });
        continue;
      }
      room--;
    }
    const invite = newInvite(ctx.now);
    await renewInvite(ctx.tx, networkId, user.user_id, invite, ctx.now);
    successful.push({ userId: id });
    mail.push({ networkId, userId: user.user_id, email: user.username });
  }
  await enqueueInvitations(ctx.tx, mail, ctx.now);
  return batchResult(successful, failed);
});
