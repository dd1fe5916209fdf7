import { notFound } from '../../kernel/errors.js';
import { iso } from './common.js';
import { defineIamAction, m, type IamContext } from './action.js';
import * as store from '../../domain/iam/repo.js';

async function keyOwner(ctx: IamContext, accessKeyId: string) {
  const key = await store.findKey(ctx.tx, ctx.actor.accountId, accessKeyId);
  const user = key && (await store.findEntityById(ctx.tx, key.principalId, 'user'));
  return key && user ? { key, user } : undefined;
}

/**
 * When an IAM user's key was last used (recorded at most once a minute). Every Enclave API is signed
 * for the service `wickr`, so that is the ServiceName; N/A when the key was never used.
 */
export default defineIamAction('GetAccessKeyLastUsed', {
  readonly: true,
  members: { AccessKeyId: m.AccessKeyId },
  async resource(ctx, raw) {
    const found = typeof raw.AccessKeyId === 'string' ? await keyOwner(ctx, raw.AccessKeyId) : undefined;
    return found ? found.user.arn : '*';
  },
  async handle(ctx, input) {
    const found = await keyOwner(ctx, input.AccessKeyId);
    if (!found) throw notFound(`The Access Key with id ${input.AccessKeyId} cannot be found.`);
    const used = found.key.lastUsedAt;
    return {
      UserName: found.user.name,
      AccessKeyLastUsed: used === null ? { ServiceName: 'N/A', Region: 'N/A' } : { LastUsedDate: iso(used), ServiceName: 'wickr', Region: ctx.region },
    };
  },
});
