import { hashPassword } from '../../infra/passwords.js';
import { unameFor } from '../../kernel/ids.js';
import { usernameTaken } from '../../domain/bots/bots.js';
import { insertBot, nextBotId } from '../../domain/bots/repo.js';
import { BOT_PENDING, checkBotChallenge, checkBotDisplayName, checkBotUsername, throwIfReasons } from '../../domain/bots/rules.js';
import { requireNetwork } from '../../domain/networks/networks.js';
import { requireSecurityGroup } from '../../domain/security-groups/security-groups.js';
import { validation, type ErrorReason } from '../../kernel/errors.js';
import { defineCommand } from './operation.js';

/**
 * Creates a bot: PENDING until it first signs in with its password (the challenge, stored only as a
 * scrypt hash). The username is stored lower-cased; without a displayName the username is shown.
 */
export default defineCommand('CreateBot', async (ctx, input) => {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const reasons: ErrorReason[] = [];
  const username = checkBotUsername(input.username, reasons);
  if (input.displayName !== undefined) checkBotDisplayName(input.displayName, reasons);
  checkBotChallenge(input.challenge, reasons);
  throwIfReasons(reasons);
  const group = await requireSecurityGroup(ctx.tx, network.network_id, input.groupId);
  if (await usernameTaken(ctx.tx, network.network_id, username)) throw validation('username', 'username is unavailable');

  const botId = await nextBotId(ctx.tx);
  const displayName = input.displayName ?? username;
  await insertBot(ctx.tx, {
    network_id: network.network_id,
    bot_id: botId,
    username,
    display_name: displayName,
    uname: unameFor(network.network_id, username),
    pubkey: '',
    status: BOT_PENDING,
    group_id: group.group_id,
    challenge_hash: await hashPassword(input.challenge),
    suspended: 0,
    created_at: ctx.now,
    last_login: null,
  });
  return { botId: String(botId), networkId: network.network_id, username, displayName, groupId: group.group_id };
});
