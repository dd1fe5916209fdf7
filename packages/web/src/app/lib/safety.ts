// The messenger's safety state around one signed-in EnclaveClient (docs/protocol.md, "Device lists and
// safety numbers"): this device's place in the account's signed device list, new devices of the
// account waiting for approval, each contact's verified / changed state, and the safety notices of
// each conversation. React reads it with useSyncExternalStore; the SDK keeps everything in its
// encrypted store, nothing goes to localStorage.
import type { EnclaveClient, OwnDeviceState, PendingDevice, SafetyNotice, SafetyNumber } from '@enclave/client';
import { useSyncExternalStore } from 'react';
import type { Messenger } from './messenger';

export interface ContactSafety {
  listed: boolean;
  verified: boolean;
  confirmRequired: boolean;
}

export interface SafetyState {
  deviceList: OwnDeviceState;
  fingerprint?: string;
  pendingDevices: PendingDevice[];
  contacts: Record<number, ContactSafety>;
  notices: Record<string, SafetyNotice[]>;
}

/** How often a signed-in page looks for new devices of the account waiting for approval. */
const PENDING_POLL_MS = 15_000;

export class Safety {
  private state: SafetyState;
  private readonly listeners = new Set<() => void>();
  private readonly loaded = new Set<string>();

  constructor(readonly client: EnclaveClient) {
    this.state = { deviceList: client.deviceListState, ...(client.deviceFingerprint ? { fingerprint: client.deviceFingerprint } : {}), pendingDevices: [], contacts: {}, notices: {} };
    client.on('device_list', (e) => {
      this.set({ deviceList: e.state });
      if (e.state === 'trusted') void this.loadPending();
    });
    client.on('device_approval_requested', (d) => this.set((s) => ({ pendingDevices: [...s.pendingDevices.filter((x) => x.deviceId !== d.deviceId), d] })));
    client.on('devices_changed', (e) => {
      if (e.self) void this.loadPending();
      else void this.loadContact(e.userId);
    });
    client.on('identity_reset', (e) => {
      if (e.self) void this.loadPending();
      else void this.loadContact(e.userId);
    });
    client.on('verification', (e) => void this.loadContact(e.userId));
    client.on('notice', (n) =>
      this.set((s) => {
        const list = s.notices[n.conv] ?? [];
        if (list.some((x) => x.id === n.id)) return {};
        return { notices: { ...s.notices, [n.conv]: [...list, n].sort((a, b) => a.seq - b.seq || a.at - b.at) } };
      }),
    );
    if (client.deviceListState === 'trusted') void this.loadPending();
    // A new device of an account without conversations announces itself nowhere this device listens:
    // look for devices waiting for approval now and then while the page is shown, and on return.
    const look = () => {
      if (document.visibilityState === 'visible' && this.state.deviceList === 'trusted') void this.loadPending();
    };
    const timer = setInterval(look, PENDING_POLL_MS);
    document.addEventListener('visibilitychange', look);
    client.on('stopped', () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', look);
    });
  }

  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  get = () => this.state;

  private set(patch: Partial<SafetyState> | ((s: SafetyState) => Partial<SafetyState>)) {
    const p = typeof patch === 'function' ? patch(this.state) : patch;
    this.state = { ...this.state, ...p };
    for (const l of this.listeners) l();
  }

  private async loadPending(): Promise<void> {
    try {
      this.set({ pendingDevices: await this.client.pendingDevices() });
    } catch {
      // shown again on the next change
    }
  }

  /** The notices of a conversation, read once from the SDK's store (new ones arrive as events). */
  async loadNotices(conv: string): Promise<void> {
    if (this.loaded.has(conv)) return;
    this.loaded.add(conv);
    const stored = await this.client.notices(conv);
    this.set((s) => {
      const live = s.notices[conv] ?? [];
      const all = [...stored, ...live.filter((n) => !stored.some((x) => x.id === n.id))].sort((a, b) => a.seq - b.seq || a.at - b.at);
      return { notices: { ...s.notices, [conv]: all } };
    });
  }

  async loadContact(userId: number): Promise<ContactSafety> {
    const c = await this.client.contactTrust(userId);
    this.set((s) => ({ contacts: { ...s.contacts, [userId]: c } }));
    return c;
  }

  async safetyNumber(userId: number): Promise<SafetyNumber> {
    const sn = await this.client.safetyNumber(userId);
    this.set((s) => ({ contacts: { ...s.contacts, [userId]: { listed: true, verified: sn.verified, confirmRequired: sn.confirmRequired } } }));
    return sn;
  }

  async markVerified(userId: number, compared?: string): Promise<SafetyNumber> {
    const sn = await this.client.markVerified(userId, compared);
    await this.loadContact(userId);
    return sn;
  }

  async clearVerification(userId: number): Promise<void> {
    await this.client.clearVerification(userId);
    await this.loadContact(userId);
  }

  async confirm(userId: number): Promise<void> {
    await this.client.confirmIdentityChange(userId);
    await this.loadContact(userId);
  }

  async approve(deviceId: string): Promise<void> {
    await this.client.approveNewDevice(deviceId);
    this.set((s) => ({ pendingDevices: s.pendingDevices.filter((d) => d.deviceId !== deviceId) }));
  }

  /** A new device that is not the member's: signed out (its keys revoked). */
  async reject(deviceId: string): Promise<void> {
    await this.client.resetDevice(deviceId);
    this.set((s) => ({ pendingDevices: s.pendingDevices.filter((d) => d.deviceId !== deviceId) }));
  }

  async checkAgain(): Promise<void> {
    this.set({ deviceList: await this.client.syncDevices() });
  }

  async resetIdentity(): Promise<void> {
    await this.client.resetIdentity();
    this.set({ deviceList: this.client.deviceListState });
  }
}

const all = new WeakMap<EnclaveClient, Safety>();

/** The safety state of a messenger's client (created on first use, listening from then on). */
export function safetyOf(m: Messenger): Safety {
  let s = all.get(m.client);
  if (!s) all.set(m.client, (s = new Safety(m.client)));
  return s;
}

export function useSafety(m: Messenger): SafetyState {
  const s = safetyOf(m);
  return useSyncExternalStore(s.subscribe, s.get, s.get);
}
