import { notFound } from '../../kernel/errors.js';
import { entityResource, iso, requireEntity } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** Whether an IAM user has a console password, and since when (the password itself is never shown). */
export default defineIamAction('GetLoginProfile', {
  readonly: true,
  members: { UserName: m.UserName },
  resource: (ctx, raw) => entityResource(ctx, 'user', raw.UserName),
  async handle(ctx, input) {
    const user = await requireEntity(ctx, 'user', input.UserName);
    const login = await store.getLogin(ctx.tx, user.principalId);
    if (!login?.passwordHash) throw notFound(`Login Profile for User ${user.name} cannot be found.`);
    return { LoginProfile: { UserName: user.name, CreateDate: iso(login.passwordChangedAt ?? user.createdAt), PasswordResetRequired: false } };
  },
});
