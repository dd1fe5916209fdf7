// Console sign-in (CreateAdminSession): POST/GET/DELETE /console/session (docs/console-sessions.md).
import { request, setCsrfToken } from './http';

export interface SignInInput {
  accountId: string;
  userName: string;
  password: string;
  totpCode?: string;
}
export interface SignInResult {
  csrfToken: string;
  expiresAt: number;
  idleTimeoutSeconds: number;
  mfaAuthenticated: boolean;
  userArn: string;
  accountId: string;
}
export interface WhoAmI {
  userArn: string;
  accountId: string;
  userName: string;
  expiresAt: number;
  idleExpiresAt: number;
  mfaAuthenticated: boolean;
}

export const SESSION_PATH = '/console/session';

export async function signIn(input: SignInInput): Promise<SignInResult> {
  const out = await request<SignInResult>('POST', SESSION_PATH, { body: input, quiet401: true });
  setCsrfToken(out.csrfToken);
  return out;
}

export function whoAmI(): Promise<WhoAmI> {
  return request<WhoAmI>('GET', SESSION_PATH, { quiet401: true });
}

export async function signOut(): Promise<void> {
  try {
    await request('DELETE', SESSION_PATH, { quiet401: true });
  } finally {
    setCsrfToken(null);
  }
}
