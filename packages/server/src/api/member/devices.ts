// REST routes of a member's devices and keys: the device list, signing a device out, approving a
// new device under account takeover protection (a code from another device, an emailed code, the
// recovery key), uploading prekeys and claiming other devices' prekey bundles.
import type { FastifyInstance } from 'fastify';
import { ApproveDeviceRequest, ClaimBundlesRequest, KeysUpload } from '@enclave/protocol';
import * as accounts from '../../usecases/member/accounts.js';
import { claimBundles, countPrekeys, listDevices, uploadKeys } from '../../usecases/member/devices.js';
import { bearer } from '../../usecases/member/member-auth.js';
import { json, parse, type MemberRoutes } from './http.js';

export function registerDeviceRoutes(scope: FastifyInstance, r: MemberRoutes): void {
  const { d, read, member, run, command } = r;

  scope.get('/v1/devices', async (req, reply) => {
    const m = await member(req, { allowPending: true });
    return json(reply, 200, { devices: await listDevices(read, m.networkId, m.userId) });
  });
  scope.delete<{ Params: { deviceId: string } }>('/v1/devices/:deviceId', async (req, reply) => {
    const m = await member(req);
    await run((events) => accounts.signOutDevice(d.accounts, events, m, req.params.deviceId));
    return reply.status(204).send();
  });
  scope.post('/v1/devices/approval-codes', async (req, reply) => json(reply, 201, await accounts.createApprovalCode(d.accounts, await member(req))));
  scope.post('/v1/devices/email-code', async (req, reply) => {
    await accounts.emailApprovalCode(d.accounts, await member(req, { allowPending: true }));
    return json(reply, 202, { message: 'A verification code was sent to your email address. It expires in 10 minutes.' });
  });
  scope.post('/v1/devices/approve', async (req, reply) => {
    const m = await member(req, { allowPending: true });
    const body = parse(ApproveDeviceRequest, req.body);
    return json(reply, 200, await run((events) => accounts.approveDevice(d.accounts, events, m, bearer(req.headers.authorization)!, body)));
  });

  scope.put('/v1/keys', async (req, reply) => {
    const m = await member(req, { allowPending: true });
    const body = parse(KeysUpload, req.body);
    await command((tx) => uploadKeys(tx, m.deviceId, body));
    return json(reply, 200, { oneTimePrekeys: await countPrekeys(read, m.deviceId) });
  });
  scope.get('/v1/keys/count', async (req, reply) => json(reply, 200, { oneTimePrekeys: await countPrekeys(read, (await member(req, { allowPending: true })).deviceId) }));
  scope.post('/v1/keys/claim', async (req, reply) => {
    const m = await member(req);
    const body = parse(ClaimBundlesRequest, req.body);
    return json(reply, 200, { bundles: await command((tx) => claimBundles(tx, m, body.deviceIds)) });
  });
}
