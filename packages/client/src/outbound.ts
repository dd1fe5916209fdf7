/**
 * outbound.ts — owns sending: the security-group checks made before anything leaves (timers,
 * forwarding, location, files), encryption of a Content (pairwise parts for DMs, the sender key
 * for rooms and groups, distributing a fresh or missing sender key first), delivery over the
 * WebSocket (resolved on `sent`) or REST, and the sender's local copy, which expires when the server
 * says the message does (its timer, else the group maximum). Only ciphertext and routing metadata
 * reach the server; plaintext is never logged.
 */
import { SendMessage, type Content, type Policy } from '@enclave/protocol';
import { b64, encodeEnvelope, newId, senderKeyAd } from './codec.js';
import { Mutex, type Context } from './context.js';
import type { Directory } from './directory.js';
import { EnclaveError, enclaveError } from './errors.js';
import type { LocalMessages } from './local-messages.js';
import type { SenderKeys } from './sender-keys.js';
import type { SessionManager } from './sessions.js';
import type { Message } from './types.js';

export interface SendOptions {
  /** Expiration timer (seconds): at most policy.maxTtl; without one the message expires after policy.maxTtl. */
  ttl?: number;
  /** Burn-on-read timer (seconds): at most policy.maxBor. */
  bor?: number;
  /** Reuse a message ID (idempotent retry of the same message). */
  messageId?: string;
  files?: string[];
}

/** The server's answer to a send; expiresAt is the stored expiry (null: never; absent from older servers). */
export interface Delivered {
  seq: number;
  duplicate: boolean;
  expiresAt?: number | null;
}

export interface Delivery {
  deliver(msg: SendMessage): Promise<Delivered>;
}

/** Device-list rules checked before encrypting (device-trust.ts): throws to refuse the send. */
export type SendGuard = (memberIds: number[]) => Promise<void>;

/** Refuses timers beyond the security group's limits (policy_violation) before sending. */
export function checkTimers(policy: Policy, opts: SendOptions): void {
  for (const [value, max] of [
    [opts.ttl, policy.maxTtl],
    [opts.bor, policy.maxBor],
  ] as const) {
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1 || value > max) throw enclaveError('policy_violation');
  }
}

export class Outbound {
  private convLocks = new Map<string, Mutex>();

  constructor(
    private readonly ctx: Context,
    private readonly dir: Directory,
    private readonly sessions: SessionManager,
    private readonly senderKeys: SenderKeys,
    private readonly local: LocalMessages,
    private readonly delivery: Delivery,
    private readonly guard: SendGuard = async () => {},
  ) {}

  /** The conversation's trusted devices, after the device-list rules allow sending to its members. */
  private async devicesFor(conv: string, fresh = false): Promise<Awaited<ReturnType<Directory['devicesOf']>>> {
    const devices = await this.dir.devicesOf(conv, fresh);
    const c = await this.dir.get(conv);
    await this.guard([...new Set([...c.members.map((m) => m.userId), ...devices.map((d) => d.userId)])]);
    return devices;
  }

  private lock(conv: string): Mutex {
    let m = this.convLocks.get(conv);
    if (!m) this.convLocks.set(conv, (m = new Mutex()));
    return m;
  }

  /** Encrypts and delivers one Content; resolves once the server committed it. */
  async send(conv: string, content: Content, opts: SendOptions = {}): Promise<Message> {
    checkTimers(this.ctx.policy, opts);
    const messageId = opts.messageId ?? newId();
    const c = await this.dir.get(conv);
    await this.guard(c.members.map((m) => m.userId));
    return this.lock(conv).run(async () => {
      const from = this.ctx.profile.deviceId;
      const meta = {
        ...(opts.ttl !== undefined ? { ttl: opts.ttl } : {}),
        ...(opts.bor !== undefined ? { bor: opts.bor } : {}),
        ...(opts.files?.length ? { files: opts.files } : {}),
      };
      let sent: Delivered;
      if (c.kind === 'dm') {
        sent = await this.withFreshDevices(conv, async (devices) => {
          const { parts } = await this.ctx.crypto.run(() =>
            this.sessions.encryptFor(devices, (d) => encodeEnvelope({ v: 1, conv, id: messageId, from, to: d.deviceId, c: content })),
          );
          if (Object.keys(parts).length === 0) {
            throw new EnclaveError('device_list_invalid', "No device of this conversation is in its account's verified device list: nothing was sent.");
          }
          await this.local.markSent(conv, messageId);
          return this.delivery.deliver(SendMessage.parse({ conv, messageId, kind: 'pw', parts, ...meta }));
        });
      } else {
        await this.distributeSenderKey(conv);
        const body = await this.ctx.crypto.run(() =>
          this.senderKeys.encrypt(conv, encodeEnvelope({ v: 1, conv, id: messageId, from, to: '*', c: content }), senderKeyAd(conv, messageId, from)),
        );
        await this.local.markSent(conv, messageId);
        sent = await this.delivery.deliver(SendMessage.parse({ conv, messageId, kind: 'sk', body: b64(body), ...meta }));
      }
      this.ctx.logger.log('info', 'message.sent', { conv, messageId, seq: sent.seq, kind: c.kind === 'dm' ? 'pw' : 'sk', type: content.type });
      await this.local.notePosition(conv, sent.seq);
      return this.keepLocal(conv, sent, messageId, content, opts);
    });
  }

