// The REST side of the client protocol (docs/messaging.md): thin routes that authenticate the member,
// validate the body with the wire schemas, call one service function in a transaction, announce what
// changed on the bus, and answer. Errors are MessagingError bodies with the guide's texts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import {
  ApproveDeviceRequest,
  ChangePasswordRequest,
  RetentionBotLoginRequest,
  RetentionBotRegisterRequest,
  ClaimBundlesRequest,
  CreateConversationRequest,
  CreateFileRequest,
  FILE_CHUNK_CIPHERTEXT,
  KeysUpload,
  LoginRequest,
  PasswordResetComplete,
  PasswordResetRequest,
  ReceiptBody,
  RegisterRequest,
  SendMessage,
  UpdateConversationRequest,
  UpdateProfileRequest,
  ERROR_TEXTS,
  type Conversation,
} from '@enclave/protocol';
import { normalizeEmail, STATUS_ACTIVE } from '../admin/domain/users.js';
import { SignInThrottle } from '../auth/sessions.js';
import type { BlobStore } from '../blobs/index.js';
import type { Database } from '../store/schema.js';
import * as accounts from './accounts.js';
import * as convs from './conversations.js';
import { activeDevices, addOneTimePrekeys, claimBundles, listDevices, revokeDevice } from './devices.js';
import { registerDeviceListRoutes, withDeviceLists } from './device-lists.js';
import { badRequestFrom, fail, MessagingError } from './errors.js';
import * as files from './files.js';
import type { Hub } from './hub.js';
import { inviteInfo } from './invitations.js';
import { authenticateMember, bearer, endSession, type Member } from './memberAuth.js';
import * as messages from './messages.js';
import { federationRefusal, federationSettings, markConversation, markMembers } from './federation.js';
import { policyFor } from './policy.js';
import { isRetentionBot, loginRetentionBot, registerRetentionBot } from './retention.js';
import { refuseIfSsoOnly, refuseResetInSsoNetwork, type SsoDeps } from './sso.js';
import { keepSsoSessionAlive } from './ssoSessions.js';
import { registerSsoRoutes } from './ssoRoutes.js';
import type { SecretBox } from '../auth/secretBox.js';
import type { WriteQueue } from './writeQueue.js';

type Db = Kysely<Database>;

export interface RouteDeps {
  db: Db;
  blobs: BlobStore;
  hub: Hub;
  writes: WriteQueue;
  accounts: accounts.AccountDeps;
  /** Seals SSO tokens at rest. */
  secrets: SecretBox;
  now: () => number;
  /** The server's region: the default classification boundary of its networks. */
  region: string;
  /** Announces a membership change (after commit) so every node updates its sockets. */
  membersChanged(change: convs.MembershipChange): Promise<void>;
}

/** A request body as JSON (the server parses every body as raw bytes); an empty body is `{}`. */
function jsonBody(body: unknown): unknown {
  if (!(body instanceof Buffer)) return body ?? {};
  try {
    return body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    throw fail('bad_request', 'The body is not valid JSON.');
  }
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(jsonBody(body));
  if (!r.success) throw badRequestFrom(r.error.issues);
  return r.data;
}

export function sendMessagingError(reply: FastifyReply, err: MessagingError): FastifyReply {
  return reply.status(err.status).header('content-type', 'application/json').send(JSON.stringify(err.toBody()));
}

