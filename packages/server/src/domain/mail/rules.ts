// Rules of mail that need no storage: the mail queue's timing (leases, retries with exponential
// backoff, how long finished rows are kept), which failures are the SMTP server's as a whole rather
// than one message's, and the invitation email's text and registration link.

/** How long a claimed row is reserved for the node that claimed it. Longer than any send (SMTP timeouts in infra/mailer.ts). */
export const MAIL_LEASE_MS = 5 * 60_000;
/** First retry after 2 s, doubling, at most every 15 minutes. */
export const MAIL_RETRY_BASE_MS = 2_000;
export const MAIL_RETRY_MAX_MS = 15 * 60_000;
/** Rows done with (sent, dropped, failed) are deleted this long after. */
export const MAIL_KEEP_MS = 7 * 24 * 60 * 60_000;
/** A row is sent only while at least this much of its lease is left (a send takes at most ~50 s: infra/mailer.ts). */
export const LEASE_MARGIN_MS = 2 * 60_000;

/** The wait before attempt `attempts + 1` when `attempts` attempts failed. */
export function retryDelay(attempts: number): number {
  return Math.min(MAIL_RETRY_MAX_MS, MAIL_RETRY_BASE_MS * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
}

/**
 * A failure of the SMTP server rather than of one message (connection refused or timed out, DNS,
 * TLS, authentication): the other messages of the batch would fail the same way.
 */
export function serverWide(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code !== undefined && ['ESOCKET', 'ECONNECTION', 'ETIMEDOUT', 'EDNS', 'ETLS', 'EAUTH', 'EPROXY', 'ECONNREFUSED'].includes(code);
}

/**
 * The SMTP server refused this recipient for good (5xx on RCPT): retrying cannot help. Any other
 * failure (connection, 4xx, authentication, a refused sender) is retried: it is likely fixed later.
 */
export function permanentFailure(err: unknown): boolean {
  const e = err as { permanent?: boolean; rejected?: string[] };
  return e.permanent === true && (e.rejected?.length ?? 0) > 0;
}

// ---------------------------------------------------------------------------------------------------
// The invitation email

/** The registration link of an invite code. */
export function invitationLink(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/app/register?code=${encodeURIComponent(code)}`;
}

/** `2025-01-07 13:45 UTC`: unambiguous in every locale. */
export function formatExpiry(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export interface InvitationContent {
  networkName: string;
  email: string;
  firstName: string;
  lastName: string;
  code: string;
  /** Epoch ms. */
  expiresAt: number;
  publicUrl: string;
}

/** The invitation email (English, plain text): who it is for, the link, the code and when it expires. */
export function renderInvitation(c: InvitationContent): { subject: string; text: string } {
  const name = `${c.firstName} ${c.lastName}`.trim();
  const link = invitationLink(c.publicUrl, c.code);
  const app = `${c.publicUrl.replace(/\/+$/, '')}/app/`;
  return {
    subject: `You are invited to join ${c.networkName} on Enclave`,
    text: [
      `Hello${name ? ` ${name}` : ''},`,
      '',
      `You have been invited to join the network "${c.networkName}" on Enclave, an end-to-end encrypted team messenger.`,
      `This invitation is for ${c.email}.`,
      '',
      'To register, open this link:',
      '',
      link,
      '',
      `Or open ${app} , choose Register, and enter your email address and this invite code:`,
      '',
      `    ${c.code}`,
      '',
      `The invite code expires on ${formatExpiry(c.expiresAt)}. After that, ask your administrator to send a new invitation.`,
      '',
      'If you did not expect this invitation, you can ignore this email.',
      '',
    ].join('\n'),
  };
}
