import { requireNetwork } from '../../domain/networks/networks.js';
import {
  APPLICATION_ID,
  checkCompanyId,
  checkCustomUsername,
  checkExtraAuthParams,
  checkIssuer,
  checkTokenBuffer,
  normalizeScopes,
  toOidcConfigInfo,
  type OidcConfigRow,
} from '../../domain/sso/rules.js';
import { companyIdTakenElsewhere, findOidcConfig, insertOidcConfig, updateOidcConfig } from '../../domain/sso/repo.js';
import { badRequest } from '../../kernel/errors.js';
import { defineCommand } from './operation.js';
import { signOutNonSsoSessions } from '../member/sso-sessions.js';

const COMPANY_ID_IN_USE = 'Company ID is already in use';

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Saves the network's OIDC configuration (replacing a previous one). The company ID is unique across
 * all networks (case-insensitively); the client secret is sealed at rest and never returned. Leaving
 * `secret` out keeps the stored secret, an empty `secret` removes it. The provider is not contacted
 * here: RegisterOidcConfigTest does that. Switching SSO on (the first configuration of a network)
 * signs out every member session that was not signed in with SSO, as the guide warns; the network
 * change wakes the sockets, which then close.
 */
export default defineCommand('RegisterOidcConfig', async (ctx, input) => {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const companyId = input.companyId.trim();
  checkCompanyId(companyId);
  const issuer = checkIssuer(input.issuer);
  const scopes = normalizeScopes(input.scopes);
  const clientId = (input.userId ?? '').trim();
  if (clientId === '') throw badRequest('Client ID (userId) is required');
  const customUsername = checkCustomUsername(input.customUsername);
  const extraAuthParams = checkExtraAuthParams(input.extraAuthParams);
  const ssoTokenBufferMinutes = checkTokenBuffer(input.ssoTokenBufferMinutes);

  if (await companyIdTakenElsewhere(ctx.tx, companyId, network.network_id)) throw badRequest(COMPANY_ID_IN_USE);

  const existing = await findOidcConfig(ctx.tx, network.network_id);
  let secretCiphertext = existing?.secret_ciphertext ?? null;
  if (input.secret !== undefined) secretCiphertext = input.secret === '' ? null : ctx.secrets.seal(input.secret);

  const row: OidcConfigRow = {
    network_id: network.network_id,
    company_id: companyId,
    issuer,
    scopes,
    client_id: clientId,
    secret_ciphertext: secretCiphertext,
    custom_username: customUsername,
    extra_auth_params: extraAuthParams,
    sso_token_buffer_minutes: ssoTokenBufferMinutes,
    application_id: existing?.application_id ?? APPLICATION_ID,
    modified: ctx.now,
  };
  try {
    if (existing) {
      const { network_id: _id, ...patch } = row;
      await updateOidcConfig(ctx.tx, network.network_id, patch);
    } else {
      await insertOidcConfig(ctx.tx, row);
      await signOutNonSsoSessions(ctx.tx, network.network_id);
    }
  } catch (err) {
    // Two networks claiming the same company ID at the same moment: the unique index decides.
    if (isUniqueViolation(err)) throw badRequest(COMPANY_ID_IN_USE);
    throw err;
  }
  return toOidcConfigInfo(row);
});
