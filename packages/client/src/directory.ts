/**
 * directory.ts — owns what the SDK knows about conversations and their devices: conversation
 * records (cached in the store, refreshed from `GET /v1/conversations`), the device list to encrypt
 * to (`GET /v1/conversations/{id}/devices`, cached in memory and dropped on membership or device
 * changes), and member e-mail addresses for message senders. Read-only toward the server.
 * Keeps each conversation's `crossBoundary` in step with its members: true while some member is
 * outside the viewer's classification boundary (the server marks them `outsideBoundary`).
 */
import { Conversation, ConversationDevices, type DeviceListChain, type Member } from '@enclave/protocol';
import type { Context } from './context.js';
import { q } from './http.js';
import { ConversationsResponse } from './schemas.js';
import type { DeviceRef } from './sessions.js';

const DEVICE_CACHE_MS = 60_000;

/** Sets `crossBoundary` from the members (recomputed whenever the SDK learns of a membership change). */
export function withBoundary(c: Conversation): Conversation {
  c.crossBoundary = c.members.some((m) => m.outsideBoundary === true);
  return c;
}

export class Directory {
  private devices = new Map<string, { at: number; list: DeviceRef[] }>();
  private convs = new Map<string, Conversation>();
  private emails = new Map<number, string>();
  private members = new Map<number, Member>();

  /** Keeps out devices no verified device list names (device-trust.ts); set by the client. */
  trustFilter?: (devices: DeviceRef[], lists: DeviceListChain[] | undefined) => Promise<DeviceRef[]>;

  constructor(private readonly ctx: Context) {}

  /** Conversations kept on this device that have this user as a member. */
  async conversationsWith(userId: number): Promise<string[]> {
    const ids = new Set<string>();
    for (const c of this.convs.values()) if (c.members.some((m) => m.userId === userId)) ids.add(c.id);
    for (const key of await this.ctx.store.list('conv/')) {
      const c = this.convs.get(key.slice('conv/'.length)) ?? (await this.ctx.store.getJson<Conversation>(key));
      if (c?.members.some((m) => m.userId === userId)) ids.add(c.id);
    }
    return [...ids];
  }

  remember(c: Conversation): void {
    withBoundary(c);
    this.convs.set(c.id, c);
    for (const m of c.members) {
      this.emails.set(m.userId, m.email);
      this.members.set(m.userId, m);
    }
    void this.ctx.store.putJson(`conv/${c.id}`, c).catch(() => undefined);
  }

  rememberMembers(members: Member[]): void {
    for (const m of members) {
      this.emails.set(m.userId, m.email);
      this.members.set(m.userId, m);
    }
  }

  /** A member as last seen in the directory or a conversation (network, external and boundary marks). */
  memberOf(userId: number): Member | undefined {
    return this.members.get(userId);
  }

  emailOf(userId: number): string | undefined {
    if (userId === this.ctx.profile.userId) return this.ctx.profile.email;
    return this.emails.get(userId);
  }

  async list(): Promise<Conversation[]> {
    const { conversations } = await this.ctx.http.json('GET', '/v1/conversations', ConversationsResponse);
    for (const c of conversations) this.remember(c);
    return conversations;
  }

  async get(id: string, fresh = false): Promise<Conversation> {
    if (!fresh) {
      const cached = this.convs.get(id) ?? (await this.ctx.store.getJson<Conversation>(`conv/${id}`));
      if (cached) {
        withBoundary(cached);
        this.convs.set(id, cached);
        for (const m of cached.members) this.emails.set(m.userId, m.email);
        return cached;
      }
    }
    const c = await this.ctx.http.json('GET', `/v1/conversations/${q(id)}`, Conversation);
    this.remember(c);
    return c;
  }

  async forget(id: string): Promise<void> {
    this.convs.delete(id);
    this.devices.delete(id);
    await this.ctx.store.delete(`conv/${id}`);
  }

  /**
   * Every device to encrypt to in `conv` (members' and the retention bot's): those the server lists
   * that the members' verified device lists name (see device-trust.ts).
   */
  async devicesOf(conv: string, fresh = false): Promise<DeviceRef[]> {
    const cached = this.devices.get(conv);
    if (!fresh && cached && this.ctx.now() - cached.at < DEVICE_CACHE_MS) return cached.list;
    const { devices, lists } = await this.ctx.http.json('GET', `/v1/conversations/${q(conv)}/devices`, ConversationDevices);
    const trusted = this.trustFilter ? await this.trustFilter(devices, lists) : devices;
    this.devices.set(conv, { at: this.ctx.now(), list: trusted });
    return trusted;
  }

  invalidateDevices(conv?: string): void {
    if (conv === undefined) this.devices.clear();
    else this.devices.delete(conv);
  }

  /** The identity a device publishes, looked up in a conversation's device list (refreshed once). */
  async identityOf(conv: string, deviceId: string): Promise<DeviceRef | undefined> {
    const hit = (await this.devicesOf(conv)).find((d) => d.deviceId === deviceId);
    return hit ?? (await this.devicesOf(conv, true)).find((d) => d.deviceId === deviceId);
  }
}
