import { notFound } from '../../kernel/errors.js';
import { hashPassword } from '../../infra/passwords.js';
import { checkPassword, entityResource, requireEntity } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** Replaces an IAM user's console password. */
export default defineIamAction('UpdateLoginProfile', {
  readonly: false,
  members: { UserName: m.UserName, Password: m.Password },
  refused: { PasswordResetRequired: 'is not supported: set the new password here instead' },
  resource: (ctx, raw) => entityResource(ctx, 'user', raw.UserName),
  async prepare(_ctx, input) {
    checkPassword(input.Password);
    return hashPassword(input.Password);
  },
  async handle(ctx, input, passwordHash: string) {
    const user = await requireEntity(ctx, 'user', input.UserName);
    if (!(await store.getLogin(ctx.tx, user.principalId))?.passwordHash) throw notFound(`Login Profile for User ${user.name} cannot be found.`);
    await store.updateLogin(ctx.tx, user.principalId, { passwordHash, passwordChangedAt: ctx.now });
    return {};
  },
});
