/**
 * bytes.ts — owns byte encoding helpers shared across the package
 * (base64url, UTF-8, concatenation, constant-time comparison) and the small
 * big-endian Writer/Reader used by every binary format in docs/protocol.md.
 * No Buffer, no Node-only APIs.
 */
import { ProtocolError, check } from './errors.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_REV: Int16Array = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

/** RFC 4648 §5 base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]!;
  }
  return out;
}

/** Strict base64url decoder (no padding, no whitespace, canonical trailing bits). */
export function fromBase64Url(text: string): Uint8Array {
  check(text.length % 4 !== 1, 'malformed', 'base64url: bad length');
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? B64_REV[c]! : -1;
    check(v >= 0, 'malformed', 'base64url: bad character');
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
  check(acc === 0, 'malformed', 'base64url: non-canonical trailing bits');
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

export function utf8Decode(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new ProtocolError('malformed', 'invalid UTF-8');
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Constant-time (in the contents) equality; lengths are not secret. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Big-endian u32. */
export function u32be(n: number): Uint8Array {
  check(Number.isInteger(n) && n >= 0 && n <= 0xffffffff, 'invalid_argument', 'u32 out of range');
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, false);
  return out;
}

/** Big-endian u64 for safe integers. */
export function u64be(n: number): Uint8Array {
  check(Number.isSafeInteger(n) && n >= 0, 'invalid_argument', 'u64 out of range');
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, Math.floor(n / 0x100000000), false);
  dv.setUint32(4, n >>> 0, false);
  return out;
}

/** Append-only builder for the binary formats. */
export class Writer {
  private readonly parts: Uint8Array[] = [];

  u8(n: number): this {
    check(Number.isInteger(n) && n >= 0 && n <= 0xff, 'invalid_argument', 'u8 out of range');
    this.parts.push(Uint8Array.of(n));
    return this;
  }

  u32(n: number): this {
    this.parts.push(u32be(n));
    return this;
  }

  /** Fixed-length field: the length is checked, not written. */
  fixed(bytes: Uint8Array, len: number): this {
    check(bytes.length === len, 'invalid_argument', `expected ${len} bytes, got ${bytes.length}`);
    this.parts.push(bytes);
    return this;
  }

  /** u32 length prefix followed by the bytes. */
  vbytes(bytes: Uint8Array): this {
    this.parts.push(u32be(bytes.length), bytes);
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.parts.push(bytes);
    return this;
  }

  finish(): Uint8Array {
    return concatBytes(...this.parts);
  }
}

/** Bounds-checked reader; every overrun is ProtocolError('malformed'). Returned slices are copies. */
export class Reader {
  private off = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get offset(): number {
    return this.off;
  }

  get remaining(): number {
    return this.bytes.length - this.off;
  }

  private need(n: number): void {
    check(this.off + n <= this.bytes.length, 'malformed', 'truncated input');
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.off++]!;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.off, false);
    this.off += 4;
    return v;
  }

  fixed(len: number): Uint8Array {
    this.need(len);
    const out = this.bytes.slice(this.off, this.off + len);
    this.off += len;
    return out;
  }

  vbytes(max = 1 << 24): Uint8Array {
    const len = this.u32();
    check(len <= max, 'malformed', 'field too long');
    return this.fixed(len);
  }

  rest(): Uint8Array {
    return this.fixed(this.remaining);
  }

  end(): void {
    check(this.off === this.bytes.length, 'malformed', 'trailing bytes');
  }
}
