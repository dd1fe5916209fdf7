// The model-driven half of the restJson1 adapter: takes an HTTP request apart into an operation's
// input structure (labels, query string, headers, JSON body) and validates it against the model's
// constraints (required, length, pattern, range, enum, types). It knows nothing of any operation.
import { shapeOf } from '@enclave/admin-api';
import type { ModelMember, ModelShape, Range } from '@enclave/admin-api';
import { badRequest, validation, type ErrorReason } from '../../kernel/errors.js';

export interface RawRequest {
  labels: Record<string, string>;
  query: Record<string, string[]>;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | undefined;
}

function structure(name: string): Extract<ModelShape, { type: 'structure' }> {
  const s = shapeOf(name);
  if (s.type !== 'structure') throw new Error(`${name} is not a structure`);
  return s;
}

/** Converts a label, query or header string to the member's type; returns an error reason on failure. */
function fromString(raw: string, member: ModelMember, field: string): { value?: unknown; reason?: ErrorReason } {
  const shape = shapeOf(member.target);
  switch (shape.type) {
    case 'string':
    case 'enum':
      return { value: raw };
    case 'integer':
    case 'long':
    case 'intEnum': {
      if (!/^-?\d+$/.test(raw)) return { reason: { field, reason: `must be an integer, got "${raw}"` } };
      return { value: Number(raw) };
    }
    case 'timestamp': {
      if (!/^-?\d+(\.\d+)?$/.test(raw)) return { reason: { field, reason: `must be a timestamp in epoch seconds, got "${raw}"` } };
      return { value: Number(raw) };
    }
    case 'boolean':
      if (raw === 'true') return { value: true };
      if (raw === 'false') return { value: false };
      return { reason: { field, reason: `must be true or false, got "${raw}"` } };
    default:
      return { reason: { field, reason: 'cannot be bound from a string' } };
  }
}

function headerValue(headers: RawRequest['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Binds the request to the input structure. Throws ApiError for an unreadable request. */
export function bindInput(inputShape: string, req: RawRequest): Record<string, unknown> {
  const shape = structure(inputShape);
  const input: Record<string, unknown> = {};
  const reasons: ErrorReason[] = [];
  const bodyMembers = Object.entries(shape.members).filter(([, m]) => !m.location);

  if (bodyMembers.length > 0 && req.body && req.body.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body.toString('utf8'));
    } catch {
      throw badRequest('The request body is not valid JSON.');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw badRequest('The request body must be a JSON object.');
    }
    for (const [name] of bodyMembers) {
      const v = (parsed as Record<string, unknown>)[name];
      if (v !== undefined && v !== null) input[name] = v;
    }
  }

  for (const [name, m] of Object.entries(shape.members)) {
    if (m.location === 'label') {
      const raw = req.labels[name];
      if (raw !== undefined && raw !== '') {
        const r = fromString(raw, m, name);
        if (r.reason) reasons.push(r.reason);
        else input[name] = r.value;
      }
    } else if (m.location === 'query') {
      const values = req.query[m.locationName ?? name];
      if (values && values.length > 0) {
        const target = shapeOf(m.target);
        if (target.type === 'list') {
          input[name] = values;
        } else {
          const r = fromString(values[values.length - 1] as string, m, name);
          if (r.reason) reasons.push(r.reason);
          else input[name] = r.value;
        }
      }
    } else if (m.location === 'header') {
      const raw = headerValue(req.headers, m.locationName ?? name);
      if (raw !== undefined && raw !== '') {
        const r = fromString(raw, m, name);
        if (r.reason) reasons.push(r.reason);
        else input[name] = r.value;
      }
    }
  }
  if (reasons.length > 0) throw validation(reasons);
  return input;
}

const INT32 = { min: -2147483648, max: 2147483647 };

function checkRange(value: number, range: Range | undefined, field: string, reasons: ErrorReason[]) {
  if (!range) return;
  if (range.min !== undefined && value < range.min) reasons.push({ field, reason: `must be at least ${range.min}` });
  if (range.max !== undefined && value > range.max) reasons.push({ field, reason: `must be at most ${range.max}` });
}

