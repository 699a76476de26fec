import type { Credentials } from '../terms.js'

/**
 * Jelastic answers an unknown or expired session with a non-zero result whose code no public
 * source names (platforms.md, gaps 1); we know it by the documented-elsewhere 702 or its words.
 */
export function isSessionError(result: number, error: string | undefined): boolean {
  return result === 702 || /session.*(invalid|expired|not valid)|not authenticated|authentication required/i.test(error ?? '')
}

export function canSignIn(credentials: Credentials): boolean {
  return credentials.username !== undefined && credentials.password !== undefined
}
