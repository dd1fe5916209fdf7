/**
 * events.ts — owns the bot events sent to the SNS topic (WICKRIO_SNS_TOPIC_ARN / sns_topic_arn):
 * the guide's JSON (complianceBot, dateTime, device, dockerImage, dockerTag, message,
 * notificationType "Bot Event", severity normal|critical, versions for updates) and the guide's
 * event messages. Every event is also logged. Publishing failures are logged, never thrown.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { awsErrorText } from './aws.js';
import type { BotLog } from './logs.js';

export type Severity = 'normal' | 'critical';

/** The guide's event messages (English originals of the guide's tables). */
export const EVENT_TEXT = {
  loggedIn: 'Logged in',
  shuttingDown: 'Shutting down',
  deviceAdded: 'A device has been added to this account!',
  updates: 'There are updates available',
  badCredentials: 'Bad credentials. Check password.',
  userNotFound: 'User not found.',
  suspendedLogin: 'Account or device is suspended.',
  userExited: 'User exited command.',
  configPassword: 'Bad password for config.wickr file.',
  configUnreadable: 'Cannot read config.wickr file.',
  allFailed: 'All logins failed.',
  newUserDbExists: 'New user but database already exists.',
  deviceSuspended: 'Device suspended!',
  adminSuspend: (code: string, reason: string) => `WickrIOClientMain::slotAdminUserSuspend: code(${code}): reason: ${reason}`,
  watchdog: (minutes: number) => `SwitchBoard system is down for more than ${minutes} minutes`,
  s3Failure: (file: string, error: string) => `Failed to put file ${file} on S3 bucket. Error: ${error}`,
} as const;

export interface BotEvent {
  complianceBot: string;
  dateTime: string;
  device: string;
  dockerImage: string;
  dockerTag: string;
  message: string;
  notificationType: 'Bot Event';
  severity: Severity;
  versions?: string[];
}

export interface EventIdentity {
  botName: string;
  device: string;
  dockerImage: string;
  dockerTag: string;
}

/** The guide's dateTime: UTC, seconds, no zone suffix ("2022-10-12T13:05:39"). */
export const eventDateTime = (ms: number): string => new Date(ms).toISOString().slice(0, 19);

export function buildEvent(id: EventIdentity, message: string, severity: Severity, now: number, versions?: string[]): BotEvent {
  return {
    complianceBot: id.botName,
    dateTime: eventDateTime(now),
    device: id.device,
    dockerImage: id.dockerImage,
    dockerTag: id.dockerTag,
    message,
    notificationType: 'Bot Event',
    severity,
    ...(versions ? { versions } : {}),
  };
}

export class Events {
  private pending = new Set<Promise<void>>();
  private chain: Promise<void> = Promise.resolve();
  /** Every event built, newest last (for tests and the status line). */
  readonly sent: BotEvent[] = [];

  constructor(
    private readonly id: EventIdentity,
    private readonly log: BotLog,
    private readonly sns?: { client: SNSClient; topicArn: string },
    private readonly now: () => number = Date.now,
  ) {}

  emit(message: string, severity: Severity, versions?: string[]): void {
    const evt = buildEvent(this.id, message, severity, this.now(), versions);
    this.sent.push(evt);
    if (this.sent.length > 100) this.sent.shift();
    this.log.log(severity === 'critical' ? 'error' : 'info', 'event', { message, severity });
    if (!this.sns) return;
    const { client, topicArn } = this.sns;
    // One at a time, so subscribers see the events in the order they happened.
    const p = this.chain
      .then(() => client.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(evt) })))
      .then(
        () => undefined,
        (err: unknown) => this.log.log('warn', 'sns.publish_failed', { error: awsErrorText(err) }),
      )
      .finally(() => this.pending.delete(p));
    this.chain = p;
    this.pending.add(p);
  }

  /** Waits for the events in flight (shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
