import { badRequest } from '../../kernel/errors.js';
import { newAccessKeyId, newSecretAccessKey } from '../../kernel/ids.js';
import { iso, MAX_ACCESS_KEYS, requireEntity, userNameOrSelf, userResource } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';
import { accessKeyExists } from '../../domain/accounts/repo.js';

/**
 * A new access key for an IAM user (at most two per user). The secret is sealed at rest like every
 * access-key secret and appears in this answer only: it cannot be read again.
 */
export default defineIamAction('CreateAccessKey', {
  readonly: false,
  members: { UserName: m.SelfUserName },
  resource: (ctx, raw) => userResource(ctx, raw.UserName),
  async handle(ctx, input) {
    const user = await requireEntity(ctx, 'user', userNameOrSelf(ctx, input.UserName));
    if ((await store.keysOf(ctx.tx, user.principalId)).length >= MAX_ACCESS_KEYS) throw badRequest(`Cannot exceed quota for AccessKeysPerUser: ${MAX_ACCESS_KEYS}`);
    let accessKeyId = newAccessKeyId();
    while (await accessKeyExists(ctx.tx, accessKeyId)) accessKeyId = newAccessKeyId();
    const secretAccessKey = newSecretAccessKey();
    await store.insertKey(ctx.tx, { accessKeyId, principalId: user.principalId, accountId: ctx.actor.accountId, sealedSecret: ctx.secrets.seal(secretAccessKey), createdAt: ctx.now });
    return { AccessKey: { UserName: user.name, AccessKeyId: accessKeyId, Status: 'Active', SecretAccessKey: secretAccessKey, CreateDate: iso(ctx.now) } };
  },
});
