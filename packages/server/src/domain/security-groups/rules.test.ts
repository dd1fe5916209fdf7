import { describe, expect, it } from 'vitest';
import type { SecurityGroupSettings } from '@enclave/admin-api';
import { checkGroupName, checkSecurityGroupSettings, defaultSecurityGroupSettings, mergeSettings, sameGroupName, type NetworkFacts } from './rules.js';

const NETWORK: NetworkFacts = { networkId: '12345678', region: 'us-east-1', premium: true, trialActive: false };
const STANDARD: NetworkFacts = { ...NETWORK, premium: false };
const TRIAL: NetworkFacts = { ...NETWORK, premium: true, trialActive: true };

/** Checks a patch over the defaults, as CreateSecurityGroup (or an update of a fresh group) does. */
function check(patch: SecurityGroupSettings, network: NetworkFacts = NETWORK) {
  const previous = defaultSecurityGroupSettings();
  return checkSecurityGroupSettings(mergeSettings(previous, patch), previous, network);
}
const fields = (patch: SecurityGroupSettings, network: NetworkFacts = NETWORK) => check(patch, network).reasons.map((r) => r.field);
const ok = (patch: SecurityGroupSettings, network: NetworkFacts = NETWORK) => {
  const r = check(patch, network);
  expect(r).toEqual({ reasons: [], planViolations: [] });
};
const F = (path: string) => `securityGroupSettings.${path}`;

describe('mergeSettings', () => {
  it('replaces given members, keeps the others and never mutates its inputs', () => {
    const base = defaultSecurityGroupSettings();
    const patch = { maxTtl: 3600, quickResponses: ['On my way'] };
    const merged = mergeSettings(base, patch);
    expect(merged.maxTtl).toBe(3600);
    expect(merged.quickResponses).toEqual(['On my way']);
    expect(merged.maxBor).toBe(base.maxBor);
    expect(base).toEqual(defaultSecurityGroupSettings());
    merged.quickResponses.push('x');
    expect(patch.quickResponses).toEqual(['On my way']);
  });

  it('merges calling, passwordRequirements and shredder member by member', () => {
    const merged = mergeSettings(defaultSecurityGroupSettings(), {
      calling: { forceTcpCall: true },
      passwordRequirements: { minLength: 12 },
      shredder: { intensity: 20 },
    });
    expect(merged.calling).toEqual({ canStart11Call: true, canVideoCall: true, forceTcpCall: true });
    expect(merged.passwordRequirements).toEqual({ lowercase: 1, minLength: 12, numbers: 1, symbols: 0, uppercase: 1 });
    expect(merged.shredder).toEqual({ canProcessManually: true, intensity: 20 });
  });

  it('replaces lists as a whole and ignores unknown members and nulls', () => {
    const base = mergeSettings(defaultSecurityGroupSettings(), { permittedNetworks: ['11111111', '22222222'] });
    const merged = mergeSettings(base, { permittedNetworks: ['33333333'], bogus: 1, maxTtl: null } as unknown as SecurityGroupSettings);
    expect(merged.permittedNetworks).toEqual(['33333333']);
    expect(merged).not.toHaveProperty('bogus');
    expect(merged.maxTtl).toBe(base.maxTtl);
  });
});

describe('checkGroupName', () => {
  it('requires a name that is not blank and trims it', () => {
    expect(checkGroupName('', 'create').reasons).toEqual([{ field: 'name', reason: 'name is required' }]);
    expect(checkGroupName('   ', 'create').reasons).toEqual([{ field: 'name', reason: 'name is required' }]);
    expect(checkGroupName(' ', 'update').reasons).toEqual([{ field: 'name', reason: 'name must not be empty' }]);
    expect(checkGroupName('  Field team ', 'create')).toEqual({ name: 'Field team', reasons: [] });
  });

  it('accepts 1 to 64 characters (counted as characters, not UTF-16 units)', () => {
    expect(checkGroupName('a', 'create').reasons).toEqual([]);
    expect(checkGroupName('a'.repeat(64), 'create').reasons).toEqual([]);
    expect(checkGroupName('😀'.repeat(64), 'create').reasons).toEqual([]);
    expect(checkGroupName('a'.repeat(65), 'create').reasons).toEqual([{ field: 'name', reason: 'name must be between 1 and 64 characters' }]);
  });

  it('refuses control characters', () => {
    expect(checkGroupName('a\nb', 'create').reasons.map((r) => r.reason)).toEqual(['name must not contain control characters']);
  });

  it('compares names case-insensitively', () => {
    expect(sameGroupName('Engineering', 'engineering ')).toBe(true);
    expect(sameGroupName('Engineering', 'Engineers')).toBe(false);
  });
});

