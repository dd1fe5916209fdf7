// Signed device lists (docs/protocol.md, "Device lists and safety numbers"): storing the list a
// device of an account publishes, after checking its shape, its link to the stored head and that it
// names only devices of the account with the keys the server holds; serving each account's chain
// since its last first list (GET /v1/device-lists, and with a conversation's devices). The server
// cannot forge a list and does not decide whom to trust: clients verify every chain they are served.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import {
  ProtocolError,
  PublishDeviceList,
  decodeDeviceList,
  fromBase64Url,
  toBase64Url,
  verifyFirstDeviceList,
  verifyNextDeviceList,
  type DeviceListChain,
} from '@enclave/protocol';
import type { Database } from '../store/schema.js';
import { recordDevicesChanged } from './conversations.js';
import { badRequestFrom, fail } from './errors.js';
import type { Member } from './memberAuth.js';
import { isRetentionBot } from './retention.js';

interface DeviceListsTable {
  network_id: string;
  user_id: number;
  version: number;
  first_version: number;
  body: string;
  signer_device_id: string;
  created_at: number;
}
type Db = Kysely<Database>;
const lists = (db: Db) => db.withTables<{ device_lists: DeviceListsTable }>();

/** The chain of one user since the last first list, oldest first (base64url lists). */
async function chainOf(db: Db, networkId: string, userId: number): Promise<string[]> {
  const rows = await lists(db)
    .selectFrom('device_lists')
    .select(['version', 'first_version', 'body'])
    .where('user_id', '=', userId)
    .where('network_id', '=', networkId)
    .orderBy('version', 'desc')
    .execute();
  if (rows.length === 0) return [];
  const first = Number(rows[0]!.first_version);
  return rows.filter((r) => Number(r.version) >= first).reverse().map((r) => r.body);
}

/** Chains of the given users (the data retention bot, user 0, has none). Users without a list are left out. */
export async function deviceListChains(db: Db, users: readonly { networkId: string; userId: number }[]): Promise<DeviceListChain[]> {
  const out: DeviceListChain[] = [];
  const seen = new Set<string>();
  for (const u of users) {
    const key = `${u.networkId}:${u.userId}`;
    if (u.userId === 0 || seen.has(key)) continue;
    seen.add(key);
    const chain = await chainOf(db, u.networkId, u.userId);
    if (chain.length > 0) out.push({ userId: u.userId, chain });
  }
  return out;
}

