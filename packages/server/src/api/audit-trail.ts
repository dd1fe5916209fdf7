// Builds the CloudTrail record (audit/events.ts) of every call: admin operations, /iam actions and
// console sign-ins — allowed, denied or failed, read-only or not. Where it is written is the
// AuditWriter's business (audit/writer.ts).
import type { FastifyRequest } from 'fastify';
import { buildEvent, type BuildEventInput } from '../domain/audit/events.js';
import type { CloudTrailRecord } from '../domain/audit/events.js';
import { AccessDeniedError, ApiError } from '../kernel/errors.js';
import type { Authenticated } from '../kernel/authenticate.js';
import type { Principal } from '../kernel/actor.js';
import type { ErrorShape } from '../kernel/errors.js';
import type { SignInAttempt } from '../domain/console-sessions/sessions.js';

/** What the /iam API reports about each call that got past authentication (for the audit trail). */
export interface IamAuditEvent {
  eventSource: 'iam.amazonaws.com';
  eventName: string;
  /** Epoch milliseconds. */
  eventTime: number;
  requestId: string;
  readOnly: boolean;
  principal: Principal;
  accessKeyId: string | undefined;
  sourceIp: string;
  userAgent: string | undefined;
  /** The resource the call was authorized against. */
  resource: string;
  /** The input without secrets (passwords, MFA codes). */
  requestParameters: Record<string, unknown> | null;
  /** The answer of a successful mutating call, without secrets (secret keys, MFA seeds); null otherwise. */
  responseElements: Record<string, unknown> | null;
  /** The error shape (e.g. ForbiddenError) and message of a failed call. */
  errorCode?: string;
  errorMessage?: string;
}

/** One audit record for a sign-in or sign-out (sessionRecord maps it onto a CloudTrail record). */
export interface SessionAuditEvent extends Omit<SignInAttempt, 'error'> {
  eventName: 'CreateAdminSession' | 'DeleteAdminSession';
  requestId: string;
  userAgent: string;
  /** Epoch ms of the session's sign-in (CloudTrail sessionContext.attributes.creationDate). */
  sessionCreationDate?: number;
  error?: { code: ErrorShape; message: string };
}


export interface CallRecord {
  eventName: string;
  readOnly: boolean;
  at: number;
  region: string;
  request: FastifyRequest;
  auth: Authenticated;
  inputShape?: string | undefined;
  input?: Record<string, unknown> | undefined;
  error?: unknown;
}

function identityOf(auth: Authenticated): BuildEventInput['identity'] {
  const p = auth.principal;
  const type = p.kind === 'Root' ? 'Root' : p.kind === 'IAMUser' ? 'IAMUser' : 'Unknown';
  return {
    type,
    principalId: p.principalId,
    arn: p.arn,
    accountId: p.accountId,
    accessKeyId: auth.accessKeyId ?? '',
    ...(type === 'IAMUser' ? { userName: p.name } : {}),
    ...(auth.session ? { session: auth.session } : {}),
  };
}

/** The CloudTrail errorCode of a failure: AccessDenied for authorization denials, else the error shape. */
export function errorCodeOf(err: unknown): { code: string; message: string } {
  if (err instanceof AccessDeniedError) return { code: 'AccessDenied', message: err.message };
  if (err instanceof ApiError) return { code: err.shape, message: err.message };
  return { code: 'InternalServerError', message: 'An internal error occurred.' };
}

/** The CloudTrail record of an admin call. */
export function callRecord(c: CallRecord): CloudTrailRecord {
  const failure = c.error === undefined ? undefined : errorCodeOf(c.error);
  const userAgent = c.request.headers['user-agent'];
  return buildEvent({
    account: c.auth.principal.accountId,
    region: c.region,
    eventName: c.eventName,
    readOnly: c.readOnly,
    eventTime: c.at,
    requestId: c.request.id,
    sourceIp: c.request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent : '',
    identity: identityOf(c.auth),
    ...(c.input !== undefined && c.inputShape ? { operationInput: { shape: c.inputShape, value: c.input } } : {}),
    // Wickr's CloudTrail records carry no response elements (the guide's CreateNetwork and
    // UpdateNetworkDetails examples show "responseElements": null); the request is what is audited.
    // IAM and sign-in records, below, keep theirs as AWS does.
    ...(failure ? { errorCode: failure.code, errorMessage: failure.message } : {}),
  });
}

/** The record of a console sign-in or sign-out (CreateAdminSession, DeleteAdminSession). */
export function sessionRecord(region: string, e: SessionAuditEvent): CloudTrailRecord {
  const p = e.principal;
  return buildEvent({
    account: e.accountId,
    region,
    eventName: e.eventName,
    readOnly: false,
    eventTime: e.eventTime,
    requestId: e.requestId,
    sourceIp: e.sourceIp,
    userAgent: e.userAgent,
    identity: p
      ? {
          type: p.kind === 'IAMUser' ? 'IAMUser' : p.kind === 'Root' ? 'Root' : 'Unknown',
          principalId: p.principalId,
          arn: p.arn,
          accountId: p.accountId,
          accessKeyId: e.accessKeyId ?? '',
          userName: p.name,
          ...(e.sessionCreationDate !== undefined ? { session: { creationDate: e.sessionCreationDate, mfaAuthenticated: e.mfaAuthenticated } } : {}),
        }
      : { type: 'Unknown', principalId: '', arn: '', accountId: e.accountId, accessKeyId: '', userName: e.userName },
    requestParameters: { userName: e.userName, mfaUsed: e.mfaAuthenticated ? 'Yes' : 'No' },
    ...(e.error ? { errorCode: e.error.code, errorMessage: e.error.message } : { responseElements: { ConsoleLogin: 'Success' } }),
  });
}

/** The record of a call of the /iam API (eventSource iam.amazonaws.com). */
export function iamRecord(region: string, e: IamAuditEvent): CloudTrailRecord {
  const p = e.principal;
  const record = buildEvent({
    account: p.accountId,
    region,
    eventName: e.eventName,
    readOnly: e.readOnly,
    eventTime: e.eventTime,
    requestId: e.requestId,
    sourceIp: e.sourceIp,
    userAgent: e.userAgent ?? '',
    identity: {
      type: p.kind === 'IAMUser' ? 'IAMUser' : p.kind === 'Root' ? 'Root' : 'Unknown',
      principalId: p.principalId,
      arn: p.arn,
      accountId: p.accountId,
      accessKeyId: e.accessKeyId ?? '',
      ...(p.kind === 'IAMUser' ? { userName: p.name } : {}),
    },
    ...(e.requestParameters ? { requestParameters: e.requestParameters } : {}),
    ...(e.responseElements && !e.readOnly && !e.errorCode ? { responseElements: e.responseElements } : {}),
    ...(e.errorCode ? { errorCode: e.errorCode, errorMessage: e.errorMessage ?? '' } : {}),
  });
  return { ...record, eventSource: e.eventSource };
}
