/**
 * device-trust.ts — owns what this device trusts about every account's devices (docs/protocol.md,
 * "Device lists and safety numbers"): the pinned head and root of each account's signed device-list
 * chain, the verdict on every chain the server serves (unchanged, first sight, a signed change, a
 * reset, or refused), the filter that keeps devices outside a verified list out of every encryption,
 * the per-contact verified state with "block until confirmed", safety numbers, and the notices put
 * in conversations when a contact's devices change or its identity resets. The server's word alone
 * never adds a device of an account that has a list. Sends nothing but list requests.
 */
import {
  DeviceListsResponse,
  ProtocolError,
  checkDeviceListChain,
  decodeDeviceList,
  matchesSafetyNumber,
  safetyNumber,
  type DeviceList,
  type DeviceListChain,
} from '@enclave/protocol';
import { b64, newId, unb64 } from './codec.js';
import { Mutex, type Context } from './context.js';
import { EnclaveError } from './errors.js';
import type { DeviceRef } from './sessions.js';
import type { SafetyNotice, SafetyNumber } from './types.js';

/** What this device keeps about one account's devices (`trust/<userId>`, encrypted at rest). */
export interface TrustRecord {
  userId: number;
  /** base64url: the chain root (the account identity) and the encoded pinned head. */
  root: string;
  head: string;
  version: number;
  /** Set by markVerified: the two roots whose safety number the user compared. */
  verified?: { theirRoot: string; myRoot: string; at: number };
  /** A verified contact reset while "block until confirmed" was on: no sending until confirm(). */
  confirmRequired?: boolean;
  changedAt?: number;
}

/** How one account's devices are to be treated. */
export type Verdict =
  | { kind: 'signed'; rec: TrustRecord; head: DeviceList }
  /** No list has ever been seen for the account (not signed in since lists exist): the server's list, as before. */
  | { kind: 'unsigned' }
  /** The served chain failed verification and nothing is pinned: none of its devices is trusted. */
  | { kind: 'invalid' }
  /** The data retention bot (user 0): no list; trusted as the policy names it. */
  | { kind: 'exempt' };

export interface TrustHooks {
  emailOf(userId: number): string | undefined;
  /** IDs of the conversations kept on this device with this user in them. */
  conversationsWith(userId: number): Promise<string[]>;
  /** The last sequence processed in a conversation (where a notice goes). */
  positionOf(conv: string): Promise<number>;
  /** Told when the own account's chain changed (the own-device state is re-read). */
  ownChanged(): void;
}

const K = {
  rec: (userId: number) => `trust/${userId}`,
  settings: 'trust-settings',
  notice: (conv: string, id: string) => `notice/${conv}/${id}`,
  noticeFolder: (conv: string) => `notice/${conv}/`,
};

interface TrustSettings {
  blockUntilConfirmed: boolean;
}

const account = (userId: number) => String(userId);

export class DeviceTrust {
  private readonly heads = new Map<number, DeviceList>();
  private readonly lock = new Mutex();
  /** Invalid chains already reported (user and the last list served), so a bad server does not flood events. */
  private readonly reported = new Set<string>();
  private readonly refreshing = new Map<number, Promise<void>>();

  constructor(
    private readonly ctx: Context,
    private readonly hooks: TrustHooks,
  ) {}

  /** The retention bot archives what it is sent and checks no lists. */
  get enabled(): boolean {
    return !this.ctx.profile.retentionBot;
  }

  async record(userId: number): Promise<TrustRecord | undefined> {
    return this.ctx.store.getJson<TrustRecord>(K.rec(userId));
  }

  /** The pinned head of an account, decoded (cached). */
  async head(userId: number): Promise<DeviceList | undefined> {
    const cached = this.heads.get(userId);
    if (cached) return cached;
    const rec = await this.record(userId);
    if (!rec) return undefined;
    const head = decodeDeviceList(unb64(rec.head));
    this.heads.set(userId, head);
    return head;
  }

  async settings(): Promise<TrustSettings> {
    return (await this.ctx.store.getJson<TrustSettings>(K.settings)) ?? { blockUntilConfirmed: true };
  }

  async setBlockUntilConfirmed(on: boolean): Promise<void> {
    await this.ctx.store.putJson(K.settings, { blockUntilConfirmed: on });
  }

