/**
 * schemas.ts — owns the validators for answers that have no named schema in wire.ts, composed from
 * the wire schemas (`{ members: Member[] }`, `{ code, expiresAt }`, ...). Keeps the SDK free of a
 * direct zod dependency: anything with `safeParse` is a Schema.
 */
import { Conversation, DeliveredMessage, DeviceInfo, Member, Policy } from '@enclave/protocol';
import type { Schema } from './http.js';

type Infer<S> = S extends Schema<infer T> ? T : never;

/** An object schema from field schemas (extra fields are dropped). */
export function obj<F extends Record<string, Schema<unknown>>>(fields: F): Schema<{ [K in keyof F]: Infer<F[K]> }> {
  return {
    safeParse(data: unknown) {
      if (typeof data !== 'object' || data === null) return { success: false };
      const out: Record<string, unknown> = {};
      for (const [k, s] of Object.entries(fields)) {
        const r = s.safeParse((data as Record<string, unknown>)[k]);
        if (!r.success) return { success: false };
        if (r.data !== undefined) out[k] = r.data;
      }
      return { success: true, data: out as { [K in keyof F]: Infer<F[K]> } };
    },
  };
}

export const num: Schema<number> = { safeParse: (d) => (typeof d === 'number' && Number.isFinite(d) ? { success: true, data: d } : { success: false }) };
export const str: Schema<string> = { safeParse: (d) => (typeof d === 'string' ? { success: true, data: d } : { success: false }) };
export const bool: Schema<boolean> = { safeParse: (d) => (typeof d === 'boolean' ? { success: true, data: d } : { success: false }) };
export function optional<T>(s: Schema<T>): Schema<T | undefined> {
  return { safeParse: (d) => (d === undefined || d === null ? { success: true, data: undefined } : s.safeParse(d)) };
}
export function arr<T>(s: Schema<T>): Schema<T[]> {
  return {
    safeParse(d) {
      if (!Array.isArray(d)) return { success: false };
      const out: T[] = [];
      for (const x of d) {
        const r = s.safeParse(x);
        if (!r.success) return { success: false };
        out.push(r.data);
      }
      return { success: true, data: out };
    },
  };
}

export const PrekeyCount = obj({ oneTimePrekeys: num });
/** PATCH /v1/me: the member with his new name. */
export const ProfileResponse = obj({ member: Member });
export const MeResponse = obj({ member: Member, deviceId: str, policy: Policy, devices: arr(DeviceInfo) });
export const DevicesResponse = obj({ devices: arr(DeviceInfo) });
export const DirectoryResponse = obj({ members: arr(Member) });
/** Devices as encryption targets (lookup answers list them like ConversationDevices). */
export const DeviceRefSchema = obj({ userId: num, deviceId: str, identitySignPub: str, identityDhPub: str });
export const LookupResponse = obj({ member: Member, devices: arr(DeviceRefSchema) });
export const ConversationsResponse = obj({ conversations: arr(Conversation) });
export const MessagesResponse = obj({ messages: arr(DeliveredMessage) });
/** A send's answer; expiresAt is the message's effective expiry (absent or null: never / an older server). */
export const SendResponse = obj({ seq: num, duplicate: bool, expiresAt: optional(num) });
export const ApprovalCode = obj({ code: str, expiresAt: num });
