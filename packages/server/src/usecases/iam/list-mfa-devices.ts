import { entityResource, iso, requireEntity } from './common.js';
import { mfaSerialNumber } from '../../domain/iam/mfa.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/**
 * The MFA device of an IAM user (Enclave's console supports one virtual TOTP device per user): listed
 * once it is enabled (ConfirmMFADevice), with its serial number and enable date; empty otherwise.
 */
export default defineIamAction('ListMFADevices', {
  readonly: true,
  members: { UserName: m.UserName },
  resource: (ctx, raw) => entityResource(ctx, 'user', raw.UserName),
  async handle(ctx, input) {
    const user = await requireEntity(ctx, 'user', input.UserName);
    const login = await store.getLogin(ctx.tx, user.principalId);
    const devices = login?.mfaEnabled ? [{ UserName: user.name, SerialNumber: mfaSerialNumber(ctx.actor.accountId, user.name), EnableDate: iso(login.mfaEnabledAt ?? user.createdAt) }] : [];
    return { MFADevices: devices, IsTruncated: false };
  },
});
