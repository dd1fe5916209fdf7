import { networkFromArn } from '../../domain/networks/networks.js';
import { tagsOf } from '../../domain/networks/repo.js';
import { defineQuery } from './operation.js';

/** The tags of the network a Wickr network ARN names. */
export default defineQuery('ListTagsForResource', async (ctx, input) => {
  const network = await networkFromArn(ctx.tx, ctx.actor.accountId, ctx.region, input.resourceArn);
  return { tags: await tagsOf(ctx.tx, network.network_id) };
});
