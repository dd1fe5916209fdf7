import { requireNetwork } from '../../domain/networks/networks.js';
import { requirePremium } from '../../domain/networks/rules.js';
import { updateNetwork } from '../../domain/networks/repo.js';
import { setRetentionBotActive, setRetentionBotPubkeyAcked } from '../../domain/retention/repo.js';
import { requireRetentionBot } from '../../domain/retention/retention.js';
import { checkReadyToEnable, MESSAGES, RETENTION_FEATURE } from '../../domain/retention/rules.js';
import { badRequest } from '../../kernel/errors.js';
import { defineCommand } from './operation.js';
import { startRetention, stopRetention } from '../member/retention.js';

/**
 * PUBKEY_MSG_ACK: the registered bot's public-key message is acknowledged.
 * ENABLE: Premium (or the running trial), a registered bot and an acknowledged public-key message;
 * switches the network's data retention on and marks the bot active: every conversation then also
 * encrypts to the bot's devices (a devices_changed record in each tells the senders).
 * DISABLE: switches both off; also allowed when no bot exists (it only turns the setting off).
 */
export default defineCommand('UpdateDataRetention', async (ctx, input) => {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const id = network.network_id;
  switch (input.actionType) {
    case 'PUBKEY_MSG_ACK': {
      const bot = await requireRetentionBot(ctx.tx, id);
      if (bot.registered !== 1) throw badRequest(MESSAGES.notRegistered);
      await setRetentionBotPubkeyAcked(ctx.tx, id);
      return { message: MESSAGES.acked };
    }
    case 'ENABLE': {
      requirePremium(network, ctx.now, RETENTION_FEATURE);
      checkReadyToEnable(await requireRetentionBot(ctx.tx, id));
      await updateNetwork(ctx.tx, id, { data_retention: 1 });
      await setRetentionBotActive(ctx.tx, id, true);
      // From now on every conversation of the network also delivers to the bot's devices.
      await startRetention(ctx.tx, id, ctx.now);
      return { message: MESSAGES.enabled };
    }
    case 'DISABLE': {
      await updateNetwork(ctx.tx, id, { data_retention: 0 });
      const wasOn = network.data_retention === 1;
      await setRetentionBotActive(ctx.tx, id, false);
      if (wasOn) await stopRetention(ctx.tx, id, ctx.now);
      return { message: MESSAGES.disabled };
    }
  }
});
