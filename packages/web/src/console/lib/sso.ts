// Whether a network signs its members in with SSO (an issuer is configured).


export function ssoOn(info: { openidConnectInfo?: { issuer?: string } } | undefined): boolean {
  return !!info?.openidConnectInfo?.issuer;
}
