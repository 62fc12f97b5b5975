/**
 * Secrets a community derives from its one secret, its certificate signing key, each for one purpose:
 * HMAC-SHA-256 keyed by the private key over the purpose's name. A value keyed this way cannot be
 * recomputed by anyone without the key, so guessing what it was made from (a member id that is a phone
 * number, a record id) and checking the guess is out of reach.
 *
 * @example
 * const key = derivedSecret(community.privateKey, 'pseudonym')
 */
import { createHmac } from 'node:crypto'

export type SecretPurpose = 'pseudonym' | 'disclosure-cursor'

export const derivedSecret = (privateKey: string, purpose: SecretPurpose): string =>
  createHmac('sha256', privateKey).update(`timebank/${purpose}`).digest('hex')
