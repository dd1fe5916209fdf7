// The company ID members enter to sign in with SSO. The guide shows it with the network's region
// prefix (UE1-DemoNetworkW_drqtvva in us-east-1); the server stores it without the prefix and accepts
// it with or without, and the console shows it with. One rule for both sides.

/** us-east-1 → UE1, eu-west-2 → EW2, us-gov-west-1 → UGW1. */
export function companyIdPrefix(region: string): string {
  const parts = region.split('-');
  const gov = parts[1] === 'gov';
  const rest = gov ? parts.slice(2) : parts.slice(1);
  const letters = (gov ? 'UG' : (parts[0]?.[0] ?? 'X').toUpperCase()) + (rest[0]?.[0] ?? '').toUpperCase();
  return `${letters}${rest[rest.length - 1] ?? ''}`.toUpperCase();
}

/** The company ID as members enter it: with or without the prefix, any letter case. */
export function bareCompanyId(entered: string, region: string): string {
  const v = entered.trim();
  const prefix = `${companyIdPrefix(region)}-`;
  return v.toUpperCase().startsWith(prefix) ? v.slice(prefix.length) : v;
}