export function registerMessagingRoutes(app: FastifyInstance, d: RouteDeps): void {
  const { db } = d;

  const sso: SsoDeps = { db, secrets: d.secrets, now: d.now, region: d.region, onAccountChanged: d.accounts.onAccountChanged, onRecords: d.accounts.onRecords };
  const member = async (req: FastifyRequest, opts: { allowPending?: boolean } = {}): Promise<Member> => {
    const m = await authenticateMember(db, bearer(req.headers.authorization), d.now());
    await keepSsoSessionAlive(sso, m); // SSO sessions: idle timeout, token refresh, grace period
    if (!m.approved && !opts.allowPending) throw fail('device_approval_required');
    return m;
  };
  const json = (reply: FastifyReply, status: number, body: unknown) => reply.status(status).header('content-type', 'application/json').send(JSON.stringify(body));
  // Guessing invite codes: after 5 unknown codes from one address in 15 minutes, that address is
  // refused for a while (the console sign-in's throttle, in memory per node).
  const inviteThrottle = new SignInThrottle();

  app.register(async (scope) => {
    scope.setErrorHandler((error, request, reply) => {
      if (error instanceof MessagingError) return sendMessagingError(reply, error);
      const e = error as { statusCode?: number; code?: string; message: string };
      if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendMessagingError(reply, fail('too_large'));
      if (typeof e.statusCode === 'number' && e.statusCode < 500) return sendMessagingError(reply, fail('bad_request', e.message));
      request.log.error({ err: error }, 'internal error');
      return sendMessagingError(reply, fail('internal', `An internal error occurred. Request ID: ${request.id}`));
    });

    // Accounts (password sign-in, registration and password changes are the IdP's while SSO is on)
    registerSsoRoutes(app, scope, sso);
    scope.post('/v1/accounts/register', async (req, reply) => {
      const body = parse(RegisterRequest, req.body);
      await refuseIfSsoOnly(db, body.email);
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
        const info = await inviteInfo(db, req.params.code, typeof req.query.email === 'string' ? req.query.email : undefined, now);
        return json(reply.header('cache-control', 'no-store'), 200, info);
      } catch (err) {
        if (err instanceof MessagingError && err.code === 'invite_invalid') inviteThrottle.recordFailure(key, now);
        throw err;
      }
    });
    scope.post('/v1/accounts/login', async (req, reply) => {
      const body = parse(LoginRequest, req.body);
      await refuseIfSsoOnly(db, body.email, body.networkId);
      return json(reply, 200, await accounts.login(d.accounts, body));
    });
    scope.post('/v1/accounts/logout', async (req, reply) => {
      const m = await member(req, { allowPending: true });
      await endSession(db, m.tokenHash);
      return reply.status(204).send();
    });
    scope.post('/v1/accounts/reauthenticate', async (req, reply) => {
      const m = await member(req);
      const { password } = parse(LoginRequest.pick({ password: true }), req.body);
      if (!isRetentionBot(m)) await refuseIfSsoOnly(db, m.email, m.networkId); // SSO members re-authenticate at the IdP
      await accounts.reauthenticate(d.accounts, m, password);
      return reply.status(204).send();
    });
    scope.post('/v1/accounts/password-reset', async (req, reply) => {
      const body = parse(PasswordResetRequest, req.body);
      // With SSO the password is reset at the identity provider: no link is sent (the answer is the same).
      const ssoOnly = await refuseIfSsoOnly(db, body.email, body.networkId).then(() => false, () => true);
      if (!ssoOnly) await accounts.requestPasswordReset(d.accounts, body.email, body.networkId);
      return json(reply, 202, { message: 'If an account exists for this email address, a password reset link was sent. It expires in 24 hours.' });
    });
    scope.post('/v1/accounts/password-reset/complete', async (req, reply) => {
      const body = parse(PasswordResetComplete, req.body);
      await refuseResetInSsoNetwork(db, body.token); // a link sent before SSO was switched on
      const res = await accounts.completePasswordReset(d.accounts, body, async (convId, who) => {
        const change = await db.transaction().execute((trx) => convs.leaveConversation(trx, who, convId, d.now()));
        await d.membersChanged(change);
      });
      return json(reply, 200, res);
    });

    scope.post('/v1/accounts/password', async (req, reply) => {
      const m = await member(req);
      if (!isRetentionBot(m)) await refuseIfSsoOnly(db, m.email, m.networkId);
      await accounts.changePassword(d.accounts, m, parse(ChangePasswordRequest, req.body));
      return reply.status(204).send();
    });

    // The data retention bot
    scope.post('/v1/bots/retention/register', async (req, reply) => {
      const { session, records } = await registerRetentionBot(db, parse(RetentionBotRegisterRequest, req.body), d.now());
      d.accounts.onRecords(records);
      return json(reply, 201, session);
    });
    scope.post('/v1/bots/retention/login', async (req, reply) => {
      const { session, records } = await loginRetentionBot(db, parse(RetentionBotLoginRequest, req.body), d.now());
      d.accounts.onRecords(records);
      return json(reply, 200, session);
    });

    scope.get('/v1/me', async (req, reply) => {
      const m = await member(req, { allowPending: true });
      if (isRetentionBot(m)) {
        return json(reply, 200, {
          member: { userId: m.userId, email: m.email, firstName: 'Data retention', lastName: 'bot' },
          networkId: m.networkId,
          deviceId: m.deviceId,
          deviceStatus: 'ACTIVE',
          policy: await policyFor(db, m.networkId, m.userId),
          devices: await listDevices(db, m.networkId, m.userId),
        });
      }
      const user = await db.selectFrom('users').select(['username', 'first_name', 'last_name']).where('network_id', '=', m.networkId).where('user_id', '=', m.userId).executeTakeFirstOrThrow();
      return json(reply, 200, {
        member: { userId: m.userId, email: user.username, firstName: user.first_name, lastName: user.last_name },
        networkId: m.networkId,
        deviceId: m.deviceId,
        deviceStatus: m.approved ? 'ACTIVE' : 'PENDING_APPROVAL',
        policy: await policyFor(db, m.networkId, m.userId),
        devices: await listDevices(db, m.networkId, m.userId),
      });
    });

    // A member's own name (a member action: not audited). The admin API's GetUser / ListUsers show it.
    scope.patch('/v1/me', async (req, reply) => {
      const m = await member(req);
      if (isRetentionBot(m)) throw fail('forbidden', 'The data retention bot has no profile to edit.');
      const member_ = await accounts.updateProfile(d.accounts, m, parse(UpdateProfileRequest, req.body));
      // Open messengers of the member's conversations get the new name at once.
      await d.hub.profileChanged(m);
      return json(reply, 200, { member: member_ });
    });

    // Devices and keys
    scope.get('/v1/devices', async (req, reply) => {
      const m = await member(req, { allowPending: true });
      return json(reply, 200, { devices: await listDevices(db, m.networkId, m.userId) });
    });
    scope.delete<{ Params: { deviceId: string } }>('/v1/devices/:deviceId', async (req, reply) => {
      const m = await member(req);
      const mine = (await listDevices(db, m.networkId, m.userId)).find((x) => x.deviceId === req.params.deviceId);
      if (!mine) throw fail('not_found', 'Device not found.');
      const records = await db.transaction().execute(async (trx) => {
        await revokeDevice(trx, m.networkId, m.userId, req.params.deviceId);
        return convs.recordDevicesChanged(trx, m.networkId, m.userId, d.now());
      });
      d.accounts.onAccountChanged(m.networkId, m.userId);
      d.accounts.onRecords(records);
      return reply.status(204).send();
    });
    scope.post('/v1/devices/approval-codes', async (req, reply) => json(reply, 201, await accounts.createApprovalCode(d.accounts, await member(req))));
    scope.post('/v1/devices/email-code', async (req, reply) => {
      await accounts.emailApprovalCode(d.accounts, await member(req, { allowPending: true }));
      return json(reply, 202, { message: 'A verification code was sent to your email address. It expires in 10 minutes.' });
    });
    scope.post('/v1/devices/approve', async (req, reply) => {
      const m = await member(req, { allowPending: true });
      const res = await accounts.approveDevice(d.accounts, m, bearer(req.headers.authorization)!, parse(ApproveDeviceRequest, req.body));
      d.accounts.onAccountChanged(m.networkId, m.userId);
      return json(reply, 200, res);
    });
    scope.put('/v1/keys', async (req, reply) => {
      const m = await member(req, { allowPending: true });
      const body = parse(KeysUpload, req.body);
      await db.transaction().execute(async (trx) => {
        if (body.signedPrekey) {
          const s = body.signedPrekey;
          await trx.updateTable('device_keys').set({ spk_id: s.id, spk_pub: s.dhPub, spk_kem_pub: s.kemPublic, spk_signature: s.signature }).where('device_id', '=', m.deviceId).execute();
        }
        await addOneTimePrekeys(trx, m.deviceId, body.oneTimePrekeys);
      });
      return json(reply, 200, { oneTimePrekeys: await countPrekeys(db, m.deviceId) });
    });
    scope.get('/v1/keys/count', async (req, reply) => json(reply, 200, { oneTimePrekeys: await countPrekeys(db, (await member(req, { allowPending: true })).deviceId) }));
    scope.post('/v1/keys/claim', async (req, reply) => {
      const m = await member(req);
      const body = parse(ClaimBundlesRequest, req.body);
      const bundles = await db.transaction().execute((trx) => claimBundles(trx, m, body.deviceIds));
      return json(reply, 200, { bundles });
    });

    registerDeviceListRoutes(scope, { db, now: d.now, member: (req) => member(req), onRecords: d.accounts.onRecords });

    // Directory
    scope.get<{ Querystring: { q?: string; limit?: string } }>('/v1/directory', async (req, reply) => {
      const m = await member(req);
      const q = (req.query.q ?? '').trim().toLowerCase();
      const limit = Math.min(Math.max(Number(req.query.limit ?? 50) || 50, 1), 200);
      const matching = (networkIds: readonly string[] | 'others') => {
        let query = db.selectFrom('users').select(['network_id', 'user_id', 'username', 'first_name', 'last_name']).where('status', '=', STATUS_ACTIVE).where('user_id', '!=', 0);
        query = networkIds === 'others' ? query.where('network_id', '!=', m.networkId) : query.where('network_id', 'in', [...networkIds]);
        if (q) query = query.where((eb) => eb.or([eb('username', 'like', `${q}%`), eb('first_name_lc', 'like', `${q}%`), eb('last_name_lc', 'like', `${q}%`)]));
        return query.orderBy('username').orderBy('network_id').limit(limit);
      };
      const rows = await matching([m.networkId]).execute();
      // Members of other networks that local federation allows both ways, found by a search only
      // (the directory of another network is never listed whole).
      if (q && rows.length < limit) {
        const mine = (await federationSettings(db, [m])).get(`${m.networkId}:${m.userId}`);
        if (mine && mine.mode !== 0) {
          const candidates = await (mine.mode === 2 ? (mine.permitted.length > 0 ? matching(mine.permitted).execute() : Promise.resolve([])) : matching('others').execute());
          const settings = await federationSettings(db, [m, ...candidates.map((c) => ({ networkId: c.network_id, userId: c.user_id }))]);
          for (const c of candidates) {
            if (rows.length >= limit) break;
            if (!(await federationRefusal(db, m, { networkId: c.network_id, userId: c.user_id }, settings))) rows.push(c);
          }
        }
      }
      const members = rows.map((r) => ({ userId: r.user_id, email: r.username, firstName: r.first_name, lastName: r.last_name, networkId: r.network_id }));
      return json(reply, 200, { members: await markMembers(db, d.region, m.networkId, members) });
    });
    scope.get<{ Querystring: { email?: string } }>('/v1/users/lookup', async (req, reply) => {
      const m = await member(req);
      const email = normalizeEmail(req.query.email ?? '');
      if (!email) throw fail('bad_request', 'Enter a valid email address.');
      const rows = await db.selectFrom('users').select(['network_id', 'user_id', 'username', 'first_name', 'last_name', 'status']).where('username', '=', email).execute();
      let found = rows.find((r) => r.network_id === m.networkId && r.status === STATUS_ACTIVE);
      if (!found && !rows.some((r) => r.network_id === m.networkId)) {
        // A member of another network: local federation must allow it both ways.
        const others = rows.filter((r) => r.status === STATUS_ACTIVE && r.network_id !== m.networkId);
        const settings = others.length > 0 ? await federationSettings(db, [m, ...others.map((r) => ({ networkId: r.network_id, userId: r.user_id }))]) : undefined;
        let refusal: string | undefined;
        for (const r of others) {
          const why = await federationRefusal(db, m, { networkId: r.network_id, userId: r.user_id, email: r.username }, settings);
          if (!why) {
            found = r;
            break;
          }
          refusal ??= why;
        }
        if (!found && refusal) throw fail('different_network', `${ERROR_TEXTS.different_network} ${refusal}`, [{ field: 'email', reason: refusal }]);
      }
      if (!found) throw fail('user_not_found');
      const [marked] = await markMembers(db, d.region, m.networkId, [{ userId: found.user_id, email: found.username, firstName: found.first_name, lastName: found.last_name, networkId: found.network_id }]);
      return json(reply, 200, { member: marked, devices: await activeDevices(db, found.network_id, [found.user_id]) });
    });

    // Conversations
    const mark = (m: Member, c: Conversation) => markConversation(db, d.region, m, c);
    scope.get('/v1/conversations', async (req, reply) => {
      const m = await member(req);
      const list = await convs.listConversations(db, m);
      const out: Conversation[] = [];
      for (const c of list) out.push(await mark(m, c));
      return json(reply, 200, { conversations: out });
    });
    scope.post('/v1/conversations', async (req, reply) => {
      const m = await member(req);
      const body = parse(CreateConversationRequest, req.body);
      const { conversation, change } = await db.transaction().execute((trx) => convs.createConversation(trx, m, body, d.now()));
      if (change) await d.membersChanged(change);
      return json(reply, change ? 201 : 200, await mark(m, conversation));
    });
    scope.get<{ Params: { id: string } }>('/v1/conversations/:id', async (req, reply) => {
      const m = await member(req);
      return json(reply, 200, await mark(m, await convs.getConversation(db, m, req.params.id)));
    });
    scope.patch<{ Params: { id: string } }>('/v1/conversations/:id', async (req, reply) => {
      const m = await member(req);
      const body = parse(UpdateConversationRequest, req.body);
      const { conversation, change } = await db.transaction().execute((trx) => convs.updateConversation(trx, m, req.params.id, body, d.now()));
      await d.membersChanged(change);
      return json(reply, 200, await mark(m, conversation));
    });
    scope.post<{ Params: { id: string } }>('/v1/conversations/:id/leave', async (req, reply) => {
      const m = await member(req);
      const change = await db.transaction().execute((trx) => convs.leaveConversation(trx, m, req.params.id, d.now()));
      await d.membersChanged(change);
      return reply.status(204).send();
    });
    scope.delete<{ Params: { id: string } }>('/v1/conversations/:id', async (req, reply) => {
      const m = await member(req);
      const change = await db.transaction().execute((trx) => convs.deleteConversation(trx, m, req.params.id, d.now()));
      await d.membersChanged(change);
      return reply.status(204).send();
    });
    scope.get<{ Params: { id: string } }>('/v1/conversations/:id/devices', async (req, reply) => json(reply, 200, await withDeviceLists(db, await convs.conversationDevices(db, await member(req), req.params.id))));
    scope.get<{ Params: { id: string }; Querystring: { after?: string; limit?: string } }>('/v1/conversations/:id/messages', async (req, reply) => {
      const m = await member(req);
      await convs.requireReader(db, m, req.params.id);
      const after = Math.max(Number(req.query.after ?? 0) || 0, 0);
      const limit = Math.min(Math.max(Number(req.query.limit ?? 200) || 200, 1), 1000);
      const { messages: list, upTo } = await messages.readRange(db, m.deviceId, req.params.id, after, limit, d.now(), isRetentionBot(m));
      return json(reply, 200, { messages: list, upTo });
    });
    scope.post<{ Params: { id: string } }>('/v1/conversations/:id/messages', async (req, reply) => {
      const m = await member(req);
      const msg = parse(SendMessage, { ...parseObject(req.body), conv: req.params.id });
      const policy = await policyFor(db, m.networkId, m.userId);
      const result = await d.writes.submit((trx) => messages.sendMessage(trx, m, msg, policy, d.now()));
      if (!result.duplicate) await d.hub.committed(msg.conv, result);
      return json(reply, result.duplicate ? 200 : 201, result);
    });
    scope.post<{ Params: { id: string } }>('/v1/conversations/:id/receipts', async (req, reply) => {
      const m = await member(req);
      const body = parse(ReceiptBody.pick({ messageIds: true }), req.body);
      const policy = await policyFor(db, m.networkId, m.userId);
      const r = await d.writes.submit((trx) => messages.sendReceipt(trx, m, req.params.id, body.messageIds, policy, d.now()));
      await d.hub.committed(req.params.id, r);
      return reply.status(204).send();
    });
    scope.delete<{ Params: { id: string; messageId: string } }>('/v1/conversations/:id/messages/:messageId', async (req, reply) => {
      const m = await member(req);
      const r = await d.writes.submit((trx) => messages.deleteForEveryone(trx, m, req.params.id, req.params.messageId, d.now()));
      await d.hub.committed(req.params.id, r);
      return reply.status(204).send();
    });

    // Files
    scope.post('/v1/files', async (req, reply) => {
      const m = await member(req);
      const body = parse(CreateFileRequest, req.body);
      const policy = await policyFor(db, m.networkId, m.userId);
      return json(reply, 201, await files.createFile(db, m, body, policy, d.now()));
    });
    scope.put<{ Params: { id: string; index: string } }>('/v1/files/:id/chunks/:index', { bodyLimit: FILE_CHUNK_CIPHERTEXT + 1024 }, async (req, reply) => {
      const m = await member(req);
      const body = req.body instanceof Buffer ? req.body : Buffer.alloc(0);
      const policy = await policyFor(db, m.networkId, m.userId);
      const sha = req.headers['x-enclave-sha256'];
      await files.putChunk(db, d.blobs, m, req.params.id, Number(req.params.index), body, typeof sha === 'string' ? sha.toLowerCase() : undefined, policy);
      return reply.status(204).send();
    });
    scope.get<{ Params: { id: string } }>('/v1/files/:id', async (req, reply) => json(reply, 200, await files.fileStatus(db, d.blobs, await member(req), req.params.id)));
    scope.post<{ Params: { id: string } }>('/v1/files/:id/complete', async (req, reply) => json(reply, 200, await files.completeFile(db, d.blobs, await member(req), req.params.id)));
    scope.get<{ Params: { id: string; index: string } }>('/v1/files/:id/chunks/:index', async (req, reply) => {
      const m = await member(req);
      const { length } = await files.requireDownload(db, m, req.params.id, Number(req.params.index));
      const stream = await d.blobs.getChunk(req.params.id, Number(req.params.index));
      // One chunk (at most 4 MiB + 16 bytes) is read whole and sent as one buffer: memory stays
      // bounded by the chunk size, and the response ends the moment it is written.
      const parts: Buffer[] = [];
      for await (const part of stream) parts.push(Buffer.from(part));
      const chunk = Buffer.concat(parts);
      if (chunk.length !== length) throw fail('integrity', `Chunk ${req.params.index} is ${chunk.length} bytes in the blob store, not ${length}.`);
      return reply.header('content-type', 'application/octet-stream').send(chunk);
    });
  });

}

/** A JSON object body (validated against its schema by the caller). */
function parseObject(body: unknown): Record<string, unknown> {
  const value = jsonBody(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('bad_request', 'The body must be a JSON object.');
  return value as Record<string, unknown>;
}

async function countPrekeys(db: Db, deviceId: string): Promise<number> {
  const r = await db.selectFrom('one_time_prekeys').select((eb) => eb.fn.countAll<number>().as('n')).where('device_id', '=', deviceId).executeTakeFirstOrThrow();
  return Number(r.n);
}
