/**
 * inbound.ts — owns receiving: each delivered message in sequence order is de-duplicated, decrypted
 * (pairwise or sender key; a sender-key message whose key has not arrived is held and retried when
 * the distribution comes), checked against its envelope, applied locally (new message, edit,
 * sender key, deletion, receipt, membership change) and persisted, and only then acknowledged.
 * Each message is one atomic unit of the store (its ratchet step, its effects, the cursor, and —
 * with beforeAck — the decrypted record kept until the app's step is done: new messages, edits,
 * deletes for everyone and messages it could not decrypt alike), so a crash never
 * leaves a message half applied. Never logs content; never sends anything but acks.
 */
import { ReceiptBody, SystemEvent, fromBase64Url, utf8Decode, verifiesAhead, type Content, type DeliveredMessage } from '@enclave/protocol';
import { decodeEnvelope, senderKeyAd, unb64 } from './codec.js';
import type { Context } from './context.js';
import type { Directory } from './directory.js';
import { EnclaveError } from './errors.js';
import type { LocalMessages } from './local-messages.js';
import type { SenderKeys } from './sender-keys.js';
import type { SessionManager } from './sessions.js';
import { receivedRef, type Message, type Received, type Sender } from './types.js';

/** Parses a clear-JSON body (`sys`, `rcpt`); accepts raw JSON or base64url-encoded JSON. */
function clearJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return JSON.parse(utf8Decode(fromBase64Url(body)));
  }
}

export interface InboundOptions {
  beforeAck?: ((r: Received) => Promise<void>) | undefined;
  keepMessages?: boolean;
  /** Take messages whose expiry passed before they arrived (an archive); others drop them. */
  receiveExpired?: boolean | undefined;
  /** A `devices_changed` record: the account's device list is read again (device-trust.ts). */
  onDevicesChanged?: ((userId: number, at: { conv: string; seq: number }) => void) | undefined;
}

export class Inbound {
  /** Called with (conv, seq) once a message is processed and persisted. */
  onProcessed: (conv: string, seq: number) => void = () => {};
  /** Per conversation: acknowledgements waiting for beforeAck, in sequence order. */
  private readonly pendingAcks = new Map<string, Promise<void>>();
  /** Work that must finish before close (acks, hand-overs); each leaves the set when settled. */
  private readonly waiting = new Set<Promise<unknown>>();
  /** beforeAck steps running, by delivered record ID (a redelivery waits for the running one). */
  private readonly handing = new Map<string, Promise<void>>();
  private current?: { m: DeliveredMessage; handOver?: Received };
  /** A queued sender-key message's decoded body and additional data, from arrived() to its turn. */
  private readonly decoded = new WeakMap<DeliveredMessage, { body: Uint8Array; ad: Uint8Array }>();

  constructor(
    private readonly ctx: Context,
    private readonly dir: Directory,
    private readonly sessions: SessionManager,
    private readonly senderKeys: SenderKeys,
    private readonly local: LocalMessages,
    private readonly opts: InboundOptions = {},
  ) {}

  /** Resolves when every acknowledgement waiting for beforeAck has been sent. */
  async settled(): Promise<void> {
    while (this.waiting.size > 0) await Promise.allSettled([...this.waiting]);
  }

  /** Tracks `p` until it settles (a long-running receiver must not keep every settled promise). */
  private track(p: Promise<unknown>): void {
    this.waiting.add(p);
    const forget = () => this.waiting.delete(p);
    p.then(forget, forget);
  }

  /** A message arrived and waits its turn: start what can run ahead (its signature check). */
  arrived(m: DeliveredMessage): void {
    if (m.kind !== 'sk' || !verifiesAhead() || this.expired(m)) return;
    try {
      const d = { body: unb64(m.body), ad: senderKeyAd(m.conv, m.messageId, m.senderDeviceId) };
      this.decoded.set(m, d);
      this.senderKeys.verifyAhead(m.conv, m.senderDeviceId, d.body, d.ad);
    } catch {
      /* a malformed message is refused in its turn */
    }
  }

