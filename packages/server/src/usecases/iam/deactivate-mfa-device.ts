import { notFound } from '../../kernel/errors.js';
import { entityResource, requireEntity } from './common.js';
import { mfaSerialNumber } from '../../domain/iam/mfa.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/** Removes an IAM user's MFA device, enabled or pending (its seed is deleted). */
export default defineIamAction('DeactivateMFADevice', {
  readonly: false,
  members: { UserName: m.UserName, SerialNumber: { type: 'string', doc: 'the device serial number (optional; checked when given)' } },
  resource: (ctx, raw) => entityResource(ctx, 'user', raw.UserName),
  async handle(ctx, input) {
    const user = await requireEntity(ctx, 'user', input.UserName);
    const serial = mfaSerialNumber(ctx.actor.accountId, user.name);
    const login = await store.getLogin(ctx.tx, user.principalId);
    if (!login?.mfaSecretSealed || (input.SerialNumber !== undefined && input.SerialNumber !== serial)) {
      throw notFound(`MFA Device with serial number ${input.SerialNumber ?? serial} does not exist.`);
    }
    await store.updateLogin(ctx.tx, user.principalId, { mfaSecretSealed: null, mfaEnabled: false, mfaEnabledAt: null });
    return {};
  },
});