function checkLength(len: number, range: Range | undefined, field: string, unit: string, reasons: ErrorReason[]) {
  if (!range) return;
  if (range.min !== undefined && len < range.min) reasons.push({ field, reason: `must have at least ${range.min} ${unit}` });
  if (range.max !== undefined && len > range.max) reasons.push({ field, reason: `must have at most ${range.max} ${unit}` });
}

const patternCache = new Map<string, RegExp>();
function regex(p: string): RegExp {
  let r = patternCache.get(p);
  if (!r) {
    r = new RegExp(p, 'u');
    patternCache.set(p, r);
  }
  return r;
}

/**
 * Validates a value against a shape and returns the cleaned value (unknown members dropped).
 * Problems are appended to reasons with the member path as the field name.
 */
export function validateValue(target: string, value: unknown, field: string, reasons: ErrorReason[], member?: ModelMember): unknown {
  const shape = shapeOf(target);
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        reasons.push({ field, reason: 'must be an object' });
        return undefined;
      }
      return validateStructure(target, value as Record<string, unknown>, field, reasons);
    }
    case 'list': {
      if (!Array.isArray(value)) {
        reasons.push({ field, reason: 'must be a list' });
        return undefined;
      }
      checkLength(value.length, shape.length ?? member?.length, field, 'items', reasons);
      return value.map((v, i) => {
        if (v === null || v === undefined) {
          reasons.push({ field: `${field}[${i}]`, reason: 'must not be null' });
          return v;
        }
        return validateValue(shape.member, v, `${field}[${i}]`, reasons);
      });
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        reasons.push({ field, reason: 'must be an object' });
        return undefined;
      }
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = validateValue(shape.value, v, `${field}.${k}`, reasons);
      return out;
    }
    case 'string': {
      if (typeof value !== 'string') {
        reasons.push({ field, reason: 'must be a string' });
        return undefined;
      }
      checkLength([...value].length, member?.length ?? shape.length, field, 'characters', reasons);
      if (shape.pattern && !regex(shape.pattern).test(value)) {
        reasons.push({ field, reason: `must match the pattern ${shape.pattern}` });
      }
      return value;
    }
    case 'enum': {
      if (typeof value !== 'string' || !shape.values.includes(value)) {
        reasons.push({ field, reason: `must be one of ${shape.values.join(', ')}` });
        return undefined;
      }
      return value;
    }
    case 'intEnum': {
      if (typeof value !== 'number' || !shape.values.includes(value)) {
        reasons.push({ field, reason: `must be one of ${shape.values.join(', ')}` });
        return undefined;
      }
      return value;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        reasons.push({ field, reason: 'must be an integer' });
        return undefined;
      }
      if (shape.type === 'integer') checkRange(value, INT32, field, reasons);
      else if (!Number.isSafeInteger(value)) reasons.push({ field, reason: 'is out of range' });
      checkRange(value, member?.range ?? shape.range, field, reasons);
      return value;
    }
    case 'timestamp': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        reasons.push({ field, reason: 'must be a timestamp in epoch seconds' });
        return undefined;
      }
      return value;
    }
    case 'boolean': {
      if (typeof value !== 'boolean') {
        reasons.push({ field, reason: 'must be true or false' });
        return undefined;
      }
      return value;
    }
  }
}

function validateStructure(name: string, value: Record<string, unknown>, prefix: string, reasons: ErrorReason[]) {
  const shape = structure(name);
  const out: Record<string, unknown> = {};
  for (const [mName, m] of Object.entries(shape.members)) {
    const field = prefix ? `${prefix}.${mName}` : mName;
    const v = value[mName];
    if (v === undefined || v === null) {
      if (m.required) reasons.push({ field, reason: `${mName} is required` });
      continue;
    }
    out[mName] = validateValue(m.target, v, field, reasons, m);
  }
  return out;
}

/** Validates a bound input structure; throws a ValidationError naming every bad field. */
export function validateInput(inputShape: string, input: Record<string, unknown>): Record<string, unknown> {
  const reasons: ErrorReason[] = [];
  const out = validateStructure(inputShape, input, '', reasons);
  if (reasons.length > 0) throw validation(reasons);
  return out;
}
