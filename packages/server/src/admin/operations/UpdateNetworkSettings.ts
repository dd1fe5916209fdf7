import { requireNetwork, requirePremium } from '../domain/networks.js';
import { networkSettingsList, SETTING_NAMES } from '../domain/settings.js';
import { badRequest, validation } from '../errors.js';
import { defineOperation } from '../operation.js';
import type { NetworksTable } from '../../store/schema.js';

/**
 * Changes network-level settings; answers with the settings that were changed. Turning data retention
 * on needs Premium (or the trial) and a registered retention bot whose public-key message was
 * acknowledged, exactly as UpdateDataRetention ENABLE does.
 */
export default defineOperation('UpdateNetworkSettings', async (ctx, input) => {
  const network = await requireNetwork(ctx, input.networkId);
  const s = input.settings;
  const given = SETTING_NAMES.filter((n) => s[n] !== undefined);
  if (given.length === 0) throw validation('settings', `at least one setting is required: ${SETTING_NAMES.join(', ')}`);
  const patch: Partial<NetworksTable> = {};
  if (s.enableClientMetrics !== undefined) patch.enable_client_metrics = s.enableClientMetrics ? 1 : 0;
  if (s.readReceiptConfig !== undefined) {
    if (s.readReceiptConfig.status === undefined) throw validation('settings.readReceiptConfig.status', 'status is required');
    patch.read_receipt_status = s.readReceiptConfig.status;
  }
  if (s.enableTrustedDataFormat !== undefined) patch.enable_trusted_data_format = s.enableTrustedDataFormat ? 1 : 0;
  if (s.dataRetention !== undefined) {
    if (s.dataRetention) {
      requirePremium(network, ctx.now, 'Data retention');
      const bot = await ctx.db.selectFrom('retention_bots').selectAll().where('network_id', '=', network.network_id).executeTakeFirst();
      if (!bot || bot.registered !== 1 || bot.pubkey_acked !== 1) {
        throw badRequest('Data retention can be enabled only after the data retention bot is registered and its public key message is acknowledged.');
      }
    }
    patch.data_retention = s.dataRetention ? 1 : 0;
  }
  await ctx.db.updateTable('networks').set(patch).where('network_id', '=', network.network_id).execute();
  const updated = { ...network, ...patch };
  return { settings: networkSettingsList(updated).filter((x) => (given as string[]).includes(x.optionName)) };
});
