// The OpenTDF service as the admin side contacts it: the dry run of RegisterOpentdfConfig. The
// configuration's rules are in rules.ts, its row in repo.ts.
import { ApiError } from '../../kernel/errors.js';
import { fetchJson, ProviderFetchError } from '../sso/oidc.js';
import { COMMUNICATION_FAILED, TDF_DISCOVERY_PATH } from './rules.js';

/**
 * The dry run: fetches <domain>/.well-known/opentdf-configuration (5 s) and expects a JSON object.
 * ValidationError 'Failed to communicate with OpenTDF service' with the cause as the reason otherwise.
 */
export async function probeTdfService(domain: string): Promise<void> {
  const url = new URL(domain.replace(/\/+$/, '') + TDF_DISCOVERY_PATH);
  const fail = (reason: string) => new ApiError('ValidationError', COMMUNICATION_FAILED, [{ field: 'domain', reason }]);
  let res;
  try {
    res = await fetchJson(url);
  } catch (err) {
    if (err instanceof ProviderFetchError) throw fail(err.message);
    throw err;
  }
  if (res.status < 200 || res.status > 299) throw fail(`${url.href} answered HTTP ${res.status}`);
  if (!res.json || typeof res.json !== 'object' || Array.isArray(res.json)) throw fail(`${url.href} did not answer with a JSON object`);
}
