import { requireNetwork } from '../../domain/networks/networks.js';
import { discover, exchangeCode } from '../../domain/sso/oidc.js';
import { findOidcConfig } from '../../domain/sso/repo.js';
import { checkCertificate, checkIssuer, EMPTY_OIDC_INFO, redirectUrl, sameIssuer, toOidcConfigInfo } from '../../domain/sso/rules.js';
import { badRequest } from '../../kernel/errors.js';
import { defineQuery } from './operation.js';

/**
 * The network's OIDC configuration without secrets (empty strings when SSO is not configured). With
 * `code`, also performs the authorization-code exchange at the token endpoint discovered from `url` or
 * the stored issuer and returns the tokens. The stored client secret is used only towards the stored
 * issuer and client ID, so a request naming another provider can never make the server send it there.
 */
export default defineQuery('GetOidcInfo', async (ctx, input) => {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const row = await findOidcConfig(ctx.tx, network.network_id);
  const openidConnectInfo = row ? toOidcConfigInfo(row) : { ...EMPTY_OIDC_INFO };
  if (input.code === undefined) return { openidConnectInfo };

  const grantType = input.grantType ?? 'authorization_code';
  if (grantType !== 'authorization_code') throw badRequest(`grantType ${grantType} is not supported: only authorization_code`);
  const givenUrl = input.url?.trim() || undefined;
  if (!givenUrl && !row) throw badRequest('SSO is not configured for this network: pass the provider in url to exchange a code');
  const issuer = checkIssuer(givenUrl ?? row!.issuer);
  const clientId = input.clientId?.trim() || row?.client_id;
  if (!clientId) throw badRequest('clientId is required for the token exchange');
  let clientSecret = input.clientSecret || undefined;
  if (clientSecret === undefined && row?.secret_ciphertext && sameIssuer(issuer, row.issuer) && clientId === row.client_id) {
    clientSecret = ctx.secrets.open(row.secret_ciphertext);
  }
  const ca = checkCertificate(input.certificate);
  const doc = await discover(issuer, ca);
  const tokenInfo = await exchangeCode({
    tokenEndpoint: doc.token_endpoint!,
    authMethods: doc.token_endpoint_auth_methods_supported,
    grantType,
    code: input.code,
    redirectUri: input.redirectUri?.trim() || redirectUrl(),
    clientId,
    clientSecret,
    codeVerifier: input.codeVerifier || undefined,
    ca,
  });
  return { openidConnectInfo, tokenInfo };
});
