// The company ID as members enter it: the guide shows it with the network's region prefix
// (UE1-DemoNetworkW_drqtvva in us-east-1). The server stores it without the prefix and accepts it
// with or without (packages/server/src/messaging/sso.ts companyIdPrefix: the same rule).

/** us-east-1 → UE1, eu-west-2 → EW2, us-gov-west-1 → UGW1. */
export function companyIdPrefix(region: string): string {
  const parts = region.split('-');
  const gov = parts[1] === 'gov';
  const rest = gov ? parts.slice(2) : parts.slice(1);
  const letters = (gov ? 'UG' : (parts[0]?.[0] ?? 'X').toUpperCase()) + (rest[0]?.[0] ?? '').toUpperCase();
  return `${letters}${rest[rest.length - 1] ?? ''}`.toUpperCase();
}

/** The region of a network ARN (arn:aws:wickr:<region>:<account>:network/<id>). */
export function regionOfArn(arn: string | undefined): string {
  return arn?.split(':')[3] ?? 'us-east-1';
}

export function prefixedCompanyId(companyId: string, networkArn: string | undefined): string {
  return companyId ? `${companyIdPrefix(regionOfArn(networkArn))}-${companyId}` : '';
}
