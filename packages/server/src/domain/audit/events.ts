// CloudTrail records of admin API calls, laid out field for field as the guide's examples
// (了解 Wickr 日誌檔案項目): eventVersion 1.08, userIdentity, eventTime, eventSource wickr.amazonaws.com,
// eventName, awsRegion, sourceIPAddress, userAgent, [errorCode, errorMessage], requestParameters,
// responseElements, requestID, eventID, readOnly, eventType, managementEvent, recipientAccountId,
// eventCategory. Parameters and responses are redacted (redact.ts) before they are recorded.
import { randomUUID } from 'node:crypto';
import { redact, redactByName } from './redact.js';

export { REDACTED, redact, redactByName, isSecretName } from './redact.js';

export const EVENT_VERSION = '1.08';
export const EVENT_SOURCE = 'wickr.amazonaws.com';

export type IdentityType = 'Root' | 'IAMUser' | 'AssumedRole' | 'Unknown';

export interface SessionIssuer {
  type: string;
  principalId: string;
  arn: string;
  accountId: string;
  userName: string;
}

export interface CloudTrailUserIdentity {
  type: IdentityType;
  principalId: string;
  arn: string;
  accountId: string;
  accessKeyId: string;
  userName?: string;
  sessionContext?: {
    /** The role an AssumedRole session was issued for; {} for a user's console session, as CloudTrail. */
    sessionIssuer: SessionIssuer | Record<string, never>;
    webIdFederationData: Record<string, never>;
    attributes: { creationDate: string; mfaAuthenticated: 'true' | 'false' };
  };
}

export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: CloudTrailUserIdentity;
  /** ISO 8601 UTC to the second: 2023-03-10T08:19:24Z. */
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: unknown;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  eventType: 'AwsApiCall';
  managementEvent: true;
  recipientAccountId: string;
  eventCategory: 'Management';
}

export interface BuildEventInput {
  account: string;
  region: string;
  eventName: string;
  readOnly: boolean;
  /** Epoch milliseconds. */
  eventTime: number;
  requestId: string;
  eventId?: string;
  sourceIp: string;
  userAgent: string;
  identity: {
    type: IdentityType;
    principalId: string;
    arn: string;
    accountId: string;
    accessKeyId: string;
    userName?: string;
    /** Console sessions (and assumed roles): when the session began and whether MFA was used. */
    session?: { creationDate: number; mfaAuthenticated: boolean; issuer?: SessionIssuer };
  };
  /** The operation's model input shape and the bound input; redacted by the model. */
  operationInput?: { shape: string; value: unknown };
  /** Parameters without a model shape (used when operationInput is absent); redacted by name. */
  requestParameters?: Record<string, unknown>;
  responseElements?: unknown;
  /** The model output shape of responseElements; without it the name rule alone applies. */
  outputShape?: string;
  errorCode?: string;
  errorMessage?: string;
}

/** 2023-03-10T08:19:24Z: ISO 8601 UTC, seconds precision, as CloudTrail writes times. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Members whose CloudTrail name differs from the model member: the AWS tagging operations log the
 * URI label as `resource-arn` (the guide's TagResource and ListTagsForResource records).
 */
const PARAMETER_NAMES: Record<string, Record<string, string>> = {
  TagResourceRequest: { resourceArn: 'resource-arn' },
  UntagResourceRequest: { resourceArn: 'resource-arn' },
  ListTagsForResourceRequest: { resourceArn: 'resource-arn' },
};

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);
}

/** Drops undefined members (JSON would) and renames members as CloudTrail names them. */
function requestParametersOf(input: BuildEventInput): Record<string, unknown> | null {
  let params: unknown;
  let renames: Record<string, string> = {};
  if (input.operationInput) {
    params = redact(input.operationInput.shape, input.operationInput.value);
    renames = PARAMETER_NAMES[input.operationInput.shape] ?? {};
  } else if (input.requestParameters) {
    params = redactByName(input.requestParameters);
  }
  if (isEmpty(params) || typeof params !== 'object' || Array.isArray(params)) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
    if (v !== undefined) out[renames[k] ?? k] = v;
  }
  return Object.keys(out).length ? out : null;
}

function responseElementsOf(input: BuildEventInput): unknown {
  // As CloudTrail: no response for read-only calls (their answers would flood the trail) nor for
  // failed calls (errorCode and errorMessage say what happened).
  if (input.readOnly || input.errorCode !== undefined || isEmpty(input.responseElements)) return null;
  const v = input.outputShape ? redact(input.outputShape, input.responseElements) : redactByName(input.responseElements);
  return isEmpty(v) ? null : JSON.parse(JSON.stringify(v)) as unknown;
}

function userIdentityOf(identity: BuildEventInput['identity']): CloudTrailUserIdentity {
  const out: CloudTrailUserIdentity = {
    type: identity.type,
    principalId: identity.principalId,
    arn: identity.arn,
    accountId: identity.accountId,
    accessKeyId: identity.accessKeyId,
  };
  if (identity.userName !== undefined) out.userName = identity.userName;
  if (identity.session) {
    out.sessionContext = {
      sessionIssuer: identity.session.issuer ? { ...identity.session.issuer } : {},
      webIdFederationData: {},
      attributes: {
        creationDate: isoSeconds(identity.session.creationDate),
        mfaAuthenticated: identity.session.mfaAuthenticated ? 'true' : 'false',
      },
    };
  }
  return out;
}

/** One CloudTrail record of an admin API call. Keys are in the guide's order. */
export function buildEvent(input: BuildEventInput): CloudTrailRecord {
  const failed = input.errorCode !== undefined;
  const record: CloudTrailRecord = {
    eventVersion: EVENT_VERSION,
    userIdentity: userIdentityOf(input.identity),
    eventTime: isoSeconds(input.eventTime),
    eventSource: EVENT_SOURCE,
    eventName: input.eventName,
    awsRegion: input.region,
    sourceIPAddress: input.sourceIp,
    userAgent: input.userAgent,
    ...(failed ? { errorCode: input.errorCode } : {}),
    ...(failed && input.errorMessage !== undefined ? { errorMessage: input.errorMessage } : {}),
    requestParameters: JSON.parse(JSON.stringify(requestParametersOf(input))) as Record<string, unknown> | null,
    responseElements: responseElementsOf(input),
    requestID: input.requestId,
    eventID: input.eventId ?? randomUUID(),
    readOnly: input.readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: input.account,
    eventCategory: 'Management',
  };
  return record;
}
