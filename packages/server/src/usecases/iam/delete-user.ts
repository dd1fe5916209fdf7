import { badRequest } from '../../kernel/errors.js';
import { entityResource, refuseWhilePolicies, requireEntity } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** Deletes an IAM user; refused, as IAM does, while it still has keys, a password, MFA, policies or groups. */
export default defineIamAction('DeleteUser', {
  readonly: false,
  members: { UserName: m.UserName },
  resource: (ctx, raw) => entityResource(ctx, 'user', raw.UserName),
  async handle(ctx, input) {
    const user = await requireEntity(ctx, 'user', input.UserName);
    if ((await store.keysOf(ctx.tx, user.principalId)).length > 0) throw badRequest('Cannot delete entity, must delete access keys first.');
    const login = await store.getLogin(ctx.tx, user.principalId);
    if (login?.passwordHash) throw badRequest('Cannot delete entity, must delete login profile first.');
    if (login?.mfaSecretSealed) throw badRequest('Cannot delete entity, must delete MFA device first.');
    await refuseWhilePolicies(ctx, user);
    if ((await store.groupsOfUser(ctx.tx, user.principalId)).length > 0) throw badRequest('Cannot delete entity, must remove user from all groups first.');
    await store.deleteEntity(ctx.tx, user.principalId);
    return {};
  },
});
