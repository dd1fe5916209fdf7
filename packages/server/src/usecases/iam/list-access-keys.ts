import { iso, page, pageOut, requireEntity, userNameOrSelf, userResource } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** A user's access keys with status and last use (never the secret); without UserName, the caller's. */
export default defineIamAction('ListAccessKeys', {
  readonly: true,
  members: { UserName: m.SelfUserName, Marker: m.Marker, MaxItems: m.MaxItems },
  resource: (ctx, raw) => userResource(ctx, raw.UserName),
  async handle(ctx, input) {
    const user = await requireEntity(ctx, 'user', userNameOrSelf(ctx, input.UserName));
    const p = page(await store.keysOf(ctx.tx, user.principalId), (k) => k.accessKeyId, input);
    return {
      AccessKeyMetadata: p.items.map((k) => ({
        UserName: user.name,
        AccessKeyId: k.accessKeyId,
        Status: k.status,
        CreateDate: iso(k.createdAt),
        ...(k.lastUsedAt !== null ? { LastUsedDate: iso(k.lastUsedAt) } : {}),
      })),
      ...pageOut(p),
    };
  },
});
