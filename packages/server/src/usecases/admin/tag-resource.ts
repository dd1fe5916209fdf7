import { checkTagKeys, MAX_TAGS, networkFromArn, tagsOf } from '../../domain/networks/tags.js';
import { validation } from '../../kernel/errors.js';
import { defineCommand } from './operation.js';

/** Adds tags or changes the values of existing keys; keys are case-sensitive and never renamed. */
export default defineCommand('TagResource', async (ctx, input) => {
  const network = await networkFromArn(ctx, input.resourceArn);
  const keys = Object.keys(input.tags);
  if (keys.length === 0) throw validation('tags', 'at least one tag is required');
  checkTagKeys(keys);
  const existing = await tagsOf(ctx, network.network_id);
  const total = new Set([...Object.keys(existing), ...keys]).size;
  if (total > MAX_TAGS) throw validation('tags', `A network can have at most ${MAX_TAGS} tags (this request would make ${total})`);
  for (const [key, value] of Object.entries(input.tags)) {
    if (key in existing) {
      await ctx.tx.updateTable('network_tags').set({ tag_value: value }).where('network_id', '=', network.network_id).where('tag_key', '=', key).execute();
    } else {
      await ctx.tx.insertInto('network_tags').values({ network_id: network.network_id, tag_key: key, tag_value: value }).execute();
    }
  }
  return {};
});
