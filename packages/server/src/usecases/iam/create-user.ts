import { badRequest } from '../../kernel/errors.js';
import { entityResource, iamId, userOut } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** Creates an IAM user: a principal of the account with no permissions until a policy grants some. */
export default defineIamAction('CreateUser', {
  readonly: false,
  members: { UserName: m.UserName, Path: m.Path },
  refused: {
    PermissionsBoundary: 'is not supported: Wickr does not support permissions boundaries',
    Tags: 'is not supported: Wickr does not support attribute-based access control (tags on IAM principals)',
  },
  resource: (ctx, raw) => entityResource(ctx, 'user', raw.UserName, raw.Path),
  async handle(ctx, input) {
    if (await store.findEntity(ctx.tx, ctx.actor.accountId, 'user', input.UserName)) throw badRequest(`User with name ${input.UserName} already exists.`);
    const path = input.Path ?? '/';
    const user: store.Entity = {
      principalId: iamId('AIDA'),
      accountId: ctx.actor.accountId,
      kind: 'user',
      name: input.UserName,
      path,
      arn: store.entityArn(ctx.actor.accountId, 'user', path, input.UserName),
      createdAt: ctx.now,
    };
    await store.insertEntity(ctx.tx, user);
    return { User: userOut(user) };
  },
});
