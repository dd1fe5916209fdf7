// Who is acting: the one Actor type every use case receives, whichever transport it came through
// (admin restJson1 API, /iam, the console session routes, the member API, or a background job).
// Identity only: what the actor may do is decided by the IAM authorizer (admin side) or the member's
// security group (member side), never here.

/** An IAM principal of an account (the account's root or an IAM user / role session). */
export interface Principal {
  principalId: string;
  accountId: string;
  arn: string;
  kind: string;
  name: string;
}

/** An administrator calling the admin API, /iam or the console, authenticated by SigV4 or a session. */
export interface AdminActor {
  kind: 'admin';
  accountId: string;
  principal: Principal;
  /** The request the call belongs to (x-amzn-requestid, the audit record's requestID). */
  requestId: string;
}

/** A member's device calling the member API or holding a socket. */
export interface MemberActor {
  kind: 'member';
  networkId: string;
  userId: number;
  deviceId: string;
}

/** The server itself: jobs (expiry, mail, audit delivery) and start-up. */
export interface SystemActor {
  kind: 'system';
  /** What is acting, for logs: 'expiry', 'mail-queue', 'bootstrap', … */
  name: string;
}

export type Actor = AdminActor | MemberActor | SystemActor;

export function adminActor(principal: Principal, requestId: string): AdminActor {
  return { kind: 'admin', accountId: principal.accountId, principal, requestId };
}
