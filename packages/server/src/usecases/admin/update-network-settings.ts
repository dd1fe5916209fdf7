import { requireNetwork } from '../../domain/networks/networks.js';
import { updateNetwork } from '../../domain/networks/repo.js';
import { findRetentionBot, setRetentionBotActive } from '../../domain/retention/repo.js';
import {
  BOUNDARY_VALUES,
  CONSENT_BODY_MAX,
  CONSENT_BUTTON_MAX,
  CONSENT_TITLE_MAX,
  IDLE_TIMEOUT_MAX_MINUTES,
  networkSettingsList,
  requirePremium,
  SETTING_NAMES,
} from '../../domain/networks/rules.js';
import type { NetworkSettingsExtension } from '@enclave/admin-api';
import { startRetention, stopRetention } from '../member/retention.js';
import { badRequest, validation } from '../../kernel/errors.js';
import { defineCommand } from './operation.js';
import type { Updateable } from 'kysely';
import type { NetworksTable } from '../../infra/schema.js';

/**
 * Changes network-level settings; answers with the settings that were changed. Turning data retention
 * on needs Premium (or the trial) and a registered retention bot whose public-key message was
 * acknowledged, exactly as UpdateDataRetention ENABLE does.
 */
export default defineCommand('UpdateNetworkSettings', async (ctx, input) => {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const s = input.settings as typeof input.settings & NetworkSettingsExtension;
  const given = SETTING_NAMES.filter((n) => s[n] !== undefined);
  if (given.length === 0) throw validation('settings', `at least one setting is required: ${SETTING_NAMES.join(', ')}`);
  const patch: Updateable<NetworksTable> = {};
  if (s.enableClientMetrics !== undefined) patch.enable_client_metrics = s.enableClientMetrics ? 1 : 0;
  if (s.readReceiptConfig !== undefined) {
    if (s.readReceiptConfig.status === undefined) throw validation('settings.readReceiptConfig.status', 'status is required');
    patch.read_receipt_status = s.readReceiptConfig.status;
  }
  if (s.enableTrustedDataFormat !== undefined) patch.enable_trusted_data_format = s.enableTrustedDataFormat ? 1 : 0;
  if (s.dataRetention !== undefined) {
    if (s.dataRetention) {
      requirePremium(network, ctx.now, 'Data retention');
      const bot = await findRetentionBot(ctx.tx, network.network_id);
      if (!bot || bot.registered !== 1 || bot.pubkey_acked !== 1) {
        throw badRequest('Data retention can be enabled only after the data retention bot is registered and its public key message is acknowledged.');
      }
    }
    patch.data_retention = s.dataRetention ? 1 : 0;
  }
  if (s.consentPopup !== undefined) {
    const c = s.consentPopup;
    const enabled = c.enabled ?? network.consent_enabled === 1;
    const title = (c.title ?? network.consent_title).trim();
    const body = (c.body ?? network.consent_body).trim();
    const button = (c.buttonLabel ?? network.consent_button).trim();
    const reasons = [];
    if ([...title].length > CONSENT_TITLE_MAX) reasons.push({ field: 'settings.consentPopup.title', reason: `at most ${CONSENT_TITLE_MAX} characters` });
    if ([...body].length > CONSENT_BODY_MAX) reasons.push({ field: 'settings.consentPopup.body', reason: `at most ${CONSENT_BODY_MAX} characters` });
    if ([...button].length > CONSENT_BUTTON_MAX) reasons.push({ field: 'settings.consentPopup.buttonLabel', reason: `at most ${CONSENT_BUTTON_MAX} characters` });
    if (enabled && !title) reasons.push({ field: 'settings.consentPopup.title', reason: 'a title is required while the consent pop-up is enabled' });
    if (enabled && !body) reasons.push({ field: 'settings.consentPopup.body', reason: 'the body is required while the consent pop-up is enabled' });
    if (reasons.length > 0) throw validation(reasons);
    const changed = title !== network.consent_title || body !== network.consent_body || button !== network.consent_button || enabled !== (network.consent_enabled === 1);
    Object.assign(patch, { consent_enabled: enabled ? 1 : 0, consent_title: title, consent_body: body, consent_button: button, ...(changed ? { consent_version: network.consent_version + 1 } : {}) });
  }
  if (s.sessionIdleTimeoutMinutes !== undefined) {
    const v = s.sessionIdleTimeoutMinutes;
    if (!Number.isInteger(v) || v < 0 || v > IDLE_TIMEOUT_MAX_MINUTES) throw validation('settings.sessionIdleTimeoutMinutes', `must be 0 (off) to ${IDLE_TIMEOUT_MAX_MINUTES} minutes`);
    patch.idle_timeout_minutes = v;
  }
  if (s.classificationBoundary !== undefined) {
    const v = s.classificationBoundary;
    if (!(BOUNDARY_VALUES as readonly string[]).includes(v)) throw validation('settings.classificationBoundary', `must be one of ${BOUNDARY_VALUES.join(', ')} (REGION: GOVCLOUD in us-gov-* regions, else COMMERCIAL)`);
    patch.classification_boundary = v === 'REGION' ? '' : v;
  }
  await updateNetwork(ctx.tx, network.network_id, patch);
  if (s.dataRetention !== undefined && (s.dataRetention ? 1 : 0) !== network.data_retention) {
    // The same as UpdateDataRetention ENABLE / DISABLE: the bot is (in)active and conversations follow.
    await setRetentionBotActive(ctx.tx, network.network_id, s.dataRetention);
    if (s.dataRetention) await startRetention(ctx.tx, network.network_id, ctx.now);
    else await stopRetention(ctx.tx, network.network_id, ctx.now);
  }
  const updated = { ...network, ...patch };
  return { settings: networkSettingsList(updated, ctx.region).filter((x) => (given as string[]).includes(x.optionName)) };
});