/** A conversation's devices with their owners' chains (user IDs are unique on a server; user 0 has none). */
export async function withDeviceLists<D extends { userId: number }>(db: Db, devices: D[]): Promise<{ devices: D[]; lists: DeviceListChain[] }> {
  const userIds = [...new Set(devices.map((d) => d.userId).filter((u) => u !== 0))];
  if (userIds.length === 0) return { devices, lists: [] };
  const owners = await lists(db).selectFrom('device_lists').select(['network_id', 'user_id']).distinct().where('user_id', 'in', userIds).execute();
  return { devices, lists: await deviceListChains(db, owners.map((o) => ({ networkId: o.network_id, userId: Number(o.user_id) }))) };
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Stores the list `m`'s device publishes: decodable, of `m`'s account, signed by `m`'s device, naming
 * only devices of the account with the keys the server holds, and either the next list of the stored
 * head or a first list (a reset) above it. Returns the records announcing it (publish after commit).
 */
export async function publishDeviceList(db: Db, m: Member, encoded: string, now: number): Promise<{ version: number; records: { convId: string; seq: number }[] }> {
  if (isRetentionBot(m)) throw fail('forbidden', 'The data retention bot has no device list.');
  let list;
  try {
    list = decodeDeviceList(fromBase64Url(encoded));
  } catch (err) {
    if (err instanceof ProtocolError) throw fail('bad_request', `The device list is malformed: ${err.message}.`, [{ field: 'list', reason: err.code }]);
    throw err;
  }
  if (list.account !== String(m.userId)) throw fail('bad_request', `The device list is of account ${list.account}, not yours.`, [{ field: 'list', reason: 'wrong_account' }]);
  if (list.signer !== m.deviceId) throw fail('forbidden', 'A device list is published by the device that signed it.');
  try {
    return await db.transaction().execute(async (trx) => {
      const keys = await trx.selectFrom('device_keys').select(['device_id', 'identity_sign_pub', 'identity_dh_pub']).where('network_id', '=', m.networkId).where('user_id', '=', m.userId)
        .where('device_id', 'in', list.devices.map((d) => d.deviceId)).execute();
      const held = new Map(keys.map((k) => [k.device_id, k]));
      const strangers = list.devices.filter((d) => {
        const k = held.get(d.deviceId);
        return !k || k.identity_sign_pub !== toBase64Url(d.signPub) || k.identity_dh_pub !== toBase64Url(d.dhPub);
      });
      if (strangers.length > 0) {
        throw fail('bad_request', `The device list names devices that are not yours (or with other keys): ${strangers.slice(0, 5).map((d) => d.deviceId).join(', ')}.`,
          strangers.slice(0, 20).map((d) => ({ field: `devices.${d.deviceId}`, reason: 'not a device of this account with these keys' })));
      }
      const headRow = await lists(trx).selectFrom('device_lists').select(['version', 'first_version', 'body']).where('user_id', '=', m.userId).where('network_id', '=', m.networkId)
        .orderBy('version', 'desc').limit(1).executeTakeFirst();
      const head = headRow ? decodeDeviceList(fromBase64Url(headRow.body)) : undefined;
      let firstVersion = list.version;
      try {
        if (list.prev) {
          if (!head) throw fail('conflict', 'There is no device list to follow: publish a first list.');
          verifyNextDeviceList(head, list);
          firstVersion = Number(headRow!.first_version);
        } else {
          verifyFirstDeviceList(list);
          if (head && list.version <= head.version) throw fail('conflict', `A first device list needs a version above ${head.version}.`, [{ field: 'list', reason: 'stale version' }]);
        }
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
        // A chain that moved on since the device read it (another device published first) is a conflict.
        if (err.code === 'broken_chain') throw fail('conflict', `The device list does not follow the current one (version ${head?.version ?? 0}): fetch it and sign again.`, [{ field: 'list', reason: err.code }]);
        throw fail('bad_request', `The device list does not verify: ${err.message}.`, [{ field: 'list', reason: err.code }]);
      }
      await lists(trx).insertInto('device_lists').values({
        network_id: m.networkId, user_id: m.userId, version: list.version, first_version: firstVersion, body: encoded, signer_device_id: m.deviceId, created_at: now,
      }).execute();
      const records = await recordDevicesChanged(trx, m.networkId, m.userId, now);
      return { version: list.version, records };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw fail('conflict', 'Another device published this version first: fetch the device list and sign again.');
    throw err;
  }
}

/** Users whose lists `m` may read: itself, members of its network, and people it shares a conversation with. */
async function readable(db: Db, m: Member, userIds: number[]): Promise<{ networkId: string; userId: number }[]> {
  const out = new Map<number, string>();
  if (userIds.includes(m.userId)) out.set(m.userId, m.networkId);
  const same = await db.selectFrom('users').select(['network_id', 'user_id']).where('network_id', '=', m.networkId).where('user_id', 'in', userIds).execute();
  for (const u of same) out.set(Number(u.user_id), u.network_id);
  const shared = await db
    .selectFrom('conversation_members as mine')
    .innerJoin('conversation_members as theirs', 'theirs.conv_id', 'mine.conv_id')
    .select(['theirs.network_id', 'theirs.user_id'])
    .distinct()
    .where('mine.network_id', '=', m.networkId)
    .where('mine.user_id', '=', m.userId)
    .where('theirs.user_id', 'in', userIds)
    .execute();
  for (const u of shared) out.set(Number(u.user_id), u.network_id);
  return [...out].filter(([u]) => u !== 0).map(([userId, networkId]) => ({ networkId, userId }));
}

export interface DeviceListRouteDeps {
  db: Db;
  now: () => number;
  member: (req: FastifyRequest) => Promise<Member>;
  /** Told after commit that records were appended (delivery to connected members). */
  onRecords: (records: { convId: string; seq: number }[]) => void;
}

function parseBody(body: unknown): unknown {
  if (!(body instanceof Buffer)) return body ?? {};
  try {
    return body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    throw fail('bad_request', 'The body is not valid JSON.');
  }
}

/** GET /v1/device-lists?users=1,2 and PUT /v1/device-list (in the messaging routes' scope). */
export function registerDeviceListRoutes(scope: FastifyInstance, d: DeviceListRouteDeps): void {
  const json = (reply: FastifyReply, status: number, body: unknown) => reply.status(status).header('content-type', 'application/json').send(JSON.stringify(body));
  scope.get<{ Querystring: { users?: string } }>('/v1/device-lists', async (req, reply) => {
    const m = await d.member(req);
    const raw = (req.query.users ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    if (raw.length === 0 || raw.length > 500 || raw.some((s) => !/^\d{1,15}$/.test(s))) {
      throw fail('bad_request', 'users must be 1 to 500 user IDs separated by commas.', [{ field: 'users', reason: 'user IDs separated by commas' }]);
    }
    const users = await readable(d.db, m, [...new Set(raw.map(Number))]);
    return json(reply, 200, { lists: await deviceListChains(d.db, users) });
  });
  scope.put('/v1/device-list', async (req, reply) => {
    const m = await d.member(req);
    const r = PublishDeviceList.safeParse(parseBody(req.body));
    if (!r.success) throw badRequestFrom(r.error.issues);
    const { version, records } = await publishDeviceList(d.db, m, r.data.list, d.now());
    d.onRecords(records);
    return json(reply, 200, { version });
  });
}
