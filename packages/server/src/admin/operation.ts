// What every admin operation handler receives and how it is declared. One handler per operation
// lives in admin/operations/<OperationName>.ts; the adapter does binding, validation, auth,
// idempotency and serialization around it.
import type { Kysely } from 'kysely';
import type { Principal } from '../accounts/accounts.js';
import type { SecretBox } from '../auth/secretBox.js';
import type { OperationTypes } from '../model/types.generated.js';
import type { TaggingTypes } from '../model/tagging.js';
import type { Database } from '../store/schema.js';

export type AllOperationTypes = OperationTypes & TaggingTypes;
export type OperationName = keyof AllOperationTypes;

export interface OperationContext {
  /** A transaction for mutating operations; the store for read-only ones. */
  db: Kysely<Database>;
  accountId: string;
  principal: Principal;
  region: string;
  requestId: string;
  /** Request time, epoch milliseconds. */
  now: number;
  secrets: SecretBox;
}

export interface OperationHandler<N extends OperationName = OperationName> {
  name: N;
  handle(ctx: OperationContext, input: AllOperationTypes[N]['input']): Promise<AllOperationTypes[N]['output']>;
}

export function defineOperation<N extends OperationName>(
  name: N,
  handle: (ctx: OperationContext, input: AllOperationTypes[N]['input']) => Promise<AllOperationTypes[N]['output']>,
): OperationHandler<N> {
  return { name, handle };
}