  /** Pins a chain this device made itself (its own publication): no notice, no event. */
  async pinOwn(userId: number, root: Uint8Array, head: DeviceList): Promise<void> {
    await this.lock.run(async () => {
      const prior = await this.record(userId);
      await this.save({ ...(prior ?? {}), userId, root: b64(root), head: b64(head.encoded), version: head.version, changedAt: this.ctx.now() }, head);
    });
  }

  private async save(rec: TrustRecord, head: DeviceList): Promise<void> {
    await this.ctx.store.putJson(K.rec(rec.userId), rec);
    this.heads.set(rec.userId, head);
  }

  /**
   * Judges the chain served for `userId` against the pin and updates it: a signed change or a reset
   * is announced (events, notices in every conversation with the account; `at` places the notice of
   * the conversation whose record told of the change). An invalid chain keeps the pin.
   */
  judge(userId: number, chain: readonly string[] | undefined, at?: { conv: string; seq: number }): Promise<Verdict> {
    if (userId === 0) return Promise.resolve({ kind: 'exempt' });
    return this.lock.run(async () => {
      const rec = await this.record(userId);
      if (!chain || chain.length === 0) {
        if (!rec) return { kind: 'unsigned' } as const;
        // Once a list was seen, the server cannot take it back: the pin stays.
        this.ctx.logger.log('warn', 'device_list.withheld', { userId });
        return { kind: 'signed', rec, head: (await this.head(userId))! } as const;
      }
      let check;
      try {
        check = checkDeviceListChain(account(userId), chain.map((c) => unb64(c)), rec ? unb64(rec.head) : undefined);
      } catch (err) {
        const code = err instanceof ProtocolError ? err.code : 'malformed';
        const key = `${userId}:${chain[chain.length - 1]!.slice(-16)}`;
        if (!this.reported.has(key)) {
          this.reported.add(key);
          this.ctx.logger.log('warn', 'device_list.refused', { userId, code });
          this.ctx.events.emit('error', { code: 'device_list_invalid', message: `The device list of ${this.hooks.emailOf(userId) ?? `user ${userId}`} failed verification (${code}); its devices keep the last verified list.` });
        }
        return rec ? ({ kind: 'signed', rec, head: (await this.head(userId))! } as const) : ({ kind: 'invalid' } as const);
      }
      if (check.outcome === 'unchanged' && rec) return { kind: 'signed', rec, head: check.head } as const;
      const now = this.ctx.now();
      const next: TrustRecord = { userId, root: b64(check.root), head: b64(check.head.encoded), version: check.head.version, changedAt: now };
      const self = userId === this.ctx.profile.userId;
      if (check.outcome === 'changed') {
        if (rec?.verified) next.verified = rec.verified;
        if (rec?.confirmRequired) next.confirmRequired = true;
        await this.save(next, check.head);
        const change = { added: check.added.map((d) => d.deviceId), removed: check.removed.map((d) => d.deviceId) };
        this.ctx.logger.log('info', 'device_list.changed', { userId, version: check.head.version, added: change.added.length, removed: change.removed.length });
        if (!self) await this.noticeEverywhere(userId, { kind: 'devices_changed', ...change }, at);
        this.ctx.events.emit('devices_changed', { userId, ...this.email(userId), ...change, self });
      } else if (check.outcome === 'reset') {
        const wasVerified = rec?.verified !== undefined;
        const confirmRequired = !self && wasVerified && (await this.settings()).blockUntilConfirmed;
        if (confirmRequired) next.confirmRequired = true;
        await this.save(next, check.head);
        this.ctx.logger.log('warn', 'device_list.reset', { userId, version: check.head.version, wasVerified, confirmRequired });
        if (!self) await this.noticeEverywhere(userId, { kind: 'identity_reset', added: check.added.map((d) => d.deviceId), removed: check.removed.map((d) => d.deviceId) }, at);
        this.ctx.events.emit('identity_reset', { userId, ...this.email(userId), wasVerified, confirmRequired, self });
      } else {
        await this.save(next, check.head);
        this.ctx.logger.log('info', 'device_list.pinned', { userId, version: check.head.version });
      }
      if (self && check.outcome !== 'first') this.hooks.ownChanged();
      return { kind: 'signed', rec: next, head: check.head } as const;
    });
  }