  /**
   * Runs a pairwise send with the conversation's device list; when the server answers that the
   * devices changed since (a device reset, a member removed: `conflict` on `parts.*`), refreshes the
   * list and encrypts again, once.
   */
  private async withFreshDevices<T>(conv: string, attempt: (devices: Awaited<ReturnType<Directory['devicesOf']>>) => Promise<T>): Promise<T> {
    try {
      return await attempt(await this.devicesFor(conv));
    } catch (err) {
      const e = err as { code?: string; details?: { field: string }[] };
      if (e.code !== 'conflict' || !e.details?.some((d) => d.field.startsWith('parts.'))) throw err;
      this.dir.invalidateDevices(conv);
      this.ctx.logger.log('info', 'devices.changed', { conv });
      return attempt(await this.devicesFor(conv, true));
    }
  }

  /**
   * Makes sure every current device of `conv` holds this device's sender key: a fresh key after a
   * removal (then to everybody), the current key to devices that joined since.
   */
  async distributeSenderKey(conv: string, retry = true): Promise<void> {
    try {
      await this.distributeTo(conv, await this.devicesFor(conv));
    } catch (err) {
      const e = err as { code?: string; details?: { field: string }[] };
      if (!retry || e.code !== 'conflict' || !e.details?.some((d) => d.field.startsWith('parts.'))) throw err;
      // The devices changed since they were listed: a fresh list (a departed device makes the key rotate).
      this.dir.invalidateDevices(conv);
      await this.distributeSenderKey(conv, false);
    }
  }

  private async distributeTo(conv: string, devices: Awaited<ReturnType<Directory['devicesOf']>>): Promise<void> {
    const prepared = await this.ctx.crypto.run(async () => {
      const { distribution, missing } = await this.senderKeys.prepare(
        conv,
        devices.map((d) => d.deviceId),
      );
      if (missing.length === 0) return undefined;
      const targets = devices.filter((d) => missing.includes(d.deviceId));
      const messageId = newId();
      const content: Content = { type: 'sender_key', conv, distribution: b64(distribution), sentAt: this.ctx.now() };
      const from = this.ctx.profile.deviceId;
      const { parts } = await this.sessions.encryptFor(targets, (d) => encodeEnvelope({ v: 1, conv, id: messageId, from, to: d.deviceId, c: content }));
      return { messageId, parts, missing };
    });
    if (!prepared) return;
    if (Object.keys(prepared.parts).length > 0) {
      await this.local.markSent(conv, prepared.messageId);
      await this.delivery.deliver(SendMessage.parse({ conv, messageId: prepared.messageId, kind: 'pw', parts: prepared.parts }));
    }
    // Devices without a bundle are not retried on every send; a devices_changed record brings them back.
    await this.ctx.crypto.run(() => this.senderKeys.markDistributed(conv, prepared.missing));
    this.ctx.logger.log('info', 'sender_key.distributed', { conv, devices: Object.keys(prepared.parts).length });
  }

  private async keepLocal(conv: string, sent: Delivered, id: string, content: Content, opts: SendOptions): Promise<Message> {
    const now = this.ctx.now();
    // The server's expiry, so this copy goes when the recipients' copies and the stored record go.
    const expiresAt = sent.expiresAt !== undefined ? sent.expiresAt : opts.ttl ? now + opts.ttl * 1000 : null;
    const m: Message = {
      id,
      conv,
      seq: sent.seq,
      sender: { userId: this.ctx.profile.userId, deviceId: this.ctx.profile.deviceId, email: this.ctx.profile.email },
      sentAt: content.sentAt,
      receivedAt: now,
      outgoing: true,
      ...(expiresAt !== null ? { expiresAt } : {}),
      ...(opts.bor ? { bor: opts.bor } : {}),
    };
    if (content.type === 'text') {
      m.text = content.text;
      if (content.replyTo) m.replyTo = content.replyTo;
    } else if (content.type === 'file') {
      m.file = content.file;
      if (content.text) m.text = content.text;
    } else if (content.type === 'location') {
      m.location = { latitude: content.latitude, longitude: content.longitude, ...(content.accuracy !== undefined ? { accuracy: content.accuracy } : {}) };
    }
    if (content.forwarded) m.forwarded = true;
    if (content.type === 'text' || content.type === 'file' || content.type === 'location') await this.local.put(m);
    return m;
  }
}