  async process(m: DeliveredMessage): Promise<void> {
    let handOver: Received | undefined;
    await this.ctx.store.atomic(async () => {
      if (await this.local.isDuplicate(m.conv, m.seq, m.messageId)) {
        // Processed before; if the app's step had not finished (a crash), it runs again.
        if (this.opts.beforeAck && !this.handing.has(m.messageId)) handOver = await this.local.pending(m.conv, m.messageId);
        return;
      }
      this.current = { m };
      try {
        await this.apply(m);
      } catch (err) {
        const code = err instanceof EnclaveError ? err.code : 'integrity';
        this.ctx.logger.log('warn', 'message.undecryptable', { conv: m.conv, seq: m.seq, messageId: m.messageId, kind: m.kind, code, error: (err as Error).name });
        this.ctx.events.emit('error', { code, message: 'A message could not be decrypted.', conv: m.conv, messageId: m.messageId });
        // The app's archive records the gap (acknowledged only once it did).
        if (!this.current.handOver) await this.keepForApp(m, { kind: 'undecryptable', id: m.messageId, conv: m.conv, seq: m.seq, sender: this.senderOf(m), code, receivedAt: m.sentAt });
      }
      handOver = this.current.handOver;
      this.current = undefined;
      await this.local.markProcessed(m.conv, m.seq);
    });
    this.finish(m, handOver ? this.handOver(handOver) : this.handing.get(m.messageId));
  }

  /** Re-runs beforeAck for records kept pending when the app last stopped (start-up). */
  async resumePending(): Promise<void> {
    if (!this.opts.beforeAck) return;
    for (const r of await this.local.allPending()) if (!this.handing.has(receivedRef(r).id)) this.track(this.handOver(r));
  }

  /**
   * Keeps a received record for the app's beforeAck step (in the record's atomic unit) and hands it
   * over: with the record's acknowledgement when it is the one being processed, else at once (a held
   * sender-key message released later: its own record was acknowledged when it was held).
   */
  private async keepForApp(m: DeliveredMessage, r: Received): Promise<void> {
    if (!this.opts.beforeAck) return;
    await this.local.keepPending(m.conv, m.messageId, r);
    if (this.current && this.current.m === m) this.current.handOver = r;
    else this.track(this.handOver(r));
  }

  /** Runs the app's beforeAck step for a kept record, then forgets the kept copy. */
  private handOver(r: Received): Promise<void> {
    const { conv, id } = receivedRef(r);
    const run = this.untilDone(r)
      .then(() => this.local.clearPending(conv, id))
      .finally(() => this.handing.delete(id));
    this.handing.set(id, run);
    return run;
  }

  private senderOf(m: DeliveredMessage): Sender {
    const email = this.dir.emailOf(m.senderUserId);
    return { userId: m.senderUserId, deviceId: m.senderDeviceId, ...(email ? { email } : {}) };
  }

  /**
   * Acknowledges the record: at once, or (with beforeAck) once the app's step is done, after every
   * earlier record of the same conversation. (The client sends the ack after the store's flush.)
   */
  private finish(m: DeliveredMessage, appDone: Promise<void> | undefined): void {
    const done = async () => {
      this.onProcessed(m.conv, m.seq);
    };
    const prior = this.pendingAcks.get(m.conv);
    if (!appDone && !prior) {
      const p = done();
      this.track(p);
      void p.catch(() => undefined);
      return;
    }
    const next = (prior ?? Promise.resolve()).then(() => appDone).then(done);
    this.pendingAcks.set(m.conv, next);
    this.track(next);
    void next.finally(() => {
      if (this.pendingAcks.get(m.conv) === next) this.pendingAcks.delete(m.conv);
    }).catch(() => undefined);
  }

  /** Runs beforeAck until it resolves (an archiver that failed to write retries). */
  private async untilDone(r: Received): Promise<void> {
    const hook = this.opts.beforeAck;
    if (!hook) return;
    for (let attempt = 0; ; attempt++) {
      try {
        await hook(r);
        return;
      } catch (err) {
        const { conv, id } = receivedRef(r);
        this.ctx.logger.log('warn', 'message.before_ack_failed', { conv, messageId: id, kind: r.kind, attempt, error: (err as Error).name });
        await new Promise((r) => setTimeout(r, Math.min(30_000, 250 * 2 ** Math.min(attempt, 7))));
      }
    }
  }

