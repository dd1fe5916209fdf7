/**
 * own-devices.ts — owns this account's own signed device list (docs/protocol.md, "Device lists and
 * safety numbers"): publishing the first list of an account, whether this device is in the list or
 * waits for approval, approving a new device of the account (the next list, signed here, after the
 * user compared the new device's key fingerprint), a reset (a first list signed by this device), and
 * signing out of the list the devices the server reset. Signs with this device's identity key; the
 * private key never leaves the store.
 */
import {
  DeviceListsResponse,
  decodeDeviceList,
  firstDeviceList,
  fingerprint,
  nextDeviceList,
  type DeviceInfo,
  type DeviceList,
  type IdentityKeyPair,
  type ListedDevice,
} from '@enclave/protocol';
import { b64, unb64 } from './codec.js';
import type { Context } from './context.js';
import type { DeviceTrust } from './device-trust.js';
import { EnclaveError, isEnclaveError } from './errors.js';
import { DevicesResponse, num, obj } from './schemas.js';
import type { OwnDeviceState, PendingDevice } from './types.js';

/** What a new device does when the account already has a list that does not name it. */
export type NewDeviceMode = 'await-approval' | 'reset';

const listedOf = (d: DeviceInfo): ListedDevice => ({ deviceId: d.deviceId, signPub: unb64(d.identitySignPub), dhPub: unb64(d.identityDhPub) });
const sameKeys = (l: ListedDevice, d: DeviceInfo) => l.deviceId === d.deviceId && b64(l.signPub) === d.identitySignPub && b64(l.dhPub) === d.identityDhPub;

export class OwnDevices {
  private current: OwnDeviceState = 'trusted';
  private readonly announced = new Set<string>();
  private running?: Promise<OwnDeviceState>;
  private queued?: Promise<OwnDeviceState>;

  constructor(
    private readonly ctx: Context,
    private readonly trust: DeviceTrust,
    private readonly identity: IdentityKeyPair,
  ) {}

  /** 'pending' while this device is not in the account's signed list (it can neither send nor receive from contacts). */
  get state(): OwnDeviceState {
    return this.current;
  }

  private setState(s: OwnDeviceState): void {
    if (s === this.current) return;
    this.current = s;
    this.ctx.logger.log('info', 'device_list.own_state', { state: s });
    this.ctx.events.emit('device_list', { state: s });
  }

  private get me(): number {
    return this.ctx.profile.userId;
  }

  private async fetch(): Promise<{ chain: string[]; devices: DeviceInfo[] }> {
    const [lists, { devices }] = await Promise.all([
      this.ctx.http.json('GET', `/v1/device-lists?users=${this.me}`, DeviceListsResponse),
      this.ctx.http.json('GET', '/v1/devices', DevicesResponse),
    ]);
    return { chain: lists.lists.find((l) => l.userId === this.me)?.chain ?? [], devices };
  }

  private async publish(list: DeviceList, root: Uint8Array): Promise<void> {
    await this.ctx.http.json('PUT', '/v1/device-list', obj({ version: num }), { body: { list: b64(list.encoded) } });
    await this.trust.pinOwn(this.me, root, list);
  }

