import { groupOut, page, pageOut, requireEntity, userNameOrSelf, userResource } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** The groups a user belongs to; without UserName, the calling IAM user's. */
export default defineIamAction('ListGroupsForUser', {
  readonly: true,
  members: { UserName: m.SelfUserName, Marker: m.Marker, MaxItems: m.MaxItems },
  resource: (ctx, raw) => userResource(ctx, raw.UserName),
  async handle(ctx, input) {
    const user = await requireEntity(ctx, 'user', userNameOrSelf(ctx, input.UserName));
    const p = page(await store.groupsOfUser(ctx.tx, user.principalId), (e) => e.name, input);
    return { Groups: p.items.map(groupOut), ...pageOut(p) };
  },
});
