import { networkFromArn } from '../../domain/networks/tags.js';
import { defineCommand } from './operation.js';

/** Removes the named tags; keys that are not present are ignored, as AWS tagging does. */
export default defineCommand('UntagResource', async (ctx, input) => {
  const network = await networkFromArn(ctx, input.resourceArn);
  await ctx.tx.deleteFrom('network_tags').where('network_id', '=', network.network_id).where('tag_key', 'in', input.tagKeys).execute();
  return {};
});
