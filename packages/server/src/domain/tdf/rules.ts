// The rules of the OpenTDF (Trusted Data Format) integration, without I/O: one configuration per
// network — the OIDC client the server uses towards the OpenTDF platform, the platform's domain and
// the provider (only Virtru is supported). The client secret is sealed at rest; the model's
// GetOpentdfConfig output carries it back to the admin.
import type { Selectable } from 'kysely';
import type { GetOpentdfConfigResponse } from '@enclave/admin-api';
import type { TdfConfigsTable } from '../../infra/schema.js';
import type { SecretBox } from '../../infra/secret-box.js';
import { ApiError, type ErrorReason } from '../../kernel/errors.js';
import { providerUrlProblem } from '../sso/rules.js';

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

export function toTdfConfig(row: TdfConfigRow | undefined, secrets: SecretBox): GetOpentdfConfigResponse {
  if (!row) return { clientId: '', clientSecret: '', domain: '', provider: '' };
  return { clientId: row.client_id, clientSecret: secrets.open(row.client_secret_ciphertext), domain: row.domain, provider: row.provider };
}
