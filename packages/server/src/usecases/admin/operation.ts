// What every admin operation handler receives and how it is declared. One handler per operation
// lives in admin/operations/<OperationName>.ts; the adapter does binding, validation, auth,
// idempotency and serialization around it.
import type { Kysely } from 'kysely';
import type { Principal } from '../../domain/accounts/repo.js';
import type { SecretBox } from '../../infra/secret-box.js';
import type { OperationTypes } from '../../model/types.generated.js';
import type { TaggingTypes } from '../../model/tagging.js';
import type { Database } from '../../infra/schema.js';

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

export interface OperationOptions {
  /**
   * The operation talks to an outside service (an identity provider, an OpenTDF service) and makes at
   * most one write: it runs without a surrounding transaction, so a slow provider never holds the
   * database (SQLite has a single writer). Its idempotency record is written after it succeeds.
   */
  outsideTransaction?: boolean;
}

export interface OperationHandler<N extends OperationName = OperationName> {
  name: N;
  options: OperationOptions;
  handle(ctx: OperationContext, input: AllOperationTypes[N]['input']): Promise<AllOperationTypes[N]['output']>;
}

export function defineOperation<N extends OperationName>(
  name: N,
  handle: (ctx: OperationContext, input: AllOperationTypes[N]['input']) => Promise<AllOperationTypes[N]['output']>,
  options: OperationOptions = {},
): OperationHandler<N> {
  return { name, handle, options };
}
