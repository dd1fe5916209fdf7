import { notFound } from '../../kernel/errors.js';
import { entityResource, requireEntity } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** Removes an IAM user's console password (its access keys keep working). */
export default defineIamAction('DeleteLoginProfile', {
  readonly: false,
  members: { UserName: m.UserName },
  resource: (ctx, raw) => entityResource(ctx, 'user', raw.UserName),
  async handle(ctx, input) {
    const user = await requireEntity(ctx, 'user', input.UserName);
    if (!(await store.getLogin(ctx.tx, user.principalId))?.passwordHash) throw notFound(`Login Profile for User ${user.name} cannot be found.`);
    await store.updateLogin(ctx.tx, user.principalId, { passwordHash: null, passwordChangedAt: null });
    return {};
  },
});
