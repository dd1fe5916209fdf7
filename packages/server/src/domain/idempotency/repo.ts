// Idempotency records of mutating admin calls (X-Client-Token / clientToken): the request's hash and
// the response, per account, operation and token, written in the call's own transaction.
import type { ReadTx, WriteTx } from '../../infra/db.js';

export interface IdempotencyKey {
  accountId: string;
  operation: string;
  clientToken: string;
}

export async function findRecord(db: ReadTx, key: IdempotencyKey): Promise<{ request_hash: string; response_body: string } | undefined> {
  return db
    .selectFrom('idempotency_records')
    .select(['request_hash', 'response_body'])
    .where('account_id', '=', key.accountId)
    .where('operation', '=', key.operation)
    .where('client_token', '=', key.clientToken)
    .executeTakeFirst();
}

export async function insertRecord(db: WriteTx, key: IdempotencyKey, record: { requestHash: string; responseBody: string; createdAt: number }): Promise<void> {
  await db
    .insertInto('idempotency_records')
    .values({ account_id: key.accountId, operation: key.operation, client_token: key.clientToken, request_hash: record.requestHash, response_body: record.responseBody, created_at: record.createdAt })
    .execute();
}
