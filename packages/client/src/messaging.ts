/**
 * messaging.ts — owns the message API behind EnclaveClient: text, edits, delete for everyone,
 * forwarding, location, files (upload then a `file` message), read receipts, the app's "read" hook
 * that starts burn-on-read (and, on the peer's read receipt, the burn of the sender's own copy),
 * downloads and previews, and the local message list. Applies the
 * security group's switches before anything is sent (forwarding_disabled, location_disabled,
 * files_disabled, timers). Never sends plaintext to the server, never logs content.
 */
import { FileRef, type Content } from '@enclave/protocol';
import type { Context } from './context.js';
import type { Directory } from './directory.js';
import { enclaveError } from './errors.js';
import type { Files } from './files.js';
import { q } from './http.js';
import type { LocalMessages } from './local-messages.js';
import { checkTimers, type Outbound, type SendOptions } from './outbound.js';
import type { Socket } from './socket.js';
import type { FileSink, FileSource, Message, Progress } from './types.js';

export interface TextOptions {
  replyTo?: string;
  ttl?: number;
  bor?: number;
}

export interface FileOptions extends TextOptions {
  name?: string;
  mime?: string;
  text?: string;
  onProgress?: (p: Progress) => void;
  voiceMemo?: { durationMs: number };
}

export interface MessagingDeps {
  ctx: Context;
  dir: Directory;
  local: LocalMessages;
  files: Files;
  outbound: () => Outbound;
  socket: () => Socket | undefined;
  /** Throws when the device is pending or the client locked. */
  guard: () => void;
}

function timers(o: TextOptions): SendOptions {
  return { ...(o.ttl !== undefined ? { ttl: o.ttl } : {}), ...(o.bor !== undefined ? { bor: o.bor } : {}) };
}

function bytesSource(bytes: Uint8Array): FileSource {
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) };
}

export class Messaging {
  // A peer's read receipt (readAt, burn-on-read start) is applied by Inbound, in the receipt's own
  // unit of the store, before it is acknowledged.
  constructor(private readonly d: MessagingDeps) {}

  private get ctx(): Context {
    return this.d.ctx;
  }

  async sendText(conv: string, text: string, o: TextOptions = {}): Promise<Message> {
    this.d.guard();
    const content: Content = { type: 'text', text, sentAt: this.ctx.now(), ...(o.replyTo ? { replyTo: o.replyTo } : {}), ...timers(o) };
    return this.d.outbound().send(conv, content, timers(o));
  }

  /**
   * Replaces the text of one of this account's messages, for everybody. The edit expires with the
   * message it edits (its remaining time, rounded up to the second and within the group maximum),
   * so the new text is not kept longer than the old; without a kept target, the group maximum.
   */
  async edit(conv: string, messageId: string, text: string): Promise<void> {
    this.d.guard();
    const target = await this.d.local.get(conv, messageId);
    if (target && target.sender.userId !== this.ctx.profile.userId) throw enclaveError('forbidden');
    const left = target?.expiresAt !== undefined ? Math.ceil((target.expiresAt - this.ctx.now()) / 1000) : undefined;
    const ttl = left !== undefined ? Math.min(Math.max(left, 1), this.ctx.policy.maxTtl) : undefined;
    await this.d.outbound().send(conv, { type: 'edit', target: messageId, text, sentAt: this.ctx.now() }, ttl !== undefined ? { ttl } : {});
    if (target) await this.d.local.put({ ...target, text, edited: this.ctx.now() });
  }

  /** Deletes one of this account's messages for every member (the server records it). */
  async deleteForEveryone(conv: string, messageId: string): Promise<void> {
    this.d.guard();
    const socket = this.d.socket();
    if (socket) await socket.request({ t: 'delete', conv, messageId });
    else await this.ctx.http.empty('DELETE', `/v1/conversations/${q(conv)}/messages/${q(messageId)}`);
    await this.d.local.delete(conv, messageId);
  }

  /** Sends a received message on to another conversation (forwarding_disabled when the group forbids it). */
  async forward(conv: string, message: Message, o: TextOptions = {}): Promise<Message> {
    this.d.guard();
    if (!this.ctx.policy.messageForwardingEnabled) throw enclaveError('forwarding_disabled');
    const base = { sentAt: this.ctx.now(), forwarded: true, ...timers(o) };
    if (message.file) {
      if (!this.ctx.policy.filesEnabled) throw enclaveError('files_disabled');
      const content: Content = { type: 'file', file: message.file, ...(message.text ? { text: message.text } : {}), ...base };
      return this.d.outbound().send(conv, content, { ...timers(o), files: [message.file.fileId] });
    }
    if (message.location) {
      if (!this.ctx.policy.locationEnabled) throw enclaveError('location_disabled');
      return this.d.outbound().send(conv, { type: 'location', ...message.location, ...base }, timers(o));
    }
    return this.d.outbound().send(conv, { type: 'text', text: message.text ?? '', ...base }, timers(o));
  }

