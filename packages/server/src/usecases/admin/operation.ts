// How an admin operation is declared: one module per operation of the AWS model in this folder
// (`batch-create-user.ts` for BatchCreateUser) default-exports defineQuery (read-only operations of
// the model) or defineCommand (every other one). The transport (api/admin/adapter.ts) does binding,
// validation, authentication, the IAM check, the transaction, idempotency, audit and serialization
// around it, and refuses to start when a declaration disagrees with the model's readonly trait.
import type { ReadTx, WriteTx } from '../../infra/db.js';
import type { OperationTypes } from '@enclave/admin-api';
import type { TaggingTypes } from '@enclave/admin-api';
import type { CommandContext } from '../context.js';

export type AllOperationTypes = OperationTypes & TaggingTypes;
export type OperationName = keyof AllOperationTypes;

export interface OperationOptions {
  /**
   * The operation talks to an outside service (an identity provider, an OpenTDF service) and makes at
   * most one write: it runs without a surrounding transaction, so a slow provider never holds the
   * database (SQLite has a single writer). Its idempotency record is written after it succeeds.
   */
  outsideTransaction?: boolean;
}

type Input<N extends OperationName> = AllOperationTypes[N]['input'];
type Output<N extends OperationName> = AllOperationTypes[N]['output'];

export interface OperationHandler<N extends OperationName = OperationName> {
  name: N;
  /** Declared with defineQuery: runs on a read handle, outside a transaction. */
  readonly: boolean;
  options: OperationOptions;
  handle(ctx: CommandContext, input: Input<N>): Promise<Output<N>>;
}

/** A read-only operation: its context carries a read handle. */
export function defineQuery<N extends OperationName>(name: N, handle: (ctx: CommandContext<ReadTx>, input: Input<N>) => Promise<Output<N>>): OperationHandler<N> {
  return { name, readonly: true, options: {}, handle: handle as OperationHandler<N>['handle'] };
}

/** A mutating operation: its context carries the write transaction that also holds its idempotency and audit records. */
export function defineCommand<N extends OperationName>(
  name: N,
  handle: (ctx: CommandContext<WriteTx>, input: Input<N>) => Promise<Output<N>>,
  options: OperationOptions = {},
): OperationHandler<N> {
  return { name, readonly: false, options, handle: handle as OperationHandler<N>['handle'] };
}
