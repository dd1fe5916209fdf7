// The company ID's region prefix (the guide's UE1-DemoNetworkW_drqtvva): one rule in @enclave/protocol
// that the server (which accepts it when members type it) and the console (which shows it) both use.
import { describe, expect, it } from 'vitest';
import { bareCompanyId, companyIdPrefix } from '../../packages/protocol/src/company-id.js';
import { prefixedCompanyId } from '../../packages/web/src/console/lib/company-id.js';

describe('company ID prefix', () => {
  it('follows the guide (us-east-1 → UE1), as the console shows it', () => {
    const cases: [string, string][] = [
      ['us-east-1', 'UE1'],
      ['us-west-2', 'UW2'],
      ['eu-west-2', 'EW2'],
      ['ap-southeast-1', 'AS1'],
      ['ca-central-1', 'CC1'],
      ['us-gov-west-1', 'UGW1'],
    ];
    for (const [region, prefix] of cases) {
      expect(companyIdPrefix(region)).toBe(prefix);
    }
    expect(prefixedCompanyId('DemoNetworkW_drqtvva', 'arn:aws:wickr:us-east-1:123456789012:network/12345678')).toBe('UE1-DemoNetworkW_drqtvva');
  });

  it('takes the company ID with or without the prefix, in any case', () => {
    expect(bareCompanyId('UE1-DemoNetworkW_drqtvva', 'us-east-1')).toBe('DemoNetworkW_drqtvva');
    expect(bareCompanyId('ue1-Demo', 'us-east-1')).toBe('Demo');
    expect(bareCompanyId('  Demo_1 ', 'us-east-1')).toBe('Demo_1');
    // Another region's prefix is not stripped (and then is not a valid company ID).
    expect(bareCompanyId('EW2-Demo', 'us-east-1')).toBe('EW2-Demo');
  });
});
