import { anyResource, page, pageOut, userOut } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** The account's IAM users by name, optionally under a path prefix. */
export default defineIamAction('ListUsers', {
  readonly: true,
  members: { PathPrefix: m.PathPrefix, Marker: m.Marker, MaxItems: m.MaxItems },
  resource: anyResource,
  async handle(ctx, input) {
    const p = page(await store.listEntities(ctx.tx, ctx.actor.accountId, 'user', input.PathPrefix), (e) => e.name, input);
    return { Users: p.items.map(userOut), ...pageOut(p) };
  },
});
