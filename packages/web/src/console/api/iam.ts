// The /iam API (docs/iam.md): POST /iam/<Action> with the action's members as JSON.
import { request } from './http';

export function iam<T = Record<string, unknown>>(action: string, input: Record<string, unknown> = {}): Promise<T> {
  return request<T>('POST', `/iam/${action}`, { body: input });
}

/** Reads every page of a list action (Marker / IsTruncated): the items under `key`. */
export async function listAllIam<T>(action: string, key: string, input: Record<string, unknown> = {}): Promise<T[]> {
  const items: T[] = [];
  let Marker: string | undefined;
  do {
    const out = await iam<Record<string, unknown>>(action, { ...input, MaxItems: 1000, ...(Marker ? { Marker } : {}) });
    items.push(...((out[key] as T[] | undefined) ?? []));
    Marker = out.IsTruncated ? (out.Marker as string) : undefined;
  } while (Marker);
  return items;
}

export interface IamUser {
  UserName: string;
  UserId: string;
  Arn: string;
  Path: string;
  CreateDate: string;
  PasswordLastUsed?: string;
}
export interface AccessKeyMeta {
  UserName: string;
  AccessKeyId: string;
  Status: 'Active' | 'Inactive';
  CreateDate: string;
}
export interface ManagedPolicy {
  PolicyName: string;
  PolicyId: string;
  Arn: string;
  Path: string;
  DefaultVersionId: string;
  AttachmentCount: number;
  IsAttachable?: boolean;
  Description?: string;
  CreateDate: string;
  UpdateDate: string;
}
export interface PolicyVersion {
  VersionId: string;
  IsDefaultVersion: boolean;
  CreateDate: string;
  Document?: string;
}
export interface AttachedPolicy {
  PolicyName: string;
  PolicyArn: string;
}
export interface ValidatePolicyResult {
  Valid: boolean;
  Errors: { Statement?: number; Message: string }[];
  Warnings: { Message: string }[];
}

/** An enabled virtual MFA device (ListMFADevices lists none until ConfirmMFADevice). */
export interface MfaDevice {
  UserName: string;
  SerialNumber: string;
  EnableDate: string;
}

export function listMfaDevices(userName: string): Promise<MfaDevice[]> {
  return iam<{ MFADevices?: MfaDevice[] }>('ListMFADevices', { UserName: userName }).then((o) => o.MFADevices ?? []);
}
