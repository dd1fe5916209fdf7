// Turns an operation's top-level input members into command-line flags: how each member is shown in
// --help and how a flag's text is coerced to the member's model type.
import { readFileSync } from 'node:fs';
import { shapeOf, type ModelMember } from '@enclave/admin-api';

export { shapeOf };
import { usageError } from './errors.js';
import { kebabCase } from './names.js';

/** The input structure's members of an operation's input shape. */
export function inputMembers(inputShape: string): Record<string, ModelMember> {
  const s = shapeOf(inputShape);
  if (s.type !== 'structure') throw new Error(`${inputShape} is not a structure`);
  return s.members;
}

export type FlagKind = 'string' | 'integer' | 'boolean' | 'timestamp' | 'list' | 'json';

export function flagKind(target: string): FlagKind {
  const s = shapeOf(target);
  switch (s.type) {
    case 'string':
    case 'enum':
      return 'string';
    case 'integer':
    case 'long':
    case 'intEnum':
      return 'integer';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
      return 'timestamp';
    case 'list':
      return 'list';
    default:
      return 'json';
  }
}

/** A short human description of a shape for --help: "string", "one of A, B", "list of string"… */
export function describeShape(target: string, depth = 0): string {
  const s = shapeOf(target);
  switch (s.type) {
    case 'enum':
      return `one of ${s.values.join(', ')}`;
    case 'intEnum':
      return `integer, one of ${s.values.join(', ')}`;
    case 'timestamp':
      return 'timestamp (epoch seconds or ISO 8601)';
    case 'list':
      return `list of ${describeShape(s.member, depth + 1)}`;
    case 'map':
      return 'JSON object of string to string';
    case 'structure': {
      if (depth > 0) {
        return `{${Object.entries(s.members)
          .map(([k, m]) => k + (m.required ? '*' : ''))
          .join(', ')}}`;
      }
      const keys = Object.entries(s.members).map(([k, m]) => k + (m.required ? '*' : ''));
      return `JSON object {${keys.join(', ')}}`;
    }
    default:
      return s.type;
  }
}

export function describeMember(name: string, member: ModelMember): string {
  const where = member.location === 'label' ? ', in the path' : member.location === 'query' ? ', in the query' : member.location === 'header' ? ', header' : '';
  const kind = flagKind(member.target);
  const how = kind === 'list' ? ' (JSON array, comma-separated or repeated values)' : '';
  return `${name}: ${describeShape(member.target)}${how}${where}${member.required ? ' [required]' : ''}`;
}

/** The value text for a flag, reading file://path (relative to the working directory) as AWS CLI does. */
export function readFlagText(flag: string, raw: string): string {
  if (!raw.startsWith('file://')) return raw;
  const path = raw.slice('file://'.length);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw usageError(`${flag}: cannot read ${path}: ${(err as Error).message}`);
  }
}

function parseJson(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw usageError(`${flag}: invalid JSON: ${(err as Error).message}`);
  }
}

function coerceScalar(flag: string, target: string, text: string): unknown {
  const kind = flagKind(target);
  const t = text.trim();
  switch (kind) {
    case 'integer': {
      if (!/^[-+]?\d+$/.test(t)) throw usageError(`${flag}: expected an integer, got "${text}"`);
      const n = Number(t);
      if (!Number.isSafeInteger(n)) throw usageError(`${flag}: integer out of range: ${text}`);
      return n;
    }
    case 'boolean': {
      const v = t.toLowerCase();
      if (v === 'true') return true;
      if (v === 'false') return false;
      throw usageError(`${flag}: expected true or false, got "${text}"`);
    }
    case 'timestamp': {
      if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
      const ms = Date.parse(t);
      if (Number.isNaN(ms)) throw usageError(`${flag}: expected epoch seconds or an ISO 8601 date, got "${text}"`);
      return Math.floor(ms / 1000);
    }
    case 'string':
      return text.replace(/\r?\n$/, '');
    default: {
      const v = parseJson(flag, t);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw usageError(`${flag}: expected a JSON object`);
      return v;
    }
  }
}

/**
 * Coerces what commander collected for a member's flag into the member's model type:
 * a string (or several, for lists), `true` for a bare boolean flag, `false` for --no-<flag>.
 */
export function coerceFlagValue(flag: string, target: string, raw: string | boolean | string[]): unknown {
  const kind = flagKind(target);
  if (typeof raw === 'boolean') {
    if (kind !== 'boolean') throw usageError(`${flag}: a value is required`);
    return raw;
  }
  if (kind === 'list') {
    const s = shapeOf(target);
    const memberTarget = s.type === 'list' ? s.member : 'String';
    const parts = (Array.isArray(raw) ? raw : [raw]).map((r) => readFlagText(flag, r));
    if (parts.length === 1 && /^\s*\[/.test(parts[0]!)) {
      const v = parseJson(flag, parts[0]!);
      if (!Array.isArray(v)) throw usageError(`${flag}: expected a JSON array`);
      return v;
    }
    const items = parts.flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p !== '');
    if (flagKind(memberTarget) === 'json') throw usageError(`${flag}: expected a JSON array of objects`);
    return items.map((item) => coerceScalar(flag, memberTarget, item));
  }
  const text = readFlagText(flag, Array.isArray(raw) ? raw.join(',') : raw);
  return coerceScalar(flag, target, text);
}

/** The flag of a member: networkId → --network-id. */
export function memberFlag(name: string): string {
  return `--${kebabCase(name)}`;
}
