// Verifies AWS Signature Version 4 on incoming admin requests (header form,
// `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`).
// The signature is recomputed with the AWS signer (@smithy/signature-v4) from the request exactly as
// received: raw path, decoded query, the headers the client signed, and the payload hash. Signatures are
// compared in constant time. This module never logs a secret or a signature.
import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { sha256Hex } from './ids.js';

export const MAX_SKEW_MS = 15 * 60 * 1000;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export interface SignedRequest {
  method: string;
  /** Path and query exactly as received, e.g. `/networks/12345678/users?maxResults=10`. */
  rawUrl: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | undefined;
  /** True when the request arrived over TLS (UNSIGNED-PAYLOAD is only accepted then). */
  secure: boolean;
}

export type SigV4Failure = {
  ok: false;
  /** 401: no usable credentials; 403: credentials present but the signature does not hold. */
  kind: 'missing' | 'unknownKey' | 'invalid';
  message: string;
  accessKeyId?: string;
};
export type SigV4Result = { ok: true; accessKeyId: string } | SigV4Failure;

export interface Credential {
  secretAccessKey: string;
}

export interface VerifyOptions {
  region: string;
  service: string;
  now: number;
  lookup: (accessKeyId: string) => Promise<Credential | undefined>;
}

const AUTH_RE = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;

function header(headers: SignedRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Splits a raw query string into decoded key → values, as the signer expects it. */
export function parseRawQuery(rawQuery: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!rawQuery) return out;
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = safeDecode(eq < 0 ? part : part.slice(0, eq));
    const v = eq < 0 ? '' : safeDecode(part.slice(eq + 1));
    (out[k] ??= []).push(v);
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, se!);
}

export async function verifySigV4(req: SignedRequest, opts: VerifyOptions): Promise<SigV4Result> {
  const authorization = header(req.headers, 'authorization');
  if (!authorization) return { ok: false, kind: 'missing', message: 'Missing Authentication Token' };
  const m = AUTH_RE.exec(authorization.trim());
  if (!m) {
    return { ok: false, kind: 'missing', message: 'Authorization header requires Credential, SignedHeaders and Signature (AWS4-HMAC-SHA256).' };
  }
  const [, credential, signedHeadersRaw, signature] = m as unknown as [string, string, string, string];
  const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator, ...rest] = credential.split('/');
  if (!accessKeyId || !scopeDate || !scopeRegion || !scopeService || terminator !== 'aws4_request' || rest.length) {
    return { ok: false, kind: 'missing', message: 'Credential should be scoped to a valid region, service and aws4_request.' };
  }
  const amzDate = header(req.headers, 'x-amz-date');
  const signingTime = amzDate ? parseAmzDate(amzDate) : undefined;
  if (signingTime === undefined) {
    return { ok: false, kind: 'invalid', accessKeyId, message: 'The request must carry a valid X-Amz-Date header (YYYYMMDDTHHMMSSZ).' };
  }
  if (amzDate!.slice(0, 8) !== scopeDate) {
    return { ok: false, kind: 'invalid', accessKeyId, message: `Credential should be scoped to a valid date: ${amzDate!.slice(0, 8)}.` };
  }
  if (scopeRegion !== opts.region) {
    return { ok: false, kind: 'invalid', accessKeyId, message: `Credential should be scoped to a valid region, not '${scopeRegion}'. Expected '${opts.region}'.` };
  }
  if (scopeService !== opts.service) {
    return { ok: false, kind: 'invalid', accessKeyId, message: `Credential should be scoped to correct service: '${opts.service}'.` };
  }
  if (Math.abs(opts.now - signingTime) > MAX_SKEW_MS) {
    return {
      ok: false,
      kind: 'invalid',
      accessKeyId,
      message: `Signature expired: ${amzDate} is now earlier or later than the server time allows (15 minutes).`,
    };
  }
  const signedHeaders = signedHeadersRaw.split(';');
  if (!signedHeaders.includes('host')) {
    return { ok: false, kind: 'invalid', accessKeyId, message: "'Host' must be a signed header." };
  }
  for (const h of signedHeaders) {
    if (header(req.headers, h) === undefined) {
      return { ok: false, kind: 'invalid', accessKeyId, message: `Signed header '${h}' is missing from the request.` };
    }
  }

  // The payload: a signed x-amz-content-sha256 must match the body; UNSIGNED-PAYLOAD only over TLS.
  const body = req.body ?? Buffer.alloc(0);
  const contentSha = header(req.headers, 'x-amz-content-sha256');
  if (contentSha !== undefined) {
    if (contentSha === UNSIGNED_PAYLOAD) {
      if (!req.secure) {
        return { ok: false, kind: 'invalid', accessKeyId, message: 'UNSIGNED-PAYLOAD is only accepted over HTTPS.' };
      }
    } else if (contentSha.toLowerCase() !== sha256Hex(body)) {
      return { ok: false, kind: 'invalid', accessKeyId, message: 'The provided x-amz-content-sha256 header does not match what was computed.' };
    }
  }

  const cred = await opts.lookup(accessKeyId);
  if (!cred) {
    return { ok: false, kind: 'unknownKey', accessKeyId, message: 'The security token included in the request is invalid.' };
  }

  const q = req.rawUrl.indexOf('?');
  const path = q < 0 ? req.rawUrl : req.rawUrl.slice(0, q);
  const query = parseRawQuery(q < 0 ? '' : req.rawUrl.slice(q + 1));
  const headers: Record<string, string> = {};
  for (const h of signedHeaders) headers[h] = header(req.headers, h)!;
  const request = new HttpRequest({ method: req.method, protocol: 'http:', hostname: headers.host ?? 'localhost', path, query, headers, body });

  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey: cred.secretAccessKey },
    region: opts.region,
    service: opts.service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(request, { signingDate: new Date(signingTime), signableHeaders: new Set(signedHeaders) });
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1];
  const expectedHeaders = /SignedHeaders=([^,\s]+)/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1];
  const same =
    expected !== undefined &&
    expectedHeaders === signedHeadersRaw &&
    timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(signature, 'hex'));
  if (!same) {
    return {
      ok: false,
      kind: 'invalid',
      accessKeyId,
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    };
  }
  return { ok: true, accessKeyId };
}
