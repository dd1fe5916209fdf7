// REST routes of member accounts (docs/messaging.md): registration, invite information, password
// sign-in and sign-out, re-authentication, password reset and change (the identity provider's while
// SSO is on), the data retention bot's sign-in, and the member's own profile (/v1/me).
import type { FastifyInstance } from 'fastify';
import {
  ChangePasswordRequest,
  LoginRequest,
  PasswordResetComplete,
  PasswordResetRequest,
  RegisterRequest,
  RetentionBotLoginRequest,
  RetentionBotRegisterRequest,
  UpdateProfileRequest,
} from '@enclave/protocol';
import { autocommit } from '../../infra/db.js';
import { SignInThrottle } from '../../domain/console-sessions/sessions.js';
import { isRetentionBot } from '../../domain/retention/rules.js';
import { fail, MessagingError } from '../../kernel/member-errors.js';
import * as accounts from '../../usecases/member/accounts.js';
import { inviteInfo } from '../../usecases/member/invitations.js';
import { endSession } from '../../usecases/member/member-auth.js';
import { loginRetentionBot, registerRetentionBot } from '../../usecases/member/retention.js';
import { refuseIfSsoOnly, refuseResetInSsoNetwork } from '../../usecases/member/sso.js';
import { json, parse, type MemberRoutes } from './http.js';

export function registerAccountRoutes(scope: FastifyInstance, r: MemberRoutes): void {
  const { d, read, member, run } = r;
  // Guessing invite codes: after 5 unknown codes from one address in 15 minutes, that address is
  // refused for a while (the console sign-in's throttle, in memory per node).
  const inviteThrottle = new SignInThrottle();

  scope.post('/v1/accounts/register', async (req, reply) => {
    const body = parse(RegisterRequest, req.body);
    await refuseIfSsoOnly(read, body.email);
    return json(reply, 201, await accounts.register(d.accounts, body));
  });
  scope.get<{ Params: { code: string }; Querystring: { email?: string } }>('/v1/invites/:code', async (req, reply) => {
    const key = [SignInThrottle.ipKey(req.ip)];
    const now = d.now();
    const wait = inviteThrottle.retryAfterMs(key, now);
    if (wait > 0) {
      const minutes = Math.max(1, Math.ceil(wait / 60_000));
      throw fail('rate_limited', `Too many unknown invite codes from this address. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
    }
    try {
      const info = await inviteInfo(read, req.params.code, typeof req.query.email === 'string' ? req.query.email : undefined, now);
      return json(reply.header('cache-control', 'no-store'), 200, info);
    } catch (err) {
      if (err instanceof MessagingError && err.code === 'invite_invalid') inviteThrottle.recordFailure(key, now);
      throw err;
    }
  });
  scope.post('/v1/accounts/login', async (req, reply) => {
    const body = parse(LoginRequest, req.body);
    await refuseIfSsoOnly(read, body.email, body.networkId);
    return json(reply, 200, await run((events) => accounts.login(d.accounts, events, body)));
  });
  scope.post('/v1/accounts/logout', async (req, reply) => {
    const m = await member(req, { allowPending: true });
    await endSession(autocommit(d.db), m.tokenHash);
    return reply.status(204).send();
  });
  scope.post('/v1/accounts/reauthenticate', async (req, reply) => {
    const m = await member(req);
    const { password } = parse(LoginRequest.pick({ password: true }), req.body);
    if (!isRetentionBot(m)) await refuseIfSsoOnly(read, m.email, m.networkId); // SSO members re-authenticate at the IdP
    await accounts.reauthenticate(d.accounts, m, password);
    return reply.status(204).send();
  });
  scope.post('/v1/accounts/password-reset', async (req, reply) => {
    const body = parse(PasswordResetRequest, req.body);
    // With SSO the password is reset at the identity provider: no link is sent (the answer is the same).
    const ssoOnly = await refuseIfSsoOnly(read, body.email, body.networkId).then(() => false, () => true);
    if (!ssoOnly) await accounts.requestPasswordReset(d.accounts, body.email, body.networkId);
    return json(reply, 202, { message: 'If an account exists for this email address, a password reset link was sent. It expires in 24 hours.' });
  });
  scope.post('/v1/accounts/password-reset/complete', async (req, reply) => {
    const body = parse(PasswordResetComplete, req.body);
    await refuseResetInSsoNetwork(read, body.token); // a link sent before SSO was switched on
    return json(reply, 200, await run((events) => accounts.completePasswordReset(d.accounts, events, body)));
  });
  scope.post('/v1/accounts/password', async (req, reply) => {
    const m = await member(req);
    if (!isRetentionBot(m)) await refuseIfSsoOnly(read, m.email, m.networkId);
    await accounts.changePassword(d.accounts, m, parse(ChangePasswordRequest, req.body));
    return reply.status(204).send();
  });

  // The data retention bot
  scope.post('/v1/bots/retention/register', async (req, reply) => {
    const body = parse(RetentionBotRegisterRequest, req.body);
    return json(reply, 201, await run((events) => registerRetentionBot(d.db, events, body, d.now())));
  });
  scope.post('/v1/bots/retention/login', async (req, reply) => {
    const body = parse(RetentionBotLoginRequest, req.body);
    return json(reply, 200, await run((events) => loginRetentionBot(d.db, events, body, d.now())));
  });

  scope.get('/v1/me', async (req, reply) => {
    const m = await member(req, { allowPending: true });
    return json(reply, 200, await accounts.describeMe(read, m));
  });
  // A member's own name (a member action: not audited). The admin API's GetUser / ListUsers show it.
  scope.patch('/v1/me', async (req, reply) => {
    const m = await member(req);
    accounts.requireProfile(m);
    const body = parse(UpdateProfileRequest, req.body);
    return json(reply, 200, { member: await run((events) => accounts.updateProfile(d.accounts, events, m, body)) });
  });

}
