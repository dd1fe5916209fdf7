import { anyResource, page, pageOut, policyOut } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** Managed policies: the account's own (Local), AWS managed ones (AWS), or both (All, the default). */
export default defineIamAction('ListPolicies', {
  readonly: true,
  members: {
    Scope: { type: 'string', values: ['All', 'AWS', 'Local'], doc: 'All (default), AWS or Local' },
    OnlyAttached: { type: 'boolean', doc: 'only policies attached to a user, group or role of the account' },
    PathPrefix: m.PathPrefix,
    Marker: m.Marker,
    MaxItems: m.MaxItems,
  },
  refused: { PolicyUsageFilter: 'is not supported: Wickr has no permissions boundaries, every policy is a permissions policy' },
  resource: anyResource,
  async handle(ctx, input) {
    const counts = await store.attachmentCounts(ctx.tx, ctx.actor.accountId);
    const all = (await store.listPolicies(ctx.tx, ctx.actor.accountId, (input.Scope ?? 'All') as 'All' | 'AWS' | 'Local')).filter(
      (p) => (input.PathPrefix === undefined || p.path.startsWith(input.PathPrefix)) && (!input.OnlyAttached || (counts.get(p.arn) ?? 0) > 0),
    );
    const p = page(all, (x) => x.arn, input);
    return { Policies: p.items.map((x) => policyOut(x, counts.get(x.arn) ?? 0)), ...pageOut(p) };
  },
});