  private expired(m: DeliveredMessage): boolean {
    return !this.opts.receiveExpired && m.expiresAt !== null && m.expiresAt <= this.ctx.now();
  }

  private async apply(m: DeliveredMessage): Promise<void> {
    if (this.expired(m)) return;
    switch (m.kind) {
      case 'sys':
        return this.system(m);
      case 'rcpt': {
        const r = ReceiptBody.safeParse(clearJson(m.body));
        if (!r.success) return;
        await this.peerRead(m.conv, m.senderUserId, r.data.messageIds);
        this.ctx.events.emit('receipt', { conv: m.conv, userId: m.senderUserId, messageIds: r.data.messageIds, state: 'read' });
        return;
      }
      case 'pw': {
        const plaintext = await this.ctx.crypto.run(() =>
          this.sessions.decrypt({ userId: m.senderUserId, deviceId: m.senderDeviceId }, unb64(m.body), (d) => this.dir.identityOf(m.conv, d)),
        );
        const env = decodeEnvelope(plaintext, { conv: m.conv, id: m.messageId, from: m.senderDeviceId, to: this.ctx.profile.deviceId });
        return this.content(m, env.c);
      }
      case 'sk': {
        const d = this.decoded.get(m);
        const plaintext = await this.ctx.crypto.run(() =>
          this.senderKeys.decrypt(m.conv, m.senderDeviceId, d?.body ?? unb64(m.body), d?.ad ?? senderKeyAd(m.conv, m.messageId, m.senderDeviceId)),
        );
        if (!plaintext) return this.ctx.crypto.run(() => this.senderKeys.hold(m));
        const env = decodeEnvelope(plaintext, { conv: m.conv, id: m.messageId, from: m.senderDeviceId, to: '*' });
        return this.content(m, env.c);
      }
    }
  }

  /**
   * The peer read some of this account's messages (a 1:1 read receipt, which every device of both
   * members gets): each is marked read (readAt, the same on every device of the account and kept
   * across restarts), and a burn-on-read one starts burning `bor` seconds from now here too, so it
   * disappears on both sides. Part of the receipt's unit: durable before the receipt is acknowledged.
   */
  private async peerRead(conv: string, reader: number, messageIds: string[]): Promise<void> {
    const me = this.ctx.profile.userId;
    if (reader === me) return; // this account's own receipts (sent from another of its devices)
    for (const id of messageIds) {
      const m = await this.local.get(conv, id);
      if (!m || m.sender.userId !== me) continue;
      let changed = false;
      if (m.readAt === undefined) {
        m.readAt = this.ctx.now();
        changed = true;
      }
      if (m.outgoing && m.bor && m.burnAt === undefined) {
        m.burnAt = this.ctx.now() + m.bor * 1000;
        changed = true;
      }
      if (changed) await this.local.put(m);
    }
  }

  private async system(m: DeliveredMessage): Promise<void> {
    const parsed = SystemEvent.safeParse(clearJson(m.body));
    if (!parsed.success) return;
    const e = parsed.data;
    switch (e.event) {
      case 'members_removed':
      case 'left':
      case 'devices_changed':
        this.dir.invalidateDevices(m.conv);
        await this.ctx.crypto.run(() => this.senderKeys.requireRotation(m.conv));
        if (e.event === 'devices_changed' && e.userId === this.ctx.profile.userId) this.dir.invalidateDevices();
        if (e.event === 'devices_changed') this.opts.onDevicesChanged?.(e.userId, { conv: m.conv, seq: m.seq });
        break;
      case 'members_added':
      case 'created':
        this.dir.invalidateDevices(m.conv);
        break;
      case 'deleted_message': {
        const target = await this.local.get(m.conv, e.messageId);
        if (target && target.sender.userId !== e.by) break;
        await this.local.delete(m.conv, e.messageId);
        this.ctx.events.emit('deleted', { conv: m.conv, messageId: e.messageId, by: e.by });
        await this.keepForApp(m, { kind: 'delete', id: m.messageId, conv: m.conv, seq: m.seq, target: e.messageId, by: e.by, receivedAt: m.sentAt });
        break;
      }
      default:
        break;
    }
    if (['created', 'updated', 'moderators', 'members_added', 'members_removed', 'left'].includes(e.event)) {
      await this.dir.get(m.conv, true).catch(() => undefined);
    }
    this.ctx.events.emit('system', { conv: m.conv, seq: m.seq, event: e as Record<string, unknown> & { event: string } });
  }

