// Signed device lists (docs/protocol.md, "Device lists and safety numbers"): storing the list a
// device of an account publishes, after checking its shape, its link to the stored head and that it
// names only devices of the account with the keys the server holds; serving each account's chain
// since its last first list (GET /v1/device-lists, and with a conversation's devices). The server
// cannot forge a list and does not decide whom to trust: clients verify every chain they are served.
import {
  ProtocolError,
  decodeDeviceList,
  fromBase64Url,
  toBase64Url,
  verifyFirstDeviceList,
  verifyNextDeviceList,
  type DeviceListChain,
} from '@enclave/protocol';
import type { ReadTx, WriteTx } from '../../infra/db.js';
import * as repo from '../../domain/device-lists/repo.js';
import { isRetentionBot } from '../../domain/retention/rules.js';
import type { DomainEvents } from '../../kernel/events.js';
import { fail } from '../../kernel/member-errors.js';
import { recordDevicesChanged } from './conversations.js';
import type { Member } from './member-auth.js';

/** The chain of one user since the last first list, oldest first (base64url lists). */
async function chainOf(tx: ReadTx, networkId: string, userId: number): Promise<string[]> {
  const rows = await repo.listsOf(tx, networkId, userId);
  if (rows.length === 0) return [];
  const first = Number(rows[0]!.first_version);
  return rows.filter((r) => Number(r.version) >= first).reverse().map((r) => r.body);
}

/** Chains of the given users (the data retention bot, user 0, has none). Users without a list are left out. */
export async function deviceListChains(tx: ReadTx, users: readonly { networkId: string; userId: number }[]): Promise<DeviceListChain[]> {
  const out: DeviceListChain[] = [];
  const seen = new Set<string>();
  for (const u of users) {
    const key = `${u.networkId}:${u.userId}`;
    if (u.userId === 0 || seen.has(key)) continue;
    seen.add(key);
    const chain = await chainOf(tx, u.networkId, u.userId);
    if (chain.length > 0) out.push({ userId: u.userId, chain });
  }
  return out;
}

/** A conversation's devices with their owners' chains (user IDs are unique on a server; user 0 has none). */
export async function withDeviceLists<D extends { userId: number }>(tx: ReadTx, devices: D[]): Promise<{ devices: D[]; lists: DeviceListChain[] }> {
  const userIds = [...new Set(devices.map((d) => d.userId).filter((u) => u !== 0))];
  if (userIds.length === 0) return { devices, lists: [] };
  const owners = await repo.owners(tx, userIds);
  return { devices, lists: await deviceListChains(tx, owners.map((o) => ({ networkId: o.network_id, userId: Number(o.user_id) }))) };
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Stores the list `m`'s device publishes: decodable, of `m`'s account, signed by `m`'s device, naming
 * only devices of the account with the keys the server holds, and either the next list of the stored
 * head or a first list (a reset) above it. Every conversation of the account gets a devices_changed
 * record (emitted as records-added, published after commit).
 */
export async function publishDeviceList(tx: WriteTx, events: DomainEvents, m: Member, encoded: string, now: number): Promise<{ version: number }> {
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
  const keys = await repo.deviceKeys(tx, m.networkId, m.userId, list.devices.map((d) => d.deviceId));
  const held = new Map(keys.map((k) => [k.device_id, k]));
  const strangers = list.devices.filter((d) => {
    const k = held.get(d.deviceId);
    return !k || k.identity_sign_pub !== toBase64Url(d.signPub) || k.identity_dh_pub !== toBase64Url(d.dhPub);
  });
  if (strangers.length > 0) {
    throw fail(
      'bad_request',
      `The device list names devices that are not yours (or with other keys): ${strangers.slice(0, 5).map((d) => d.deviceId).join(', ')}.`,
      strangers.slice(0, 20).map((d) => ({ field: `devices.${d.deviceId}`, reason: 'not a device of this account with these keys' })),
    );
  }
  const headRow = await repo.headOf(tx, m.networkId, m.userId);
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
  try {
    await repo.insertList(tx, { network_id: m.networkId, user_id: m.userId, version: list.version, first_version: firstVersion, body: encoded, signer_device_id: m.deviceId, created_at: now });
  } catch (err) {
    if (isUniqueViolation(err)) throw fail('conflict', 'Another device published this version first: fetch the device list and sign again.');
    throw err;
  }
  const records = await recordDevicesChanged(tx, m.networkId, m.userId, now);
  if (records.length > 0) events.emit({ type: 'records-added', records });
  return { version: list.version };
}

/** Users whose lists `m` may read: itself, members of its network, and people it shares a conversation with. */
export async function readableLists(tx: ReadTx, m: Member, userIds: number[]): Promise<DeviceListChain[]> {
  const out = new Map<number, string>();
  if (userIds.includes(m.userId)) out.set(m.userId, m.networkId);
  for (const u of await repo.usersInNetwork(tx, m.networkId, userIds)) out.set(Number(u.user_id), u.network_id);
  for (const u of await repo.usersSharingConversations(tx, m.networkId, m.userId, userIds)) out.set(Number(u.user_id), u.network_id);
  const users = [...out].filter(([u]) => u !== 0).map(([userId, networkId]) => ({ networkId, userId }));
  return deviceListChains(tx, users);
}
