// Outgoing email (invitations, device approval codes, password reset links). Two transports behind
// one interface: SMTP through nodemailer when ENCLAVE_SMTP_URL is set, otherwise .eml files in
// <dataDir>/outbox that the operator (or a developer) can read. Invitations reach a transport
// through the durable mail queue (mailQueue.ts); device codes and reset links are sent directly
// while their requester waits (see docs/messaging.md, "Invitations and mail").
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createTransport } from 'nodemailer';
import type { SmtpSettings } from '../kernel/config.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /**
   * A stable ID for this message (the mail queue's row ID). It becomes the Message-ID, and the outbox
   * file name, so delivering the same queued message again replaces the file instead of adding one.
   */
  id?: string;
}

export interface Mailer {
  /** 'outbox' when nothing leaves the machine (the development default). */
  readonly kind: 'smtp' | 'outbox';
  send(mail: Mail): Promise<void>;
  close?(): Promise<void>;
}

const DEFAULT_FROM = 'Enclave <no-reply@localhost>';

/** The domain of a From address (`Name <a@b>` or `a@b`), for Message-IDs. */
function fromDomain(from: string): string {
  const address = /<([^>]+)>\s*$/.exec(from)?.[1] ?? from;
  return address.slice(address.lastIndexOf('@') + 1) || 'localhost';
}

/** One header line: no CR/LF can end the header early. */
const headerValue = (v: string) => v.replace(/[\r\n]+/g, ' ');

export class OutboxMailer implements Mailer {
  readonly kind = 'outbox' as const;

  constructor(
    readonly dir: string,
    private readonly from = DEFAULT_FROM,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  async send(mail: Mail): Promise<void> {
    const id = mail.id ?? `${Date.now()}-${randomUUID()}`;
    const body = [
      `From: ${headerValue(this.from)}`,
      `To: ${headerValue(mail.to)}`,
      `Subject: ${headerValue(mail.subject)}`,
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <${id}@${fromDomain(this.from)}>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      mail.text.replace(/\r?\n/g, '\r\n'),
      '',
    ].join('\r\n');
    const tmp = join(this.dir, `.${id}.tmp`);
    writeFileSync(tmp, body, { mode: 0o600 });
    renameSync(tmp, join(this.dir, `${id}.eml`));
  }
}

/** Delivery through an SMTP server (smtp:// with STARTTLS when offered, or smtps://). One connection per message. */
export class SmtpMailer implements Mailer {
  readonly kind = 'smtp' as const;
  readonly #transport: ReturnType<typeof createTransport>;

  constructor(
    settings: SmtpSettings,
    private readonly from = DEFAULT_FROM,
  ) {
    this.#transport = createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      ...(settings.user !== undefined ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
      // Bounded waits: a stuck server costs a retry, never a lease (mailQueue.ts) or a request.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      // Messages are plain text built here; nothing is ever read from files or URLs.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async send(mail: Mail): Promise<void> {
    await this.#transport.sendMail({
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      ...(mail.id ? { messageId: `<${mail.id}@${fromDomain(this.from)}>` } : {}),
    });
  }

  async close(): Promise<void> {
    this.#transport.close();
  }
}

/** The transport the configuration asks for. */
export function openMailer(config: { smtp: SmtpSettings | undefined; outboxDir: string; mailFrom: string }): Mailer {
  return config.smtp ? new SmtpMailer(config.smtp, config.mailFrom) : new OutboxMailer(config.outboxDir, config.mailFrom);
}
