// Outgoing email (invitations, device approval codes, password reset links). The embedded default
// writes each message as an .eml file to <dataDir>/outbox, which the operator can read (and the dev
// log mentions); SMTP delivery plugs in behind the same interface.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export class OutboxMailer implements Mailer {
  constructor(
    readonly dir: string,
    private readonly from = 'Enclave <no-reply@enclave.invalid>',
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  async send(mail: Mail): Promise<void> {
    const id = `${Date.now()}-${randomUUID()}`;
    const body = [
      `From: ${this.from}`,
      `To: ${mail.to}`,
      `Subject: ${mail.subject}`,
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <${id}@enclave>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      mail.text,
      '',
    ].join('\r\n');
    const tmp = join(this.dir, `.${id}.tmp`);
    writeFileSync(tmp, body, { mode: 0o600 });
    renameSync(tmp, join(this.dir, `${id}.eml`));
  }
}
