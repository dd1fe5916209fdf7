// How the messenger names people and conversations: a member by name (or email), a DM by its peer,
// a room or group by its name.
import type { Conversation } from '@enclave/protocol';

export function conversationTitle(c: Conversation, myId: number, t: (k: 'conv.unnamed') => string): string {
  if (c.kind === 'room' || c.name) return c.name || t('conv.unnamed');
  const others = c.members.filter((m) => m.userId !== myId);
  return others.map((m) => memberName(m)).join(', ') || t('conv.unnamed');
}

export function memberName(m: { firstName: string; lastName: string; email: string }): string {
  return `${m.firstName} ${m.lastName}`.trim() || m.email;
}

export function dmPeer(c: Conversation, myId: number) {
  return c.kind === 'dm' ? c.members.find((m) => m.userId !== myId) : undefined;
}
