/**
 * The one idempotency rule, for every write that takes a client-chosen id
 * (tenants, assets, accounts, ledger operations, and the API's keys): the
 * write stores a fingerprint of its request beside what it creates; when the id
 * is found taken, the same fingerprint makes the write a replay (answer what
 * was made then), any other a conflict. Fingerprints are of the normalized
 * request, so "1.5" and "1.50" or reordered keys are the same request.
 *
 * @example
 * const hash = requestHash({ name, role, owner })
 * if (!sameRequest(stored.requestHash, hash)) throw conflict()
 */
import { createHash } from 'node:crypto'
import { canonicalJson } from './canonical.js'

/** Fingerprint of a normalized request: SHA-256 of its canonical JSON, base64url. */
export function requestHash(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('base64url')
}

/**
 * True when a write finding its id taken is a replay of the request that took
 * it. A row stored without a fingerprint (made before fingerprints were kept)
 * matches nothing: a repeat is answered as a conflict, never guessed a replay.
 */
export function sameRequest(stored: string | null, hash: string): boolean {
  return stored !== null && stored === hash
}
