import { badRequest, notFound } from '../../kernel/errors.js';
import { entityResource, requireEntity } from './common.js';
import { claimTotpStep } from '../../domain/iam/totp.js';
import { consecutiveCodesStep, mfaSerialNumber } from '../../domain/iam/mfa.js';
import { defineIamAction, m } from './action.js';
import * as store from '../../domain/iam/repo.js';

const CODE = { type: 'string', required: true, pattern: /^[0-9]{6}$/, patternText: 'a 6-digit code' } as const;

/** Enables the pending MFA device of EnableMFADevice once two consecutive codes from it check out (as IAM's EnableMFADevice does). */
export default defineIamAction('ConfirmMFADevice', {
  readonly: false,
  members: {
    UserName: m.UserName,
    AuthenticationCode1: { ...CODE, doc: 'a code from the device' },
    AuthenticationCode2: { ...CODE, doc: 'the next code from the device' },
  },
  resource: (ctx, raw) => entityResource(ctx, 'user', raw.UserName),
  async handle(ctx, input) {
    const user = await requireEntity(ctx, 'user', input.UserName);
    const login = await store.getLogin(ctx.tx, user.principalId);
    const serial = mfaSerialNumber(ctx.actor.accountId, user.name);
    if (login?.mfaEnabled) throw badRequest(`MFA Device with serial number ${serial} is already enabled.`);
    if (!login?.mfaSecretSealed) throw notFound(`No MFA device is pending for user ${user.name}: call EnableMFADevice first.`);
    const step = consecutiveCodesStep(ctx.secrets.open(login.mfaSecretSealed), input.AuthenticationCode1, input.AuthenticationCode2, ctx.now);
    if (step === undefined) throw badRequest('Authentication code for device is not valid.');
    // The codes shown here cannot be used again to sign in (the sign-in replay guard).
    await claimTotpStep(ctx.tx, user.principalId, step);
    await store.updateLogin(ctx.tx, user.principalId, { mfaEnabled: true, mfaEnabledAt: ctx.now });
    return { SerialNumber: serial };
  },
});
