import { badRequest } from '../../kernel/errors.js';
import { entityResource, iamId, roleOut } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

const NOT_ASSUMABLE = 'is not supported: roles cannot be assumed, because Wickr does not support temporary credentials';

/**
 * Creates an IAM role. A role holds policies (attached and inline) but cannot be assumed: Wickr does
 * not support temporary credentials, so there is no trust policy and no session. Its Description says so.
 */
export default defineIamAction('CreateRole', {
  readonly: false,
  members: { RoleName: m.RoleName, Path: m.Path },
  refused: {
    AssumeRolePolicyDocument: `${NOT_ASSUMABLE} (a trust policy is a resource-based policy, which Wickr does not support either)`,
    MaxSessionDuration: NOT_ASSUMABLE,
    Description: 'cannot be set: the description of every role states that it cannot be assumed',
    PermissionsBoundary: 'is not supported: Wickr does not support permissions boundaries',
    Tags: 'is not supported: Wickr does not support attribute-based access control (tags on IAM principals)',
  },
  resource: (ctx, raw) => entityResource(ctx, 'role', raw.RoleName, raw.Path),
  async handle(ctx, input) {
    if (await store.findEntity(ctx.tx, ctx.actor.accountId, 'role', input.RoleName)) throw badRequest(`Role with name ${input.RoleName} already exists.`);
    const path = input.Path ?? '/';
    const role: store.Entity = {
      principalId: iamId('AROA'),
      accountId: ctx.actor.accountId,
      kind: 'role',
      name: input.RoleName,
      path,
      arn: store.entityArn(ctx.actor.accountId, 'role', path, input.RoleName),
      createdAt: ctx.now,
    };
    await store.insertEntity(ctx.tx, role);
    return { Role: roleOut(role) };
  },
});
