import { requireNetwork } from '../domain/networks.js';
import { checkCertificate, checkExtraAuthParams, checkIssuer, checkProviderSupports, discover, normalizeScopes, parseScopes, toTestResponse } from '../domain/oidc.js';
import { defineOperation } from '../operation.js';

/**
 * Tests an identity provider for real: fetches <issuer>/.well-known/openid-configuration (5 s, with
 * the optional CA certificate), checks that it names the same issuer and supports the requested scopes
 * and the authorization code flow, and returns the discovered endpoints. Nothing is stored.
 */
export default defineOperation('RegisterOidcConfigTest', async (ctx, input) => {
  await requireNetwork(ctx, input.networkId);
  const issuer = checkIssuer(input.issuer);
  const scopes = parseScopes(normalizeScopes(input.scopes));
  checkExtraAuthParams(input.extraAuthParams);
  const ca = checkCertificate(input.certificate);
  const doc = await discover(issuer, ca);
  checkProviderSupports(doc, scopes);
  return toTestResponse(doc);
}, { outsideTransaction: true });
