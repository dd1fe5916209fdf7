import { anyResource, page, pageOut, roleOut } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** The account's IAM roles by name, optionally under a path prefix. */
export default defineIamAction('ListRoles', {
  readonly: true,
  members: { PathPrefix: m.PathPrefix, Marker: m.Marker, MaxItems: m.MaxItems },
  resource: anyResource,
  async handle(ctx, input) {
    const p = page(await store.listEntities(ctx.tx, ctx.actor.accountId, 'role', input.PathPrefix), (e) => e.name, input);
    return { Roles: p.items.map(roleOut), ...pageOut(p) };
  },
});