  private email(userId: number): { email?: string } {
    const email = this.hooks.emailOf(userId);
    return email ? { email } : {};
  }

  /**
   * The devices to encrypt to: those a verified list names with the same keys (and the server
   * lists), the retention bot's, and — for accounts that never had a list — the server's.
   */
  async filter(devices: DeviceRef[], lists: readonly DeviceListChain[] | undefined): Promise<DeviceRef[]> {
    if (!this.enabled) return devices;
    const chains = new Map((lists ?? []).map((l) => [l.userId, l.chain]));
    const verdicts = new Map<number, Verdict>();
    for (const userId of new Set(devices.map((d) => d.userId))) verdicts.set(userId, await this.judge(userId, chains.get(userId)));
    return devices.filter((d) => {
      const v = verdicts.get(d.userId)!;
      if (v.kind === 'exempt' || v.kind === 'unsigned') return true;
      if (v.kind === 'invalid') return false;
      const listed = v.head.devices.find((x) => x.deviceId === d.deviceId);
      const ok = !!listed && b64(listed.signPub) === d.identitySignPub && b64(listed.dhPub) === d.identityDhPub;
      if (!ok) this.ctx.logger.log('info', 'device_list.untrusted_device', { userId: d.userId, deviceId: d.deviceId });
      return ok;
    });
  }

  /** Fetches and judges the lists of these accounts now (one request; refreshes of one account coalesce). */
  async refresh(userIds: readonly number[], at?: { conv: string; seq: number }): Promise<void> {
    const wanted = [...new Set(userIds)].filter((u) => u !== 0);
    if (!this.enabled || wanted.length === 0) return;
    const run = async () => {
      const { lists } = await this.ctx.http.json('GET', `/v1/device-lists?users=${wanted.join(',')}`, DeviceListsResponse);
      const chains = new Map(lists.map((l) => [l.userId, l.chain]));
      for (const u of wanted) await this.judge(u, chains.get(u), at);
    };
    if (wanted.length === 1) {
      const u = wanted[0]!;
      const prior = this.refreshing.get(u);
      const p = (prior ?? Promise.resolve()).catch(() => undefined).then(run);
      this.refreshing.set(u, p);
      try {
        return await p;
      } finally {
        if (this.refreshing.get(u) === p) this.refreshing.delete(u);
      }
    }
    return run();
  }

  /** Refuses to send while a verified contact's reset waits for confirmation (block until confirmed). */
  async assertSendable(userIds: readonly number[]): Promise<void> {
    if (!this.enabled) return;
    for (const u of new Set(userIds)) {
      if (u === this.ctx.profile.userId || u === 0) continue;
      const rec = await this.record(u);
      if (rec?.confirmRequired) {
        const who = this.hooks.emailOf(u) ?? `user ${u}`;
        throw new EnclaveError('identity_changed', `The safety number of ${who} changed. Compare the new safety number, or confirm the change, before sending.`, { details: [{ field: 'userId', reason: String(u) }] });
      }
    }
  }

  // ---- Safety numbers and verification ---------------------------------------------------------

  /** What is known locally about a contact (no request): has a list, verified, waiting for confirmation. */
  async status(userId: number): Promise<{ listed: boolean; verified: boolean; confirmRequired: boolean }> {
    const [mine, theirs] = [await this.record(this.ctx.profile.userId), await this.record(userId)];
    if (!theirs) return { listed: false, verified: false, confirmRequired: false };
    const verified = !!mine && !!theirs.verified && theirs.verified.theirRoot === theirs.root && theirs.verified.myRoot === mine.root;
    return { listed: true, verified, confirmRequired: theirs.confirmRequired === true };
  }

  /** The safety number with `userId`, from both pinned roots (after fetching both chains). */
  async safetyNumber(userId: number): Promise<SafetyNumber> {
    const me = this.ctx.profile.userId;
    if (userId === me) throw new EnclaveError('bad_request', 'A safety number is between you and someone else.');
    if (userId === 0) throw new EnclaveError('bad_request', 'The data retention bot has no safety number.');
    await this.refresh([userId, me]);
    const [mine, theirs] = [await this.record(me), await this.record(userId)];
    if (!mine) throw new EnclaveError('not_found', 'Your account has no signed device list yet: this device must be in it first.');
    if (!theirs) throw new EnclaveError('not_found', `${this.hooks.emailOf(userId) ?? `User ${userId}`} has no signed device list yet (they have not signed in since safety numbers were introduced).`);
    const sn = safetyNumber({ account: account(me), root: unb64(mine.root) }, { account: account(userId), root: unb64(theirs.root) });
    const verified = !!theirs.verified && theirs.verified.theirRoot === theirs.root && theirs.verified.myRoot === mine.root;
    return { userId, ...this.email(userId), digits: sn.digits, qr: sn.qr, verified, confirmRequired: theirs.confirmRequired === true, version: theirs.version };
  }

