// Queuing mail durably. An invitation is a row written in the transaction of the admin call that
// created or reinvited the user, so a call that was acknowledged never loses its invitation: when
// the SMTP server is down the row waits and is retried (jobs/mail-sender.ts delivers the queue).
// Invitations are rendered when they are sent: the code and expiry mailed are the user's current
// ones, and nothing is sent to a user who registered or was deleted meanwhile.
import { randomUUID } from 'node:crypto';
import type { WriteTx } from '../../infra/db.js';
import { insertMail, supersedePendingInvitations } from './repo.js';

export interface InvitationToQueue {
  networkId: string;
  userId: number;
  email: string;
}

/**
 * Queues the invitation emails of these users, in the caller's transaction (BatchCreateUser,
 * BatchReinviteUser). For a reinvite, an invitation still waiting for the same user is superseded:
 * the user gets one email, with the current code. New users (`{ newUsers: true }`) have none.
 */
export async function enqueueInvitations(tx: WriteTx, users: readonly InvitationToQueue[], now: number, options: { newUsers?: boolean } = {}): Promise<void> {
  if (users.length === 0) return;
  const byNetwork = new Map<string, number[]>();
  if (!options.newUsers) for (const u of users) byNetwork.set(u.networkId, [...(byNetwork.get(u.networkId) ?? []), u.userId]);
  for (const [networkId, userIds] of byNetwork) await supersedePendingInvitations(tx, networkId, userIds, now);
  await insertMail(
    tx,
    users.map((u) => ({
      // Time-ordered, unique: also the Message-ID and the outbox file name.
      mail_id: `${now}-${randomUUID()}`,
      kind: 'invitation',
      recipient: u.email,
      network_id: u.networkId,
      user_id: u.userId,
      payload: '{}',
      state: 'pending',
      attempts: 0,
      next_attempt_at: now,
      lease_owner: null,
      lease_until: null,
      last_error: null,
      created_at: now,
      finished_at: null,
    })),
  );
}
