import { describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { KeyCache } from './cache.js'
import type { ApiKey } from './types.js'

const key = (id: string): ApiKey => ({
  tenantId: 't',
  id,
  name: id,
  role: 'staff',
  owner: null,
  gridId: null,
  start: 'tbk_',
  createdAt: new Date(0),
  createdBy: null,
  revokedAt: null,
})

function clocked(ttlMs: number, maxEntries?: number) {
  let now = 1_000
  const cache = new KeyCache({ ttlMs, now: () => now, ...(maxEntries !== undefined ? { maxEntries } : {}) })
  return {
    cache,
    advance: (ms: number) => {
      now += ms
    },
  }
}

describe('KeyCache', () => {
  it('a cached key expires after the TTL, counted from when storage was asked', () => {
    const { cache, advance } = clocked(5000)
    const ticket = cache.ticket()
    advance(1000) // the lookup took a second
    cache.put('h', key('k1'), ticket)
    advance(3999)
    expect(cache.get('h')?.id).toBe('k1')
    advance(1)
    expect(cache.get('h')).toBeUndefined()
    expect(cache.size).toBe(0)
  })

  it('a TTL of 0 caches nothing', () => {
    const { cache } = clocked(0)
    expect(cache.enabled).toBe(false)
    cache.put('h', key('k1'), cache.ticket())
    expect(cache.get('h')).toBeUndefined()
    expect(cache.size).toBe(0)
  })

  it('evicting a key drops every entry of it at once', () => {
    const { cache } = clocked(5000)
    cache.put('h1', key('k1'), cache.ticket())
    cache.put('h2', key('k2'), cache.ticket())
    cache.evictKey('k1')
    expect(cache.get('h1')).toBeUndefined()
    expect(cache.get('h2')?.id).toBe('k2')
  })

  it('a lookup in flight while a key is revoked does not cache what it read before', () => {
    const { cache } = clocked(5000)
    const ticket = cache.ticket() // lookup starts, reads the key as active…
    cache.evictKey('k1') // …the key is revoked meanwhile…
    cache.put('h1', key('k1'), ticket) // …and the lookup finishes
    expect(cache.get('h1')).toBeUndefined()
    cache.put('h1', key('k1'), cache.ticket()) // a lookup started after the eviction may cache
    expect(cache.get('h1')?.id).toBe('k1')
  })

  it('holds at most maxEntries keys, dropping the oldest first', () => {
    const { cache } = clocked(5000, 3)
    for (const i of [1, 2, 3, 4, 5]) cache.put(`h${i}`, key(`k${i}`), cache.ticket())
    expect(cache.size).toBe(3)
    expect([1, 2, 3, 4, 5].map((i) => cache.get(`h${i}`)?.id ?? null)).toEqual([null, null, 'k3', 'k4', 'k5'])
  })
})
