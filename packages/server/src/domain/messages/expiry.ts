// Message expiry: the moment a stored record stops being delivered to members' devices and the
// expiry job deletes it (docs/messaging.md, "Expiry"). A message expires at its own timer, else at
// the sender's security group maximum (maxTtl): the guide's expiration timer is a sender setting
// whose maximum every message obeys, so no member's message lives forever. Pure rules; the SQL that
// applies them stays in messages.ts.
import type { ConversationKind, Policy, SendMessage } from '@enclave/protocol';

/** The sender's group maximum in ms; null only for a group without a positive maximum (the admin API accepts none). */
export function groupMaxMs(policy: Pick<Policy, 'maxTtl'>): number | null {
  return Number.isInteger(policy.maxTtl) && policy.maxTtl > 0 ? policy.maxTtl * 1000 : null;
}

/**
 * A sent message's expiry (epoch ms, null: never): its timer when it has one (checked against the
 * maximum before), else the sender's group maximum. A pairwise record in a group or room without a
 * timer is a sender key distribution (the SDK sends content there as sender-key records): it keeps
 * no default expiry, because a device offline longer than the maximum would otherwise lose the key
 * to messages still alive (each distribution only decrypts what was sent after it).
 */
export function messageExpiry(msg: Pick<SendMessage, 'ttl' | 'kind'>, convKind: ConversationKind, policy: Pick<Policy, 'maxTtl'>, now: number): number | null {
  if (msg.ttl !== undefined) return now + msg.ttl * 1000;
  if (msg.kind === 'pw' && convKind !== 'dm') return null;
  const max = groupMaxMs(policy);
  return max === null ? null : now + max;
}

/**
 * A read receipt's expiry: as long as the longest-lived message it reports (never, when one of them
 * never expires); a receipt for messages no longer stored gets the reader's group maximum.
 */
export function receiptExpiry(reported: readonly (number | null)[], policy: Pick<Policy, 'maxTtl'>, now: number): number | null {
  if (reported.some((e) => e === null)) return null;
  if (reported.length > 0) return Math.max(...(reported as number[]));
  const max = groupMaxMs(policy);
  return max === null ? null : now + max;
}
