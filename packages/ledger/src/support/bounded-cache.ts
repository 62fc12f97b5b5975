/**
 * A map that holds at most `maxEntries` values (the oldest written goes first)
 * and, with `ttlMs`, forgets each one that long after it was read from its
 * source. The one cache of the ledger and of the packages built on it.
 *
 * @example
 * const owners = new BoundedCache<string, Owner>({ maxEntries: 50_000 })
 * const keys = new BoundedCache<string, ApiKey>({ maxEntries: 10_000, ttlMs: 5000 })
 * keys.set(hash, key, readAt) // lives until readAt + 5 s
 */
export interface BoundedCacheOptions {
  /** Most values held; writing one more pushes out the oldest. */
  maxEntries: number
  /** Milliseconds a value is trusted after it was read; absent: until pushed out. */
  ttlMs?: number
  /** Milliseconds now (injectable for tests). */
  now?: () => number
}

export class BoundedCache<K, V> {
  readonly maxEntries: number
  readonly ttlMs: number | undefined
  readonly #now: () => number
  // A Map iterates in insertion order, so its first key is the oldest written.
  readonly #entries = new Map<K, { value: V; expiresAt: number }>()

  constructor(options: BoundedCacheOptions) {
    this.maxEntries = Math.max(1, options.maxEntries)
    this.ttlMs = options.ttlMs === undefined ? undefined : Math.max(0, options.ttlMs)
    this.#now = options.now ?? Date.now
  }

  /** Values held, expired ones included until they are looked up or pushed out. */
  get size(): number {
    return this.#entries.size
  }

  /** The value, or undefined when absent or expired. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (this.ttlMs !== undefined && this.#now() >= entry.expiresAt) {
      this.#entries.delete(key)
      return undefined
    }
    return entry.value
  }

  /** Hold a value; `readAt` (default now) is when it was read from its source, which starts its TTL. */
  set(key: K, value: V, readAt: number = this.#now()): void {
    this.#entries.delete(key)
    while (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next()
      if (oldest.done) break
      this.#entries.delete(oldest.value)
    }
    this.#entries.set(key, { value, expiresAt: this.ttlMs === undefined ? Number.POSITIVE_INFINITY : readAt + this.ttlMs })
  }

  delete(key: K): void {
    this.#entries.delete(key)
  }

  /** Forget every value the predicate picks. */
  deleteWhere(pick: (value: V, key: K) => boolean): void {
    for (const [key, entry] of this.#entries) if (pick(entry.value, key)) this.#entries.delete(key)
  }
}