describe('checkSecurityGroupSettings', () => {
  it('accepts the defaults and the model example', () => {
    ok({});
    ok({ federationMode: 1, lockoutThreshold: 10 });
  });

  it('requires audio calls for video calls', () => {
    expect(fields({ calling: { canStart11Call: false } })).toEqual([F('calling.canVideoCall')]);
    ok({ calling: { canStart11Call: false, canVideoCall: false } });
  });

  it('requires the open access option for forced open access', () => {
    expect(fields({ forceOpenAccess: true })).toEqual([F('forceOpenAccess')]);
    ok({ forceOpenAccess: true, enableOpenAccessOption: true });
  });

  it('accepts federation modes 0, 1 and 2 only', () => {
    for (const m of [0, 1, 2]) ok({ federationMode: m });
    expect(fields({ federationMode: 3 })).toEqual([F('federationMode')]);
    expect(fields({ federationMode: -1 })).toEqual([F('federationMode')]);
  });

  it('allows permitted networks only in restricted mode, as distinct 8-digit IDs other than the network itself', () => {
    ok({ federationMode: 2, permittedNetworks: ['87654321', '11112222'] });
    ok({ federationMode: 2, permittedNetworks: [] });
    expect(fields({ federationMode: 1, permittedNetworks: ['87654321'] })).toEqual([F('permittedNetworks')]);
    expect(fields({ federationMode: 0, permittedNetworks: ['87654321'] })).toEqual([F('permittedNetworks')]);
    expect(fields({ federationMode: 2, permittedNetworks: ['8765432', 'abcdefgh'] })).toEqual([F('permittedNetworks[0]'), F('permittedNetworks[1]')]);
    expect(fields({ federationMode: 2, permittedNetworks: ['87654321', '87654321'] })).toEqual([F('permittedNetworks[1]')]);
    expect(fields({ federationMode: 2, permittedNetworks: [NETWORK.networkId] })).toEqual([F('permittedNetworks[0]')]);
  });

  it('requires global federation for restricted global federation', () => {
    expect(fields({ enableRestrictedGlobalFederation: true })).toEqual([F('enableRestrictedGlobalFederation')]);
    ok({ globalFederation: true, enableRestrictedGlobalFederation: true });
  });

  it('allows permitted AWS Wickr and Wickr Enterprise networks only with restricted global federation', () => {
    const aws = [{ region: 'eu-west-2', networkId: '22223333' }];
    const ent = [{ domain: 'wickr.example.com', networkId: '44445555' }];
    ok({ globalFederation: true, enableRestrictedGlobalFederation: true, permittedWickrAwsNetworks: aws, permittedWickrEnterpriseNetworks: ent });
    expect(fields({ globalFederation: true, permittedWickrAwsNetworks: aws })).toEqual([F('permittedWickrAwsNetworks')]);
    expect(fields({ globalFederation: true, permittedWickrEnterpriseNetworks: ent })).toEqual([F('permittedWickrEnterpriseNetworks')]);
  });

  it('checks the entries of the permitted AWS Wickr and Wickr Enterprise networks', () => {
    const on = { globalFederation: true, enableRestrictedGlobalFederation: true };
    expect(
      fields({
        ...on,
        permittedWickrAwsNetworks: [
          { region: 'Canada', networkId: '22223333' },
          { region: 'ca-central-1', networkId: '123' },
          { region: NETWORK.region, networkId: NETWORK.networkId },
          { region: 'us-gov-west-1', networkId: '22223333' },
          { region: 'us-gov-west-1', networkId: '22223333' },
        ],
      }),
    ).toEqual([F('permittedWickrAwsNetworks[0].region'), F('permittedWickrAwsNetworks[1].networkId'), F('permittedWickrAwsNetworks[2]'), F('permittedWickrAwsNetworks[4]')]);
    // The same network ID in another region is a different network.
    ok({ ...on, permittedWickrAwsNetworks: [{ region: 'eu-central-1', networkId: NETWORK.networkId }] });
    expect(
      fields({
        ...on,
        permittedWickrEnterpriseNetworks: [
          { domain: '', networkId: '44445555' },
          { domain: 'a b', networkId: '44445555' },
          { domain: 'corp.example', networkId: 'x' },
          { domain: 'corp.example', networkId: '44445555' },
          { domain: 'CORP.example', networkId: '44445555' },
        ],
      }),
    ).toEqual([
      F('permittedWickrEnterpriseNetworks[0].domain'),
      F('permittedWickrEnterpriseNetworks[1].domain'),
      F('permittedWickrEnterpriseNetworks[2].networkId'),
      F('permittedWickrEnterpriseNetworks[4]'),
    ]);
  });

  it('requires global federation for guest users and refuses them during the free trial', () => {
    expect(fields({ enableGuestFederation: true })).toEqual([F('enableGuestFederation')]);
    ok({ globalFederation: true, enableGuestFederation: true });
    ok({ globalFederation: true, enableGuestFederation: true }, STANDARD);
    expect(check({ globalFederation: true, enableGuestFederation: true }, TRIAL)).toEqual({
      reasons: [],
      planViolations: ['Guest users are not available during the Premium free trial.'],
    });
  });

  it('does not re-apply the trial restriction to guest users a group already had', () => {
    const previous = mergeSettings(defaultSecurityGroupSettings(), { globalFederation: true, enableGuestFederation: true });
    const next = mergeSettings(previous, { maxTtl: 60 });
    expect(checkSecurityGroupSettings(next, previous, TRIAL)).toEqual({ reasons: [], planViolations: [] });
  });

  it('makes file download control (preview only, download size) a Premium feature', () => {
    ok({ enableFileDownload: false }, NETWORK);
    ok({ enableFileDownload: false }, TRIAL);
    ok({ maxAutoDownloadSize: 512000 }, TRIAL);
    const planError = 'File download control (enableFileDownload, maxAutoDownloadSize) requires the Premium plan or the Premium free trial.';
    expect(check({ enableFileDownload: false }, STANDARD)).toEqual({ reasons: [], planViolations: [planError] });
    expect(check({ maxAutoDownloadSize: 512000 }, STANDARD)).toEqual({ reasons: [], planViolations: [planError] });
    // Sending the values a STANDARD group already has is no change and allowed.
    ok({ enableFileDownload: true, maxAutoDownloadSize: 7340032 }, STANDARD);
    // A group left preview-only by an earlier Premium plan may turn downloads back on.
    const previous = mergeSettings(defaultSecurityGroupSettings(), { enableFileDownload: false });
    expect(checkSecurityGroupSettings(mergeSettings(previous, { enableFileDownload: true }), previous, STANDARD)).toEqual({ reasons: [], planViolations: [] });
  });

  it('accepts only the two automatic download sizes, changeable only while downloads are enabled', () => {
    ok({ maxAutoDownloadSize: 512000 });
    ok({ maxAutoDownloadSize: 7340032 });
    expect(fields({ maxAutoDownloadSize: 1_000_000 })).toEqual([F('maxAutoDownloadSize')]);
    expect(fields({ enableFileDownload: false, maxAutoDownloadSize: 512000 })).toEqual([F('maxAutoDownloadSize')]);
  });

  it('requires location sharing for maps', () => {
    expect(fields({ locationEnabled: false })).toEqual([F('locationAllowMaps')]);
    ok({ locationEnabled: false, locationAllowMaps: false });
  });

  it('bounds the expiry timer to 1 second..1 year and burn-on-read to 0..1 year', () => {
    ok({ maxTtl: 1, maxBor: 0 });
    ok({ maxTtl: 31536000, maxBor: 31536000 });
    expect(fields({ maxTtl: 0 })).toEqual([F('maxTtl')]);
    expect(fields({ maxTtl: 31536001 })).toEqual([F('maxTtl')]);
    expect(fields({ maxBor: -1 })).toEqual([F('maxBor')]);
    expect(fields({ maxBor: 31536001 })).toEqual([F('maxBor')]);
  });

  it('bounds the lockout threshold to 1..100', () => {
    ok({ lockoutThreshold: 1 });
    ok({ lockoutThreshold: 100 });
    expect(fields({ lockoutThreshold: 0 })).toEqual([F('lockoutThreshold')]);
    expect(fields({ lockoutThreshold: 101 })).toEqual([F('lockoutThreshold')]);
  });

  it('requires the device lockout to be off or lower than the lockout threshold', () => {
    ok({ lockoutThreshold: 10, forceDeviceLockout: 0 });
    ok({ lockoutThreshold: 10, forceDeviceLockout: 9 });
    expect(fields({ lockoutThreshold: 10, forceDeviceLockout: 10 })).toEqual([F('forceDeviceLockout')]);
    expect(fields({ lockoutThreshold: 1, forceDeviceLockout: 1 })).toEqual([F('forceDeviceLockout')]);
    expect(fields({ forceDeviceLockout: -1 })).toEqual([F('forceDeviceLockout')]);
  });

  it('bounds the password requirements', () => {
    ok({ passwordRequirements: { minLength: 8, lowercase: 2, uppercase: 2, numbers: 2, symbols: 2 } });
    ok({ passwordRequirements: { minLength: 128 } });
    expect(fields({ passwordRequirements: { minLength: 7 } })).toEqual([F('passwordRequirements.minLength')]);
    expect(fields({ passwordRequirements: { minLength: 129 } })).toEqual([F('passwordRequirements.minLength')]);
    expect(fields({ passwordRequirements: { lowercase: -1 } })).toEqual([F('passwordRequirements.lowercase')]);
    expect(fields({ passwordRequirements: { uppercase: 9 } })).toEqual([F('passwordRequirements.uppercase')]);
    expect(fields({ passwordRequirements: { numbers: 9 } })).toEqual([F('passwordRequirements.numbers')]);
    expect(fields({ passwordRequirements: { symbols: 9 } })).toEqual([F('passwordRequirements.symbols')]);
    const sum = check({ passwordRequirements: { minLength: 8, lowercase: 3, uppercase: 3, numbers: 2, symbols: 1 } }).reasons;
    expect(sum).toEqual([{ field: F('passwordRequirements'), reason: 'lowercase + uppercase + numbers + symbols (9) must not exceed minLength (8)' }]);
  });

  it('bounds the shredder intensity and the SSO idle timeout', () => {
    ok({ shredder: { intensity: 0 }, ssoMaxIdleMinutes: 0 });
    ok({ shredder: { intensity: 100 }, ssoMaxIdleMinutes: 10080 });
    expect(fields({ shredder: { intensity: 101 } })).toEqual([F('shredder.intensity')]);
    expect(fields({ shredder: { intensity: -1 } })).toEqual([F('shredder.intensity')]);
    expect(fields({ ssoMaxIdleMinutes: 10081 })).toEqual([F('ssoMaxIdleMinutes')]);
    expect(fields({ ssoMaxIdleMinutes: -1 })).toEqual([F('ssoMaxIdleMinutes')]);
  });

  it('allows at most 20 quick responses of 1 to 160 characters', () => {
    ok({ quickResponses: Array.from({ length: 20 }, (_, i) => `Reply ${i}`) });
    ok({ quickResponses: ['x'.repeat(160)] });
    expect(fields({ quickResponses: Array.from({ length: 21 }, (_, i) => `Reply ${i}`) })).toEqual([F('quickResponses')]);
    expect(fields({ quickResponses: ['ok', '', '   ', 'x'.repeat(161)] })).toEqual([F('quickResponses[1]'), F('quickResponses[2]'), F('quickResponses[3]')]);
  });

  it('accepts only the civilian and military ATAK packages, each once', () => {
    ok({ enableAtak: true, atakPackageValues: ['com.atakmap.app.civ', 'com.atakmap.app.mil'] });
    expect(fields({ atakPackageValues: ['com.atakmap.app.civ', 'com.example.app'] })).toEqual([F('atakPackageValues[1]')]);
    expect(fields({ atakPackageValues: ['com.atakmap.app.mil', 'com.atakmap.app.mil'] })).toEqual([F('atakPackageValues[1]')]);
  });

  it('reports every violation at once', () => {
    const r = check({ maxTtl: 0, lockoutThreshold: 0, federationMode: 9, forceOpenAccess: true });
    expect(r.reasons.map((x) => x.field).sort()).toEqual([F('federationMode'), F('forceOpenAccess'), F('lockoutThreshold'), F('maxTtl')].sort());
  });
});
