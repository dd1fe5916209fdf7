// Rules of single sign-on that need no storage.
import { normalizeEmail } from '../users/users.js';

// ---------------------------------------------------------------------------------------------------
// Member side (usecases/member/sso.ts)

/**
 * The username from the validated ID-token claims: the custom claim, else email. An email the
 * provider itself marks unverified (email_verified: false) names no one: anyone could have typed it.
 */
export function usernameFromClaims(claims: Record<string, unknown>, customClaim: string): string | undefined {
  if (!customClaim && claims.email_verified === false) return undefined;
  const raw = customClaim ? claims[customClaim] : claims.email;
  return typeof raw === 'string' ? normalizeEmail(raw) : undefined;
}