  /**
   * Reads the account's list and acts on it (one run at a time; a call while one runs waits for
   * the next). `mode` is what a device that is not in the list does: wait for approval, or reset.
   */
  sync(mode: NewDeviceMode = 'await-approval'): Promise<OwnDeviceState> {
    if (!this.trust.enabled) return Promise.resolve('trusted');
    if (!this.running) {
      this.running = this.syncWithRetry(mode).finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued ??= this.running.catch(() => undefined).then(() => {
      this.queued = undefined;
      return this.sync(mode);
    });
    return this.queued;
  }

  private async syncWithRetry(mode: NewDeviceMode): Promise<OwnDeviceState> {
    try {
      return await this.syncOnce(mode);
    } catch (err) {
      // Another device of the account published first: read the list again, once.
      if (!isEnclaveError(err, 'conflict')) throw err;
      return this.syncOnce(mode);
    }
  }

  private async syncOnce(mode: NewDeviceMode): Promise<OwnDeviceState> {
    const self = this.ctx.profile.deviceId;
    const { chain, devices } = await this.fetch();
    const active = devices.filter((d) => d.status !== 'RESET');
    if (chain.length === 0 && !(await this.trust.record(this.me))) {
      // The account's first list: this device and the account's other approved devices.
      const named = active.filter((d) => d.status === 'ACTIVE' || d.deviceId === self).map(listedOf);
      if (!named.some((d) => d.deviceId === self)) named.push({ deviceId: self, signPub: this.identity.signPub, dhPub: this.identity.dhPub });
      const list = firstDeviceList({ account: String(this.me), version: 1, devices: named, signerId: self, identity: this.identity });
      await this.publish(list, list.hash);
      this.ctx.logger.log('info', 'device_list.published', { version: 1, devices: named.length });
      this.setState('trusted');
      return this.current;
    }
    const verdict = await this.trust.judge(this.me, chain);
    if (verdict.kind !== 'signed') return this.current;
    const head = verdict.head;
    const me = head.devices.find((d) => d.deviceId === self);
    if (!me || b64(me.signPub) !== b64(this.identity.signPub)) {
      const approvers = head.devices.filter((l) => active.some((d) => d.status === 'ACTIVE' && sameKeys(l, d)));
      if (mode === 'reset' || approvers.length === 0) {
        await this.resetWith(head, active);
        return this.current;
      }
      this.setState('pending');
      return this.current;
    }
    this.setState('trusted');
    // Devices of the list the server reset or forgot: signed out of the list.
    const kept = head.devices.filter((l) => active.some((d) => sameKeys(l, d)));
    if (kept.length < head.devices.length) {
      const next = nextDeviceList(head, { devices: kept, signerId: self, identity: this.identity });
      await this.publish(next, unb64(verdict.rec.root));
      this.ctx.logger.log('info', 'device_list.removed_reset_devices', { version: next.version, removed: head.devices.length - kept.length });
    }
    for (const p of this.pendingOf(head, devices)) {
      if (this.announced.has(p.deviceId)) continue;
      this.announced.add(p.deviceId);
      this.ctx.events.emit('device_approval_requested', p);
    }
    return this.current;
  }

  private pendingOf(head: DeviceList, devices: DeviceInfo[]): PendingDevice[] {
    return devices
      .filter((d) => d.status !== 'RESET' && d.deviceId !== this.ctx.profile.deviceId && !head.devices.some((l) => sameKeys(l, d)))
      .map((d) => ({ deviceId: d.deviceId, type: d.type, client: d.client, created: d.created, status: d.status, fingerprint: fingerprint(unb64(d.identitySignPub)) }));
  }

  /** Devices of the account waiting to be approved into its list (with their key fingerprints). */
  async pending(): Promise<PendingDevice[]> {
    if (!this.trust.enabled) return [];
    const { chain, devices } = await this.fetch();
    const verdict = await this.trust.judge(this.me, chain);
    if (verdict.kind !== 'signed') return [];
    return this.pendingOf(verdict.head, devices);
  }

  /** This device's own key fingerprint (shown on a new device so an existing one can compare it). */
  get fingerprint(): string {
    return fingerprint(this.identity.signPub);
  }

  /** Approves a new device of the account: signs the next list with it added. */
  async approve(deviceId: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.approveOnce(deviceId);
      } catch (err) {
        if (attempt > 0 || !isEnclaveError(err, 'conflict')) throw err;
      }
    }
  }

  private async approveOnce(deviceId: string): Promise<void> {
    const self = this.ctx.profile.deviceId;
    const { chain, devices } = await this.fetch();
    const verdict = await this.trust.judge(this.me, chain);
    if (verdict.kind !== 'signed' || !verdict.head.devices.some((d) => d.deviceId === self)) throw new EnclaveError('device_not_in_list');
    const head = verdict.head;
    const device = devices.find((d) => d.deviceId === deviceId && d.status !== 'RESET');
    if (!device) throw new EnclaveError('not_found', 'No such device of your account is waiting for approval.');
    if (head.devices.some((l) => sameKeys(l, device))) return;
    const kept = head.devices.filter((l) => l.deviceId !== deviceId && devices.some((d) => d.status !== 'RESET' && sameKeys(l, d)));
    const next = nextDeviceList(head, { devices: [...kept, listedOf(device)], signerId: self, identity: this.identity });
    await this.publish(next, unb64(verdict.rec.root));
    this.ctx.logger.log('info', 'device_list.approved', { deviceId, version: next.version });
  }

  /**
   * Starts the account over from this device (a new safety number for every contact): a first list
   * naming this device and the devices of the current list the server still has.
   */
  async reset(): Promise<void> {
    const { chain, devices } = await this.fetch();
    const verdict = chain.length > 0 ? await this.trust.judge(this.me, chain) : undefined;
    const head = verdict?.kind === 'signed' ? verdict.head : undefined;
    await this.resetWith(head, devices.filter((d) => d.status !== 'RESET'), chain);
  }

  private async resetWith(head: DeviceList | undefined, active: DeviceInfo[], chain?: string[]): Promise<void> {
    const self = this.ctx.profile.deviceId;
    const kept = (head?.devices ?? []).filter((l) => l.deviceId !== self && active.some((d) => d.status === 'ACTIVE' && sameKeys(l, d)));
    // Above every version the account had: the served head (even one that did not verify), the pin.
    const pinned = await this.trust.record(this.me);
    let served = 0;
    try {
      if (chain && chain.length > 0) served = decodeDeviceList(unb64(chain[chain.length - 1]!)).version;
    } catch {
      /* undecodable: the server refuses a version it already holds, and the reset is retried */
    }
    const top = Math.max(head?.version ?? 0, pinned?.version ?? 0, served);
    const list = firstDeviceList({
      account: String(this.me),
      version: top + 1,
      devices: [{ deviceId: self, signPub: this.identity.signPub, dhPub: this.identity.dhPub }, ...kept],
      signerId: self,
      identity: this.identity,
    });
    await this.publish(list, list.hash);
    this.ctx.logger.log('warn', 'device_list.reset_by_this_device', { version: list.version, devices: kept.length + 1 });
    this.setState('trusted');
  }
}