  async sendLocation(conv: string, latitude: number, longitude: number, o: TextOptions & { accuracy?: number } = {}): Promise<Message> {
    this.d.guard();
    if (!this.ctx.policy.locationEnabled) throw enclaveError('location_disabled');
    const content: Content = { type: 'location', latitude, longitude, ...(o.accuracy !== undefined ? { accuracy: o.accuracy } : {}), sentAt: this.ctx.now(), ...timers(o) };
    return this.d.outbound().send(conv, content, timers(o));
  }

  /**
   * Encrypts and uploads a file (a path with the Node platform, a FileSource, or bytes), then sends
   * the `file` message. Refused with files_disabled before anything is uploaded.
   */
  async sendFile(conv: string, file: string | FileSource | Uint8Array, o: FileOptions = {}): Promise<Message> {
    this.d.guard();
    if (!this.ctx.policy.filesEnabled) throw enclaveError('files_disabled');
    checkTimers(this.ctx.policy, timers(o));
    let source: FileSource;
    if (typeof file === 'string') {
      if (!this.ctx.platform.openFile) throw enclaveError('bad_request');
      source = await this.ctx.platform.openFile(file);
    } else source = file instanceof Uint8Array ? bytesSource(file) : file;
    const name = o.name ?? (typeof file === 'string' ? (file.split(/[\\/]/).pop() ?? 'file') : 'file');
    try {
      const ref = await this.d.files.upload(conv, source, {
        name,
        mime: o.mime ?? 'application/octet-stream',
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
        ...(o.voiceMemo ? { voiceMemo: o.voiceMemo } : {}),
      });
      const content: Content = { type: 'file', file: FileRef.parse(ref), ...(o.text ? { text: o.text } : {}), ...(o.replyTo ? { replyTo: o.replyTo } : {}), sentAt: this.ctx.now(), ...timers(o) };
      return await this.d.outbound().send(conv, content, { ...timers(o), files: [ref.fileId] });
    } finally {
      await source.close?.();
    }
  }

  /** Sends read receipts (1:1 conversations only, and only when the network allows them). */
  async markRead(conv: string, messageIds: string[]): Promise<boolean> {
    this.d.guard();
    if (this.ctx.policy.readReceipts === 'DISABLED' || messageIds.length === 0) return false;
    const c = await this.d.dir.get(conv);
    if (c.kind !== 'dm') return false;
    const socket = this.d.socket();
    for (let i = 0; i < messageIds.length; i += 500) {
      const ids = messageIds.slice(i, i + 500);
      if (socket) await socket.request({ t: 'receipt', conv, messageIds: ids });
      else await this.ctx.http.empty('POST', `/v1/conversations/${q(conv)}/receipts`, { body: { messageIds: ids } });
    }
    return true;
  }

  /**
   * The app shows a message: starts its burn-on-read timer (deleted locally `bor` seconds after the
   * first read, with a 'burned' event) and sends a read receipt where allowed.
   */
  async read(conv: string, messageId: string): Promise<Message | undefined> {
    this.d.guard();
    const m = await this.d.local.get(conv, messageId);
    if (!m) return undefined;
    if (m.bor && m.burnAt === undefined && !m.outgoing) {
      m.burnAt = this.ctx.now() + m.bor * 1000;
      await this.d.local.put(m);
    }
    if (!m.outgoing) await this.markRead(conv, [messageId]).catch(() => false);
    return m;
  }

  async messages(conv: string): Promise<Message[]> {
    this.d.guard();
    return this.d.local.list(conv);
  }

  /** A stored message by ID (optionally within one conversation), or by the ID of its file. */
  async message(id: string, conv?: string): Promise<Message | undefined> {
    this.d.guard();
    if (conv) return this.d.local.get(conv, id);
    return (await this.d.local.find(id)) ?? (await this.d.local.byFileId(id));
  }

  async downloadFile(ref: FileRef, sink: FileSink, o: { onProgress?: (p: Progress) => void } = {}): Promise<void> {
    this.d.guard();
    return this.d.files.download(ref, sink, o);
  }

  async previewFile(ref: FileRef): Promise<Uint8Array> {
    this.d.guard();
    return this.d.files.preview(ref);
  }
}
