import { badRequest } from '../../kernel/errors.js';
import { hashPassword } from '../../infra/passwords.js';
import { checkPassword, entityResource, iso, requireEntity } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** Gives an IAM user a console password (scrypt-hashed; the password itself is never stored). */
export default defineIamAction('CreateLoginProfile', {
  readonly: false,
  members: { UserName: m.UserName, Password: m.Password },
  refused: { PasswordResetRequired: 'is not supported: set a new password with UpdateLoginProfile instead' },
  resource: (ctx, raw) => entityResource(ctx, 'user', raw.UserName),
  async prepare(_ctx, input) {
    checkPassword(input.Password);
    return hashPassword(input.Password);
  },
  async handle(ctx, input, passwordHash: string) {
    const user = await requireEntity(ctx, 'user', input.UserName);
    if ((await store.getLogin(ctx.tx, user.principalId))?.passwordHash) throw badRequest(`Login Profile for user ${user.name} already exists.`);
    await store.updateLogin(ctx.tx, user.principalId, { passwordHash, passwordChangedAt: ctx.now });
    return { LoginProfile: { UserName: user.name, CreateDate: iso(ctx.now), PasswordResetRequired: false } };
  },
});
