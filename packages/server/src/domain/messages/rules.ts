// Rules of message records that need no storage: which records a device is shown, and a stored
// record as the wire's DeliveredMessage.
import type { DeliveredMessage } from '@enclave/protocol';

type Row = { seq: number; message_id: string; kind: string; sender_user_id: number; sender_device_id: string; sent_at: number; expires_at: number | null; bor: number | null; body: string; files: string; part: string | null };

/**
 * Is a stored record hidden from a device? Members' devices never get a message past its expiry or
 * one deleted for everyone; a data retention device gets both (they are kept for it until it has
 * them: see collectExpired), so what was said reaches the archive whatever happened to it since.
 */
export function hiddenFrom(r: { expires_at: number | null; deleted_at: number | null }, now: number, retention: boolean): boolean {
  if (retention) return false;
  return r.deleted_at !== null || (r.expires_at !== null && r.expires_at <= now);
}

export function toDelivered(convId: string, r: Row): DeliveredMessage {
  return {
    conv: convId,
    seq: r.seq,
    messageId: r.message_id,
    kind: r.kind as DeliveredMessage['kind'],
    senderUserId: r.sender_user_id,
    senderDeviceId: r.sender_device_id,
    sentAt: r.sent_at,
    expiresAt: r.expires_at,
    bor: r.bor,
    body: r.kind === 'pw' ? (r.part ?? '') : r.body,
    files: JSON.parse(r.files) as string[],
  };
}
