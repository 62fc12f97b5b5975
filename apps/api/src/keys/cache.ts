/**
 * A short-lived, bounded in-process cache of authenticated bearer tokens:
 * secret hash → what the token is (an API key here; a session in
 * users/sessions.ts). It saves the lookup (one SQL round trip) on nearly every
 * request.
 *
 * - Only active keys are cached, never unknown or revoked ones, so a flood of
 *   random keys cannot grow it; it holds at most `maxEntries` (oldest out first).
 * - An entry lives `ttlMs` from the moment storage was asked, so a revocation
 *   made elsewhere (another process) is seen within `ttlMs`.
 * - `evictKey(id)` (`evict(pick)` for any token) drops a key at once and stops
 *   lookups already in flight from caching what they read before the revocation.
 *
 * @example
 * const cache = new KeyCache({ ttlMs: 5000 })
 * const key = cache.get(hash) ?? (await lookUp(hash))
 */
import { BoundedCache } from '@timebank/ledger/kit'
import type { ApiKey } from './types.js'

/** How long an authenticated key is trusted without asking storage again. */
export const DEFAULT_KEY_CACHE_MS = 5000
/** Enough for every active key of a large deployment; ~0.5 KiB each. */
export const DEFAULT_KEY_CACHE_ENTRIES = 10_000

export interface TokenCacheOptions {
  /** Milliseconds an entry is trusted; 0 disables the cache. */
  ttlMs?: number
  /** Most entries held. */
  maxEntries?: number
  /** Milliseconds now (injectable for tests). */
  now?: () => number
}

export class TokenCache<V> {
  readonly ttlMs: number
  readonly #now: () => number
  readonly #entries: BoundedCache<string, V>
  /** Bumped by every eviction; a lookup that saw it change does not cache its answer. */
  #generation = 0

  constructor(options: TokenCacheOptions = {}) {
    this.ttlMs = Math.max(0, options.ttlMs ?? DEFAULT_KEY_CACHE_MS)
    this.#now = options.now ?? Date.now
    this.#entries = new BoundedCache({ maxEntries: options.maxEntries ?? DEFAULT_KEY_CACHE_ENTRIES, ttlMs: this.ttlMs, now: this.#now })
  }

  get enabled(): boolean {
    return this.ttlMs > 0
  }

  get maxEntries(): number {
    return this.#entries.maxEntries
  }

  /** Entries held (expired ones included until they are looked up or pushed out). */
  get size(): number {
    return this.#entries.size
  }

  /** The cached value for this hash, or undefined when absent or expired. */
  get(hash: string): V | undefined {
    return this.#entries.get(hash)
  }

  /** Call before asking storage; pass the ticket to `put`. */
  ticket(): { at: number; generation: number } {
    return { at: this.#now(), generation: this.#generation }
  }

  /** Cache a live value read from storage, unless an eviction happened since the ticket. */
  put(hash: string, value: V, ticket: { at: number; generation: number }): void {
    if (!this.enabled || ticket.generation !== this.#generation) return
    this.#entries.set(hash, value, ticket.at)
  }

  /** Forget the values `pick` chooses now, and the answers of lookups still in flight. */
  evict(pick: (value: V) => boolean): void {
    this.#generation++
    this.#entries.deleteWhere(pick)
  }
}

/** The cache of authenticated API keys. */
export type KeyCacheOptions = TokenCacheOptions

/** The cache of authenticated API keys. */
export class KeyCache extends TokenCache<ApiKey> {
  /** Forget a key (by its public id) now, and the answers of lookups still in flight. */
  evictKey(id: string): void {
    this.evict((key) => key.id === id)
  }
}
