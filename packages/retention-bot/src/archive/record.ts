/**
 * archive/record.ts — owns the archive's record format: one JSON object per line for each message
 * (text, file, location), edit, delete for everyone, and message the bot could not decrypt; and the
 * record key that de-duplicates it (the message ID for messages). Pure.
 */
import { createHash } from 'node:crypto';
import type { Message, Received } from '@enclave/client';

type Of<K extends Received['kind']> = Extract<Received, { kind: K }>;

export const RECORD_VERSION = 1;

export interface AttachmentInfo {
  fileId: string;
  name: string;
  mime: string;
  size: number;
  /** SHA-256 (hex) of the saved plaintext. */
  sha256?: string;
  /** File name under WICKRIO_COMP_FILEDEST (and the S3 key's last part). */
  file?: string;
  saved: boolean;
  error?: string;
}

export interface ArchiveRecord {
  version: number;
  type: 'text' | 'file' | 'location' | 'edit' | 'delete' | 'undecryptable';
  messageId: string;
  /** An edit's own message ID (`messageId` is the message it changes). */
  editId?: string;
  network: string;
  conversation: { id: string; seq?: number };
  sender?: { userId: number; deviceId: string; email?: string };
  sentAt?: string;
  receivedAt?: string;
  archivedAt: string;
  text?: string;
  replyTo?: string;
  forwarded?: boolean;
  edited?: string;
  expiresAt?: string;
  bor?: number;
  location?: { latitude: number; longitude: number; accuracy?: number };
  attachment?: AttachmentInfo;
  by?: number;
  error?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function messageRecord(m: Message, network: string, archivedAt: number, attachment?: AttachmentInfo): ArchiveRecord {
  const type = m.file ? 'file' : m.location ? 'location' : 'text';
  return {
    version: RECORD_VERSION,
    type,
    messageId: m.id,
    network,
    conversation: { id: m.conv, seq: m.seq },
    sender: senderOf(m.sender),
    sentAt: iso(m.sentAt),
    receivedAt: iso(m.receivedAt),
    archivedAt: iso(archivedAt),
    ...(m.text !== undefined ? { text: m.text } : {}),
    ...(m.replyTo ? { replyTo: m.replyTo } : {}),
    ...(m.forwarded ? { forwarded: true } : {}),
    ...(m.edited ? { edited: iso(m.edited) } : {}),
    ...(m.expiresAt ? { expiresAt: iso(m.expiresAt) } : {}),
    ...(m.bor ? { bor: m.bor } : {}),
    ...(m.location ? { location: m.location } : {}),
    ...(attachment ? { attachment } : {}),
  };
}

export function editRecord(e: Of<'edit'>, network: string, archivedAt: number): ArchiveRecord {
  return {
    version: RECORD_VERSION,
    type: 'edit',
    messageId: e.target,
    editId: e.id,
    network,
    conversation: { id: e.conv, seq: e.seq },
    sender: senderOf(e.sender),
    receivedAt: iso(e.receivedAt),
    edited: iso(e.edited),
    archivedAt: iso(archivedAt),
    text: e.text,
  };
}

export function deleteRecord(e: Of<'delete'>, network: string, archivedAt: number): ArchiveRecord {
  return { version: RECORD_VERSION, type: 'delete', messageId: e.target, network, conversation: { id: e.conv, seq: e.seq }, by: e.by, receivedAt: iso(e.receivedAt), archivedAt: iso(archivedAt) };
}

export function undecryptableRecord(e: Of<'undecryptable'>, network: string, archivedAt: number): ArchiveRecord {
  return { version: RECORD_VERSION, type: 'undecryptable', messageId: e.id, network, conversation: { id: e.conv, seq: e.seq }, sender: senderOf(e.sender), receivedAt: iso(e.receivedAt), error: e.code, archivedAt: iso(archivedAt) };
}

function senderOf(s: Message['sender']): NonNullable<ArchiveRecord['sender']> {
  return { userId: s.userId, deviceId: s.deviceId, ...(s.email ? { email: s.email } : {}) };
}

/**
 * The de-duplication key: the message ID for messages, an edit's own ID (archives written before edits
 * carried it: target and text), the target for deletes.
 */
export function recordKey(r: Pick<ArchiveRecord, 'type' | 'messageId' | 'text' | 'editId'>): string {
  switch (r.type) {
    case 'edit':
      return r.editId ? `edit:${r.editId}` : `edit:${r.messageId}:${createHash('sha256').update(r.text ?? '').digest('hex').slice(0, 16)}`;
    case 'delete':
      return `delete:${r.messageId}`;
    case 'undecryptable':
      return `undecryptable:${r.messageId}`;
    default:
      return r.messageId;
  }
}

/** The key of a stored line (crash recovery); undefined for a line that is not a record. */
export function keyOfLine(line: string): string | undefined {
  try {
    const r = JSON.parse(line) as ArchiveRecord;
    return typeof r.messageId === 'string' ? recordKey(r) : undefined;
  } catch {
    return undefined;
  }
}

/** A file name safe on every filesystem: `<messageId>-<name>` with unsafe characters replaced. */
export function attachmentFileName(messageId: string, name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 120) || 'file';
  return `${messageId}-${safe}`;
}
