// OpenTDF (Trusted Data Format) integration: one configuration per network — the OIDC client the server
// uses towards the OpenTDF platform, the platform's domain and the provider (only Virtru is supported).
// The client secret is sealed at rest; the model's GetOpentdfConfig output carries it back to the admin.
import type { Selectable } from 'kysely';
import type { GetOpentdfConfigResponse } from '../../model/types.generated.js';
import type { TdfConfigsTable } from '../../infra/schema.js';
import type { SecretBox } from '../../infra/secret-box.js';
import { ApiError, type ErrorReason } from '../../kernel/errors.js';
import { fetchJson, ProviderFetchError, providerUrlProblem } from '../sso/oidc.js';

export type TdfConfigRow = Selectable<TdfConfigsTable>;

export const TDF_PROVIDERS = ['virtru'] as const;
export const INVALID_INPUT = 'Invalid input provided';
export const COMMUNICATION_FAILED = 'Failed to communicate with OpenTDF service';
export const TDF_DISCOVERY_PATH = '/.well-known/opentdf-configuration';

export interface TdfInput {
  clientId: string;
  clientSecret: string;
  domain: string;
  provider: string;
}

/** Validates and normalizes the input; ValidationError 'Invalid input provided' naming each bad field. */
export function checkTdfInput(input: TdfInput): TdfInput {
  const reasons: ErrorReason[] = [];
  const clientId = input.clientId.trim();
  const domain = input.domain.trim();
  const provider = input.provider.trim().toLowerCase();
  if (clientId === '') reasons.push({ field: 'clientId', reason: 'must not be empty' });
  if (input.clientSecret === '') reasons.push({ field: 'clientSecret', reason: 'must not be empty' });
  const problem = domain === '' ? 'must not be empty' : providerUrlProblem(domain);
  if (problem) reasons.push({ field: 'domain', reason: problem });
  if (!(TDF_PROVIDERS as readonly string[]).includes(provider)) reasons.push({ field: 'provider', reason: `must be one of: ${TDF_PROVIDERS.join(', ')}` });
  if (reasons.length > 0) throw new ApiError('ValidationError', INVALID_INPUT, reasons);
  return { clientId, clientSecret: input.clientSecret, domain, provider };
}

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

export function toTdfConfig(row: TdfConfigRow | undefined, secrets: SecretBox): GetOpentdfConfigResponse {
  if (!row) return { clientId: '', clientSecret: '', domain: '', provider: '' };
  return { clientId: row.client_id, clientSecret: secrets.open(row.client_secret_ciphertext), domain: row.domain, provider: row.provider };
}
