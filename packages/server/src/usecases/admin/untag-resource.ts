import { networkFromArn } from '../../domain/networks/networks.js';
import { deleteTags } from '../../domain/networks/repo.js';
import { defineCommand } from './operation.js';

/** Removes the named tags; keys that are not present are ignored, as AWS tagging does. */
export default defineCommand('UntagResource', async (ctx, input) => {
  const network = await networkFromArn(ctx.tx, ctx.actor.accountId, ctx.region, input.resourceArn);
  await deleteTags(ctx.tx, network.network_id, input.tagKeys);
  return {};
});
