import type { BatchUnameErrorResponseItem, BatchUnameSuccessResponseItem } from '@enclave/admin-api';
import { requireNetwork } from '../../domain/networks/networks.js';
import { usernamesByUname } from '../../domain/users/repo.js';
import { batchResult, checkBatchSize, distinct } from '../../domain/users/rules.js';
import { defineCommand } from './operation.js';

/** Maps up to 50 unames (per-network username hashes) back to the users' usernames. */
export default defineCommand('BatchLookupUserUname', async (ctx, input) => {
  checkBatchSize('unames', input.unames, 'uname');
  const { network_id: networkId } = await requireNetwork(ctx.tx, ctx.actor.accountId, input.networkId);
  const unames = distinct(input.unames);
  const byUname = await usernamesByUname(ctx.tx, networkId, unames);
  const successful: BatchUnameSuccessResponseItem[] = [];
  const failed: BatchUnameErrorResponseItem[] = [];
  for (const uname of unames) {
    const username = byUname.get(uname);
    if (username !== undefined) successful.push({ uname, username });
    else failed.push({ uname, field: 'uname', reason: 'Uname not found' });
  }
  return batchResult(successful, failed);
});
