// Redaction of request parameters and response elements before they enter the audit trail. Two
// rules, applied together:
//   1. model-driven: a member whose target shape carries smithy.api#sensitive (SensitiveString in the
//      Wickr model) is replaced by '****', wherever it sits (structures, lists, maps, nested);
//   2. name-driven: a member named password, secret, challenge, clientSecret, secretAccessKey,
//      token or verifier (case-insensitive), or ending in one of these as a camel-case word
//      (newPassword, mfaSecret, sessionToken, accessToken, codeChallenge, codeVerifier in the model's
//      OidcTokenInfo), is replaced by '****' whatever its shape says, also in values the
//      model does not describe. Two token names are exempt because they are not credentials and
//      CloudTrail logs them: nextToken (paging) and clientToken (idempotency). Boolean values are
//      kept (hasChallenge says whether a secret exists, not what it is).
// The package entry registers the tagging shapes and Enclave's extensions of modelled shapes in `shapes`.
import { shapes, type ModelShape } from '@enclave/admin-api';

export const REDACTED = '****';

const SECRET_WORDS = ['password', 'secret', 'challenge', 'clientsecret', 'secretaccesskey', 'token', 'verifier'];
const NOT_SECRET = new Set(['nexttoken', 'clienttoken']);
/** Deeper values are replaced whole: nothing the API accepts nests this far. */
const MAX_DEPTH = 32;

/** Whether a member of this name is always redacted (rule 2). */
export function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  if (NOT_SECRET.has(lower)) return false;
  for (const word of SECRET_WORDS) {
    if (lower === word) return true;
    // A camel-case suffix: newPassword, mfaSecret, sessionToken (not "tokenInfo", not "secretary").
    if (lower.endsWith(word) && name.length > word.length) {
      const first = name[name.length - word.length]!;
      if (first !== first.toLowerCase() || name[name.length - word.length - 1] === '_' || name[name.length - word.length - 1] === '-') return true;
    }
  }
  return false;
}

function isSensitiveShape(shape: ModelShape | undefined): boolean {
  return !!shape && (shape as { sensitive?: boolean }).sensitive === true;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v);
}

function redactMember(name: string, target: string | undefined, value: unknown, depth: number): unknown {
  if (value === undefined || value === null) return value;
  if (isSecretName(name) && typeof value !== 'boolean') return REDACTED;
  return target === undefined ? redactUnknown(value, depth + 1) : redactShape(target, value, depth + 1);
}

/** A value the model does not describe: only the name rule applies, at every level. */
function redactUnknown(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redactUnknown(v, depth + 1));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactMember(k, undefined, v, depth);
    return out;
  }
  return value;
}

function redactShape(target: string, value: unknown, depth: number): unknown {
  if (value === undefined || value === null) return value;
  if (depth > MAX_DEPTH) return REDACTED;
  const shape = shapes[target];
  if (!shape) return redactUnknown(value, depth);
  if (isSensitiveShape(shape)) return REDACTED;
  switch (shape.type) {
    case 'structure': {
      if (!isPlainObject(value)) return redactUnknown(value, depth);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = redactMember(k, shape.members[k]?.target, v, depth);
      return out;
    }
    case 'list':
      return Array.isArray(value) ? value.map((v) => redactShape(shape.member, v, depth + 1)) : redactUnknown(value, depth);
    case 'map': {
      if (!isPlainObject(value)) return redactUnknown(value, depth);
      const out: Record<string, unknown> = {};
      // Map keys are data (tag keys, say), not member names: only the value shape decides.
      for (const [k, v] of Object.entries(value)) out[k] = redactShape(shape.value, v, depth + 1);
      return out;
    }
    default:
      // A scalar; an object where the model expects one is described by nothing but its names.
      return typeof value === 'object' ? redactUnknown(value, depth) : value;
  }
}

/**
 * The value of the model shape `shapeName` (an operation's input or output) with every sensitive
 * member replaced by '****'. An unknown shape name applies the name rule only. Never mutates `value`.
 */
export function redact(shapeName: string, value: unknown): unknown {
  return redactShape(shapeName, value, 0);
}

/** The name rule alone, for values without a model shape. */
export function redactByName(value: unknown): unknown {
  return redactUnknown(value, 0);
}
