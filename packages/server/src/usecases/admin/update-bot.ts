import { hashPassword } from '../../infra/passwords.js';
import type { BotsTable } from '../../infra/schema.js';
import { requireBot } from '../../domain/bots/bots.js';
import { updateBot } from '../../domain/bots/repo.js';
import { checkBotChallenge, checkBotDisplayName, throwIfReasons } from '../../domain/bots/rules.js';
import { requireNetwork } from '../../domain/networks/networks.js';
import { requireSecurityGroup } from '../../domain/security-groups/security-groups.js';
import type { ErrorReason } from '../../kernel/errors.js';
import { defineCommand } from './operation.js';

/**
 * Changes a bot's display name, security group, password (re-hashed) or suspension. Members left out
 * keep their values; a request that changes nothing succeeds.
 */
export default defineCommand('UpdateBot', async (ctx, input) => {
  await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const bot = await requireBot(ctx.tx, input.networkId, input.botId);
  const reasons: ErrorReason[] = [];
  if (input.displayName !== undefined) checkBotDisplayName(input.displayName, reasons);
  if (input.challenge !== undefined) checkBotChallenge(input.challenge, reasons);
  throwIfReasons(reasons);
  const patch: Partial<BotsTable> = {};
  if (input.groupId !== undefined) patch.group_id = (await requireSecurityGroup(ctx.tx, input.networkId, input.groupId)).group_id;
  if (input.displayName !== undefined) patch.display_name = input.displayName;
  if (input.challenge !== undefined) patch.challenge_hash = await hashPassword(input.challenge);
  if (input.suspend !== undefined) patch.suspended = input.suspend ? 1 : 0;
  if (Object.keys(patch).length > 0) {
    await updateBot(ctx.tx, bot.network_id, bot.bot_id, patch);
  }
  return { message: 'success' };
});