  private async content(m: DeliveredMessage, c: Content): Promise<void> {
    const sender = this.senderOf(m);
    switch (c.type) {
      case 'sender_key': {
        if (c.conv !== m.conv) throw new EnclaveError('integrity', 'A sender key was sent for another conversation.');
        await this.ctx.crypto.run(() => this.senderKeys.importFrom(c.conv, m.senderDeviceId, unb64(c.distribution)));
        await this.retryHeld(c.conv, m.senderDeviceId);
        return;
      }
      case 'edit': {
        // Only the author edits: an edit of a message kept here from someone else is refused. A
        // device that keeps no messages (the retention bot) cannot check and hands the edit over with
        // its sender; the archive holds the original's sender to compare.
        const target = await this.local.get(m.conv, c.target);
        if (target && target.sender.userId !== m.senderUserId) return;
        const edited = this.ctx.now();
        if (target) {
          await this.local.put({ ...target, text: c.text, edited });
          this.ctx.events.emit('edited', { conv: m.conv, messageId: c.target, text: c.text, edited });
        }
        await this.keepForApp(m, { kind: 'edit', id: m.messageId, conv: m.conv, seq: m.seq, sender, target: c.target, text: c.text, edited, receivedAt: m.sentAt });
        return;
      }
      default: {
        const msg: Message = {
          id: m.messageId,
          conv: m.conv,
          seq: m.seq,
          sender,
          sentAt: c.sentAt,
          receivedAt: m.sentAt,
          ...(m.expiresAt !== null ? { expiresAt: m.expiresAt } : {}),
          ...(m.bor !== null ? { bor: m.bor } : {}),
          ...(c.forwarded ? { forwarded: true } : {}),
        };
        if (m.senderUserId === this.ctx.profile.userId) msg.outgoing = true;
        if (c.type === 'text') {
          msg.text = c.text;
          if (c.replyTo) msg.replyTo = c.replyTo;
        } else if (c.type === 'file') {
          if (!m.files.includes(c.file.fileId)) throw new EnclaveError('integrity', 'A file message does not reference its file.');
          msg.file = c.file;
          if (c.text !== undefined) msg.text = c.text;
          if (c.replyTo) msg.replyTo = c.replyTo;
        } else {
          msg.location = { latitude: c.latitude, longitude: c.longitude, ...(c.accuracy !== undefined ? { accuracy: c.accuracy } : {}) };
        }
        if (this.opts.keepMessages !== false) await this.local.put(msg);
        this.ctx.logger.log('info', 'message.received', { conv: m.conv, seq: m.seq, messageId: m.messageId, type: c.type });
        this.ctx.events.emit('message', msg);
        await this.keepForApp(m, { kind: 'message', message: msg });
      }
    }
  }

  /** Decrypts the messages held for (conv, device) now that its key arrived. */
  async retryHeld(conv: string, device?: string): Promise<void> {
    for (const held of await this.senderKeys.held(conv, device)) {
      const plaintext = await this.ctx.crypto
        .run(() => this.senderKeys.decrypt(conv, held.senderDeviceId, unb64(held.body), senderKeyAd(conv, held.messageId, held.senderDeviceId)))
        .catch((err: unknown) => {
          this.ctx.events.emit('error', { code: 'integrity', message: (err as Error).message, conv, messageId: held.messageId });
          return null;
        });
      if (plaintext === undefined) continue;
      await this.senderKeys.release(held);
      if (plaintext === null) continue;
      try {
        const env = decodeEnvelope(plaintext, { conv, id: held.messageId, from: held.senderDeviceId, to: '*' });
        await this.content(held, env.c);
      } catch (err) {
        this.ctx.events.emit('error', { code: 'integrity', message: (err as Error).message, conv, messageId: held.messageId });
      }
    }
  }
}
