import { badRequest } from '../../kernel/errors.js';
import { entityResource, requireEntity } from './common.js';
import { mfaSerialNumber, newTotp } from '../../domain/iam/mfa.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

/**
 * Starts enrolling a virtual MFA device (IAM's CreateVirtualMFADevice + EnableMFADevice, folded into
 * EnableMFADevice + ConfirmMFADevice): a new TOTP seed, pending until ConfirmMFADevice proves the
 * device has it. The seed and the otpauth:// URI (for a QR code) appear in this answer only. Calling
 * it again before confirming replaces the pending seed.
 */
export default defineIamAction('EnableMFADevice', {
  readonly: false,
  members: { UserName: m.UserName },
  resource: (ctx, raw) => entityResource(ctx, 'user', raw.UserName),
  async handle(ctx, input) {
    const user = await requireEntity(ctx, 'user', input.UserName);
    const serial = mfaSerialNumber(ctx.actor.accountId, user.name);
    if ((await store.getLogin(ctx.tx, user.principalId))?.mfaEnabled) {
      throw badRequest(`MFA Device with serial number ${serial} already exists and is enabled; deactivate it first.`);
    }
    const totp = newTotp(ctx.actor.accountId, user.name);
    await store.updateLogin(ctx.tx, user.principalId, { mfaSecretSealed: ctx.secrets.seal(totp.secret.base32), mfaEnabled: false });
    return { SerialNumber: serial, Base32StringSeed: totp.secret.base32, QRCodeUri: totp.toString() };
  },
});
