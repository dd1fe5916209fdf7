/**
 * local-messages.ts — owns the decrypted messages kept on this device (encrypted at rest by the
 * store), the per-conversation receive cursor and recent message IDs that make delivery
 * exactly-once for the app, the file index (file ID → message), and the expiry / burn-on-read
 * timers that delete messages locally. Never sends anything to the server.
 */
import type { Context } from './context.js';
import type { Message, Received } from './types.js';

interface Cursor {
  seq: number;
  /**
   * This device's most recent outgoing message IDs, so their echo is not shown twice. Received
   * messages need no ID set: the server gives a message ID one sequence number, so the cursor alone
   * recognises a redelivery.
   */
  recent: string[];
}

const RECENT = 1000;
/** setTimeout's ceiling (~24.8 days): longer timers re-arm. */
const MAX_DELAY = 2 ** 31 - 1;

const K = {
  msg: (conv: string, id: string) => `msg/${conv}/${id}`,
  msgFolder: (conv: string) => `msg/${conv}/`,
  cursor: (conv: string) => `cursor/${conv}`,
  file: (fileId: string) => `fileidx/${fileId}`,
  timer: (conv: string, id: string) => `timers/${conv}.${id}`,
  pending: (conv: string, id: string) => `pending/${conv}.${id}`,
  position: (conv: string) => `position/${conv}`,
};

interface TimerRecord {
  conv: string;
  id: string;
  at: number;
  kind: 'expire' | 'burn';
}

export class LocalMessages {
  private timers = new Map<string, ReturnType<typeof setTimeout>>();
  private stopped = false;

  constructor(private readonly ctx: Context) {}

  async isDuplicate(conv: string, seq: number, messageId: string): Promise<boolean> {
    const c = await this.ctx.store.getJson<Cursor>(K.cursor(conv));
    return !!c && (seq <= c.seq || c.recent.includes(messageId));
  }

  /** Records (conv, seq) as processed, in the same atomic unit as the message's effects. */
  async markProcessed(conv: string, seq: number): Promise<void> {
    const c = (await this.ctx.store.getJson<Cursor>(K.cursor(conv))) ?? { seq: 0, recent: [] };
    if (seq <= c.seq) return;
    c.seq = seq;
    await this.ctx.store.putJson(K.cursor(conv), c);
  }

  /**
   * Keeps a received record (a decrypted message, an edit, a delete, an undecryptable message) until
   * the app's beforeAck step is done with it: written in the same atomic unit as the ratchet step
   * that decrypted it, so a crash in between never leaves a record that can no longer be decrypted
   * and was not handed over. Keyed by the delivered record's conversation and ID.
   */
  async keepPending(conv: string, id: string, r: Received): Promise<void> {
    // A new key: the record was not processed before (isDuplicate), so no kept copy exists yet.
    await this.ctx.store.putNewJson(K.pending(conv, id), r);
  }

  async pending(conv: string, id: string): Promise<Received | undefined> {
    const r = await this.ctx.store.getJson<Received | Message>(K.pending(conv, id));
    return r ? asReceived(r) : undefined;
  }

  async allPending(): Promise<Received[]> {
    const out: { r: Received; conv: string; seq: number }[] = [];
    for (const key of await this.ctx.store.list('pending/')) {
      const r = await this.ctx.store.getJson<Received | Message>(key);
      if (!r) continue;
      const item = asReceived(r);
      const at = item.kind === 'message' ? item.message : item;
      out.push({ r: item, conv: at.conv, seq: at.seq });
    }
    return out.sort((a, b) => a.conv.localeCompare(b.conv) || a.seq - b.seq).map((x) => x.r);
  }

  async clearPending(conv: string, id: string): Promise<void> {
    await this.ctx.store.delete(K.pending(conv, id));
  }

  /** Remembers an outgoing message ID so its echo (other devices' view) is not shown twice. */
  async markSent(conv: string, messageId: string): Promise<void> {
    const c = (await this.ctx.store.getJson<Cursor>(K.cursor(conv))) ?? { seq: 0, recent: [] };
    c.recent = [...c.recent.filter((x) => x !== messageId), messageId].slice(-RECENT);
    await this.ctx.store.putJson(K.cursor(conv), c);
  }

  async cursor(conv: string): Promise<number> {
    return (await this.ctx.store.getJson<Cursor>(K.cursor(conv)))?.seq ?? 0;
  }

  /** Remembers the sequence of a message this device sent (the cursor counts received ones only). */
  async notePosition(conv: string, seq: number): Promise<void> {
    if (seq > (await this.position(conv))) await this.ctx.store.putJson(K.position(conv), seq);
  }

