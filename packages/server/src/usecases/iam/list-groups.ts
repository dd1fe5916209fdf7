import { anyResource, groupOut, page, pageOut } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** The account's IAM groups by name, optionally under a path prefix. */
export default defineIamAction('ListGroups', {
  readonly: true,
  members: { PathPrefix: m.PathPrefix, Marker: m.Marker, MaxItems: m.MaxItems },
  resource: anyResource,
  async handle(ctx, input) {
    const p = page(await store.listEntities(ctx.tx, ctx.actor.accountId, 'group', input.PathPrefix), (e) => e.name, input);
    return { Groups: p.items.map(groupOut), ...pageOut(p) };
  },
});
