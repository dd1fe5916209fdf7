import { networkFromArn } from '../../domain/networks/networks.js';
import { insertTag, tagsOf, updateTagValue } from '../../domain/networks/repo.js';
import { checkTagKeys, MAX_TAGS } from '../../domain/networks/rules.js';
import { validation } from '../../kernel/errors.js';
import { defineCommand } from './operation.js';

/** Adds tags or changes the values of existing keys; keys are case-sensitive and never renamed. */
export default defineCommand('TagResource', async (ctx, input) => {
  const network = await networkFromArn(ctx.tx, ctx.actor.accountId, ctx.region, input.resourceArn);
  const keys = Object.keys(input.tags);
  if (keys.length === 0) throw validation('tags', 'at least one tag is required');
  checkTagKeys(keys);
  const existing = await tagsOf(ctx.tx, network.network_id);
  const total = new Set([...Object.keys(existing), ...keys]).size;
  if (total > MAX_TAGS) throw validation('tags', `A network can have at most ${MAX_TAGS} tags (this request would make ${total})`);
  for (const [key, value] of Object.entries(input.tags)) {
    if (key in existing) await updateTagValue(ctx.tx, network.network_id, key, value);
    else await insertTag(ctx.tx, network.network_id, key, value);
  }
  return {};
});
