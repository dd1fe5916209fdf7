import { badRequest } from '../../kernel/errors.js';
import { entityResource, groupOut, iamId } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** Creates an IAM group: its policies apply to every user in it. */
export default defineIamAction('CreateGroup', {
  readonly: false,
  members: { GroupName: m.GroupName, Path: m.Path },
  resource: (ctx, raw) => entityResource(ctx, 'group', raw.GroupName, raw.Path),
  async handle(ctx, input) {
    if (await store.findEntity(ctx.tx, ctx.actor.accountId, 'group', input.GroupName)) throw badRequest(`Group with name ${input.GroupName} already exists.`);
    const path = input.Path ?? '/';
    const group: store.Entity = {
      principalId: iamId('AGPA'),
      accountId: ctx.actor.accountId,
      kind: 'group',
      name: input.GroupName,
      path,
      arn: store.entityArn(ctx.actor.accountId, 'group', path, input.GroupName),
      createdAt: ctx.now,
    };
    await store.insertEntity(ctx.tx, group);
    return { Group: groupOut(group) };
  },
});
