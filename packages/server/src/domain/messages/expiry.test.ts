// The expiry rules as pure functions: timer, else the group maximum; distributions, receipts, and a
// group without a positive maximum (which the admin API does not accept, but a stored document could hold).
import { describe, expect, it } from 'vitest';
import { groupMaxMs, messageExpiry, receiptExpiry } from './expiry.js';

const NOW = 1_700_000_000_000;

describe('message expiry rules', () => {
  it('takes the timer when there is one, else the group maximum', () => {
    expect(messageExpiry({ kind: 'sk', ttl: 30 }, 'room', { maxTtl: 3600 }, NOW)).toBe(NOW + 30_000);
    expect(messageExpiry({ kind: 'sk' }, 'group', { maxTtl: 3600 }, NOW)).toBe(NOW + 3_600_000);
    expect(messageExpiry({ kind: 'pw' }, 'dm', { maxTtl: 60 }, NOW)).toBe(NOW + 60_000);
  });

  it('gives a pairwise record of a group or room (a sender key distribution) no default expiry', () => {
    expect(messageExpiry({ kind: 'pw' }, 'room', { maxTtl: 60 }, NOW)).toBeNull();
    expect(messageExpiry({ kind: 'pw' }, 'group', { maxTtl: 60 }, NOW)).toBeNull();
    expect(messageExpiry({ kind: 'pw', ttl: 5 }, 'room', { maxTtl: 60 }, NOW)).toBe(NOW + 5000);
  });

  it('keeps "never" only for a group without a positive maximum', () => {
    expect(groupMaxMs({ maxTtl: 0 })).toBeNull();
    expect(groupMaxMs({ maxTtl: 1 })).toBe(1000);
    expect(messageExpiry({ kind: 'sk' }, 'room', { maxTtl: 0 }, NOW)).toBeNull();
  });

  it('lets a receipt live as long as the longest-lived message it reports', () => {
    expect(receiptExpiry([NOW + 5000, NOW + 9000], { maxTtl: 60 }, NOW)).toBe(NOW + 9000);
    expect(receiptExpiry([NOW + 5000, null], { maxTtl: 60 }, NOW)).toBeNull();
    expect(receiptExpiry([], { maxTtl: 60 }, NOW)).toBe(NOW + 60_000);
  });
});
