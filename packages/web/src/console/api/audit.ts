// CloudTrail LookupEvents over the account's trail (docs/audit.md).
import { request } from './http';

export interface AuditEvent {
  eventTime: string;
  eventName: string;
  eventSource: string;
  eventID: string;
  readOnly: boolean;
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  userIdentity?: { type?: string; arn?: string; userName?: string; accessKeyId?: string };
  [key: string]: unknown;
}

export interface LookupInput {
  startTime?: string;
  endTime?: string;
  eventName?: string;
  principalArn?: string;
  readOnly?: boolean;
  maxResults?: number;
  nextToken?: string;
}

export function lookupEvents(input: LookupInput): Promise<{ events: AuditEvent[]; nextToken?: string }> {
  return request('POST', '/audit/LookupEvents', { body: input });
}
