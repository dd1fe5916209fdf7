import { requireNetwork } from '../../domain/networks/networks.js';
import { checkClient, checkJwks, discover } from '../../domain/sso/oidc.js';
import { findOidcConfig } from '../../domain/sso/repo.js';
import { checkCertificate, checkExtraAuthParams, checkIssuer, checkProviderSupports, normalizeScopes, parseScopes, redirectUrl, sameIssuer, toTestResponse } from '../../domain/sso/rules.js';
import { defineCommand } from './operation.js';

/**
 * Tests an identity provider for real: fetches <issuer>/.well-known/openid-configuration (5 s, with
 * the optional CA certificate), checks that it names the same issuer and supports the requested scopes
 * and the authorization code flow, that its signing keys (jwks_uri) can be fetched, and — when the
 * network's stored configuration names this issuer — that the token endpoint accepts the stored client
 * ID and secret. Returns the discovered endpoints; each failure says what failed. Nothing is stored.
 */
export default defineCommand('RegisterOidcConfigTest', async (ctx, input) => {
  const network = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const issuer = checkIssuer(input.issuer);
  const scopes = parseScopes(normalizeScopes(input.scopes));
  checkExtraAuthParams(input.extraAuthParams);
  const ca = checkCertificate(input.certificate);
  const doc = await discover(issuer, ca);
  checkProviderSupports(doc, scopes);
  await checkJwks(doc, ca);
  const stored = await findOidcConfig(ctx.tx, network.network_id);
  if (stored && sameIssuer(stored.issuer, issuer)) {
    const clientSecret = stored.secret_ciphertext ? ctx.secrets.open(stored.secret_ciphertext) : undefined;
    await checkClient(doc, { clientId: stored.client_id, redirectUri: redirectUrl(), ...(clientSecret ? { clientSecret } : {}), ...(ca ? { ca } : {}) });
  }
  return toTestResponse(doc);
}, { outsideTransaction: true });
