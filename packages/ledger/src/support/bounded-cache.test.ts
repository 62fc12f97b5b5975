import { describe, expect, it } from 'vitest'
import { BoundedCache } from './bounded-cache.js'

describe('BoundedCache', () => {
  it('pushes out the oldest written value when full', () => {
    const cache = new BoundedCache<string, number>({ maxEntries: 2 })
    cache.set('a', 1)
    cache.set('b', 2)
    cache.set('a', 3) // rewriting makes it the newest
    cache.set('c', 4)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBe(3)
    expect(cache.get('c')).toBe(4)
    expect(cache.size).toBe(2)
  })

  it('forgets a value ttlMs after it was read from its source, not after it was stored', () => {
    let now = 1000
    const cache = new BoundedCache<string, string>({ maxEntries: 10, ttlMs: 100, now: () => now })
    cache.set('k', 'v', 950) // read at 950, stored at 1000
    now = 1049
    expect(cache.get('k')).toBe('v')
    now = 1050
    expect(cache.get('k')).toBeUndefined()
    expect(cache.size).toBe(0)
  })

  it('keeps values without a ttl until they are pushed out or deleted', () => {
    let now = 0
    const cache = new BoundedCache<string, string>({ maxEntries: 10, now: () => now })
    cache.set('k', 'v')
    now = Number.MAX_SAFE_INTEGER
    expect(cache.get('k')).toBe('v')
    cache.delete('k')
    expect(cache.get('k')).toBeUndefined()
  })

  it('deletes every value a predicate picks', () => {
    const cache = new BoundedCache<string, { owner: string }>({ maxEntries: 10 })
    cache.set('1', { owner: 'ana' })
    cache.set('2', { owner: 'bo' })
    cache.set('3', { owner: 'ana' })
    cache.deleteWhere((v) => v.owner === 'ana')
    expect([cache.get('1'), cache.get('2'), cache.get('3')]).toEqual([undefined, { owner: 'bo' }, undefined])
  })
})