  /** The latest sequence this device knows of in a conversation (received or sent by it): where a local notice goes. */
  async position(conv: string): Promise<number> {
    const sent = (await this.ctx.store.getJson<number>(K.position(conv))) ?? 0;
    return Math.max(sent, await this.cursor(conv));
  }

  async get(conv: string, id: string): Promise<Message | undefined> {
    return this.ctx.store.getJson<Message>(K.msg(conv, id));
  }

  async list(conv: string): Promise<Message[]> {
    const out: Message[] = [];
    for (const key of await this.ctx.store.list(K.msgFolder(conv))) {
      const m = await this.ctx.store.getJson<Message>(key);
      if (m) out.push(m);
    }
    return out.sort((a, b) => a.seq - b.seq || a.sentAt - b.sentAt);
  }

  async put(m: Message): Promise<void> {
    await this.ctx.store.putJson(K.msg(m.conv, m.id), m);
    if (m.file) await this.ctx.store.putJson(K.file(m.file.fileId), { conv: m.conv, id: m.id });
    if (m.expiresAt) await this.schedule({ conv: m.conv, id: m.id, at: m.expiresAt, kind: 'expire' });
    if (m.burnAt) await this.schedule({ conv: m.conv, id: m.id, at: m.burnAt, kind: 'burn' });
  }

  async byFileId(fileId: string): Promise<Message | undefined> {
    const ref = await this.ctx.store.getJson<{ conv: string; id: string }>(K.file(fileId));
    return ref ? this.get(ref.conv, ref.id) : undefined;
  }

  /** Finds a message by ID in any conversation this device keeps. */
  async find(id: string): Promise<Message | undefined> {
    for (const key of await this.ctx.store.list('cursor/')) {
      const m = await this.get(key.slice('cursor/'.length), id);
      if (m) return m;
    }
    return undefined;
  }

  async delete(conv: string, id: string): Promise<boolean> {
    const m = await this.get(conv, id);
    await this.ctx.store.delete(K.msg(conv, id));
    await this.ctx.store.delete(K.timer(conv, id));
    if (m?.file) await this.ctx.store.delete(K.file(m.file.fileId));
    const t = this.timers.get(K.timer(conv, id));
    if (t) clearTimeout(t);
    this.timers.delete(K.timer(conv, id));
    return m !== undefined;
  }

  async forgetConversation(conv: string): Promise<void> {
    for (const key of await this.ctx.store.list(K.msgFolder(conv))) await this.delete(conv, key.slice(K.msgFolder(conv).length));
    await this.ctx.store.delete(K.cursor(conv));
    await this.ctx.store.delete(K.position(conv));
  }

  /** Persists and arms a deletion timer (the earlier of expiry and burn wins). */
  async schedule(t: TimerRecord): Promise<void> {
    const existing = await this.ctx.store.getJson<TimerRecord>(K.timer(t.conv, t.id));
    if (existing && existing.at <= t.at) return this.arm(existing);
    await this.ctx.store.putJson(K.timer(t.conv, t.id), t);
    this.arm(t);
  }

  /** Re-arms every stored timer (start-up); overdue ones fire now. */
  async restoreTimers(): Promise<void> {
    for (const key of await this.ctx.store.list('timers/')) {
      const t = await this.ctx.store.getJson<TimerRecord>(key);
      if (t) this.arm(t);
    }
  }

  private arm(t: TimerRecord): void {
    if (this.stopped) return;
    const key = K.timer(t.conv, t.id);
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    const delay = Math.max(0, t.at - this.ctx.now());
    const handle = setTimeout(() => {
      this.timers.delete(key);
      if (delay > MAX_DELAY) return this.arm(t);
      void this.fire(t);
    }, Math.min(delay, MAX_DELAY));
    (handle as { unref?: () => void }).unref?.();
    this.timers.set(key, handle);
  }

  private async fire(t: TimerRecord): Promise<void> {
    try {
      const existed = await this.delete(t.conv, t.id);
      if (!existed) return;
      this.ctx.logger.log('info', t.kind === 'burn' ? 'message.burned' : 'message.expired', { conv: t.conv, messageId: t.id });
      if (t.kind === 'burn') this.ctx.events.emit('burned', { conv: t.conv, messageId: t.id });
      else this.ctx.events.emit('expired', { conv: t.conv, messageIds: [t.id] });
    } catch (err) {
      this.ctx.events.emit('error', { code: 'internal', message: (err as Error).message, conv: t.conv, messageId: t.id });
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}

/** A kept record; stores written before edits and deletes were kept hold the bare message. */
function asReceived(r: Received | Message): Received {
  return 'kind' in r ? r : { kind: 'message', message: r };
}
