import { networkFromArn, tagsOf } from '../../domain/networks/tags.js';
import { defineOperation } from './operation.js';

export default defineOperation('ListTagsForResource', async (ctx, input) => {
  const network = await networkFromArn(ctx, input.resourceArn);
  return { tags: await tagsOf(ctx, network.network_id) };
});