  /**
   * Marks the contact verified (the user compared the safety number). With `compared` (digits typed
   * or a scanned QR payload) it is marked only if that matches; a mismatch is refused, nothing changes.
   * Verifying also confirms a pending reset.
   */
  async markVerified(userId: number, compared?: string): Promise<SafetyNumber> {
    const sn = await this.safetyNumber(userId);
    if (compared !== undefined && !matchesSafetyNumber(sn, compared)) {
      throw new EnclaveError('bad_request', 'The safety numbers do not match: this is not the number of this contact on your device. Do not mark it verified.', { details: [{ field: 'safetyNumber', reason: 'does not match' }] });
    }
    await this.lock.run(async () => {
      const [mine, theirs] = [await this.record(this.ctx.profile.userId), await this.record(userId)];
      if (!mine || !theirs) return;
      const { confirmRequired: _c, ...rest } = theirs;
      await this.ctx.store.putJson(K.rec(userId), { ...rest, verified: { theirRoot: theirs.root, myRoot: mine.root, at: this.ctx.now() } } satisfies TrustRecord);
    });
    await this.noticeEverywhere(userId, { kind: 'verified' });
    this.ctx.events.emit('verification', { userId, ...this.email(userId), verified: true });
    return { ...sn, verified: true, confirmRequired: false };
  }

  async clearVerification(userId: number): Promise<void> {
    const changed = await this.lock.run(async () => {
      const rec = await this.record(userId);
      if (!rec?.verified) return false;
      const { verified: _v, ...rest } = rec;
      await this.ctx.store.putJson(K.rec(userId), rest satisfies TrustRecord);
      return true;
    });
    if (!changed) return;
    await this.noticeEverywhere(userId, { kind: 'unverified' });
    this.ctx.events.emit('verification', { userId, ...this.email(userId), verified: false });
  }

  /** The user accepts a verified contact's new identity without comparing again: sending resumes (unverified). */
  async confirm(userId: number): Promise<void> {
    await this.lock.run(async () => {
      const rec = await this.record(userId);
      if (!rec?.confirmRequired) return;
      const { confirmRequired: _c, ...rest } = rec;
      await this.ctx.store.putJson(K.rec(userId), rest satisfies TrustRecord);
    });
    this.ctx.logger.log('info', 'device_list.confirmed', { userId });
  }

  // ---- Notices -----------------------------------------------------------------------------------

  private async noticeEverywhere(userId: number, n: Pick<SafetyNotice, 'kind' | 'added' | 'removed'>, at?: { conv: string; seq: number }): Promise<void> {
    const convs = new Set(await this.hooks.conversationsWith(userId));
    if (at) convs.add(at.conv);
    for (const conv of convs) {
      const seq = at?.conv === conv ? at.seq : await this.hooks.positionOf(conv);
      const notice: SafetyNotice = { id: `n${newId()}`, conv, seq, at: this.ctx.now(), userId, ...this.email(userId), ...n };
      await this.ctx.store.putJson(K.notice(conv, notice.id), notice);
      this.ctx.events.emit('notice', notice);
    }
  }

  /** The safety notices kept for a conversation, in order. */
  async notices(conv: string): Promise<SafetyNotice[]> {
    const out: SafetyNotice[] = [];
    for (const key of await this.ctx.store.list(K.noticeFolder(conv))) {
      const n = await this.ctx.store.getJson<SafetyNotice>(key);
      if (n) out.push(n);
    }
    return out.sort((a, b) => a.seq - b.seq || a.at - b.at);
  }

  async forgetConversation(conv: string): Promise<void> {
    for (const key of await this.ctx.store.list(K.noticeFolder(conv))) await this.ctx.store.delete(key);
  }
}
