// The plan rules shared by the server and the console: Premium features need PREMIUM outside the free
// trial, or a trial that is still running.
import { describe, expect, it } from 'vitest';
import { isPremium, trialRunning } from './plans.js';

const now = Date.parse('2026-06-01T00:00:00Z');
const later = '2026-07-01T00:00:00.000Z';
const earlier = '2026-05-01T00:00:00.000Z';

describe('plans', () => {
  it('PREMIUM without a trial is premium; STANDARD never is', () => {
    expect(isPremium({ accessLevel: 'PREMIUM' }, now)).toBe(true);
    expect(isPremium({ accessLevel: 'STANDARD' }, now)).toBe(false);
    expect(isPremium({ accessLevel: 'STANDARD', freeTrialExpiration: later }, now)).toBe(false);
  });

  it('a free trial is premium until it ends, as an ISO date (the wire) or in ms', () => {
    expect(trialRunning({ accessLevel: 'PREMIUM', freeTrialExpiration: later }, now)).toBe(true);
    expect(isPremium({ accessLevel: 'PREMIUM', freeTrialExpiration: later }, now)).toBe(true);
    expect(trialRunning({ accessLevel: 'PREMIUM', freeTrialExpiration: earlier }, now)).toBe(false);
    expect(isPremium({ accessLevel: 'PREMIUM', freeTrialExpiration: earlier }, now)).toBe(false);
    expect(isPremium({ accessLevel: 'PREMIUM', freeTrialExpiration: now + 1 }, now)).toBe(true);
    expect(isPremium({ accessLevel: 'PREMIUM', freeTrialExpiration: now }, now)).toBe(false);
    expect(trialRunning({ accessLevel: 'PREMIUM' }, now)).toBe(false);
  });
});
