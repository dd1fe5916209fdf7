// Network tags (the guide's 網路標籤): case-sensitive keys that cannot be renamed (editing changes the
// value), at most 50 per network, addressed by the network ARN as AWS tagging does.
import { notFound, validation } from '../../kernel/errors.js';
import type { CommandContext } from '../../usecases/context.js';
import { requireNetwork, type NetworkRow } from './networks.js';

export const MAX_TAGS = 50;
const ARN_RE = /^arn:aws:wickr:([a-z0-9-]+):([0-9]{12}):network\/([0-9]{8})$/;

export async function networkFromArn(ctx: Pick<CommandContext, 'tx' | 'actor' | 'region'>, arn: string): Promise<NetworkRow> {
  const m = ARN_RE.exec(arn);
  if (!m) throw validation('resourceArn', 'must be a Wickr network ARN: arn:aws:wickr:<region>:<accountId>:network/<networkId>');
  const [, region, accountId, networkId] = m as unknown as [string, string, string, string];
  if (region !== ctx.region || accountId !== ctx.actor.accountId) throw notFound(`Resource not found: ${arn}`);
  return requireNetwork(ctx, networkId);
}

export function checkTagKeys(keys: string[]): void {
  for (const k of keys) {
    if (k.toLowerCase().startsWith('aws:')) throw validation(`tags.${k}`, "Tag keys starting with 'aws:' are reserved");
  }
}

export async function tagsOf(ctx: Pick<CommandContext, 'tx'>, networkId: string): Promise<Record<string, string>> {
  const rows = await ctx.tx.selectFrom('network_tags').select(['tag_key', 'tag_value']).where('network_id', '=', networkId).orderBy('tag_key').execute();
  return Object.fromEntries(rows.map((r) => [r.tag_key, r.tag_value]));
}
