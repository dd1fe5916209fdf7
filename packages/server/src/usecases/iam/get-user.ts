import { requireEntity, userNameOrSelf, userOut, userResource } from './common.js';
import { defineIamAction, m } from './action.js';

/** An IAM user; without UserName, the calling IAM user. */
export default defineIamAction('GetUser', {
  readonly: true,
  members: { UserName: m.SelfUserName },
  resource: (ctx, raw) => userResource(ctx, raw.UserName),
  async handle(ctx, input) {
    const user = await requireEntity(ctx, 'user', userNameOrSelf(ctx, input.UserName));
    return { User: userOut(user) };
  },
});
