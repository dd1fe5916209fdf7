import { networkFromArn, tagsOf } from '../../domain/networks/tags.js';
import { defineQuery } from './operation.js';

export default defineQuery('ListTagsForResource', async (ctx, input) => {
  const network = await networkFromArn(ctx, input.resourceArn);
  return { tags: await tagsOf(ctx, network.network_id) };
});
