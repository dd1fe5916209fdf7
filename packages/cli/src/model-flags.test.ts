import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coerceFlagValue, describeMember, flagKind } from './model-flags.js';

const usage = (fn: () => unknown, text: RegExp) => {
  try {
    fn();
  } catch (err) {
    expect((err as { exitCode?: number }).exitCode).toBe(252);
    expect((err as Error).message).toMatch(text);
    return;
  }
  throw new Error('expected a usage error');
};

describe('flag coercion', () => {
  it('maps model types to flag kinds, including prelude shapes', () => {
    expect(flagKind('Integer')).toBe('integer');
    expect(flagKind('Boolean')).toBe('boolean');
    expect(flagKind('Timestamp')).toBe('timestamp');
    expect(flagKind('NetworkId')).toBe('string');
    expect(flagKind('SortDirection')).toBe('string');
    expect(flagKind('UserStatus')).toBe('integer');
    expect(flagKind('UserIds')).toBe('list');
    expect(flagKind('SecurityGroupSettingsRequest')).toBe('json');
    expect(flagKind('TagMap')).toBe('json');
  });

  it('coerces integers and rejects anything else', () => {
    expect(coerceFlagValue('--max-results', 'Integer', '25')).toBe(25);
    expect(coerceFlagValue('--status', 'UserStatus', '2')).toBe(2);
    usage(() => coerceFlagValue('--max-results', 'Integer', 'ten'), /--max-results: expected an integer/);
    usage(() => coerceFlagValue('--max-results', 'Integer', '1.5'), /expected an integer/);
    usage(() => coerceFlagValue('--max-results', 'Integer', '99999999999999999999'), /out of range/);
  });

  it('coerces booleans from true/false, a bare flag and --no-flag', () => {
    expect(coerceFlagValue('--suspend', 'Boolean', 'true')).toBe(true);
    expect(coerceFlagValue('--suspend', 'Boolean', 'FALSE')).toBe(false);
    expect(coerceFlagValue('--suspend', 'Boolean', true)).toBe(true);
    expect(coerceFlagValue('--suspend', 'Boolean', false)).toBe(false);
    usage(() => coerceFlagValue('--suspend', 'Boolean', 'yes'), /--suspend: expected true or false/);
  });

  it('coerces lists from JSON, commas and repeated values', () => {
    expect(coerceFlagValue('--user-ids', 'UserIds', '["a","b"]')).toEqual(['a', 'b']);
    expect(coerceFlagValue('--user-ids', 'UserIds', ['a,b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(coerceFlagValue('--user-ids', 'UserIds', 'a, b ,')).toEqual(['a', 'b']);
    expect(coerceFlagValue('--users', 'BatchCreateUserRequestItems', '[{"username":"u","securityGroupIds":["g"]}]')).toEqual([{ username: 'u', securityGroupIds: ['g'] }]);
    usage(() => coerceFlagValue('--users', 'BatchCreateUserRequestItems', 'u1,u2'), /JSON array of objects/);
    usage(() => coerceFlagValue('--user-ids', 'UserIds', '[1,'), /invalid JSON/);
    usage(() => coerceFlagValue('--user-ids', 'UserIds', '[x'), /invalid JSON/);
  });

  it('coerces structures and maps from JSON, inline or file://', () => {
    expect(coerceFlagValue('--security-group-settings', 'SecurityGroupSettingsRequest', '{"lockoutThreshold":5}')).toEqual({ lockoutThreshold: 5 });
    const dir = mkdtempSync(join(tmpdir(), 'enclave-cli-'));
    writeFileSync(join(dir, 'tags.json'), '{"team":"blue"}\n');
    expect(coerceFlagValue('--tags', 'TagMap', `file://${join(dir, 'tags.json')}`)).toEqual({ team: 'blue' });
    usage(() => coerceFlagValue('--tags', 'TagMap', '["x"]'), /expected a JSON object/);
    usage(() => coerceFlagValue('--tags', 'TagMap', 'file:///nonexistent/x.json'), /cannot read/);
    usage(() => coerceFlagValue('--tags', 'TagMap', true), /a value is required/);
  });

  it('coerces timestamps from epoch seconds or ISO 8601 and keeps strings as given', () => {
    expect(coerceFlagValue('--start-time', 'Timestamp', '1700000000')).toBe(1700000000);
    expect(coerceFlagValue('--start-time', 'Timestamp', '2024-01-01T00:00:00Z')).toBe(1704067200);
    usage(() => coerceFlagValue('--start-time', 'Timestamp', 'soon'), /epoch seconds or an ISO 8601/);
    expect(coerceFlagValue('--network-name', 'GenericString', ' Acme ')).toBe(' Acme ');
  });

  it('describes members with their type and whether they are required', () => {
    expect(describeMember('networkId', { target: 'NetworkId', required: true, location: 'label' })).toBe('networkId: string, in the path [required]');
    expect(describeMember('sortDirection', { target: 'SortDirection', location: 'query' })).toBe('sortDirection: one of ASC, DESC, in the query');
    expect(describeMember('users', { target: 'BatchCreateUserRequestItems', required: true })).toMatch(/^users: list of \{.*username\*.*\} \(JSON array/);
  });
});
