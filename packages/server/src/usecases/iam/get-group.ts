import { entityResource, groupOut, page, pageOut, requireEntity, userOut } from './common.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** An IAM group and its users. */
export default defineIamAction('GetGroup', {
  readonly: true,
  members: { GroupName: m.GroupName, Marker: m.Marker, MaxItems: m.MaxItems },
  resource: (ctx, raw) => entityResource(ctx, 'group', raw.GroupName),
  async handle(ctx, input) {
    const group = await requireEntity(ctx, 'group', input.GroupName);
    const p = page(await store.usersOfGroup(ctx.tx, group.principalId), (e) => e.name, input);
    return { Group: groupOut(group), Users: p.items.map(userOut), ...pageOut(p) };
  },
});
