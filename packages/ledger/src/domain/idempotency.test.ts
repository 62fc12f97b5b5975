import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { requestHash, sameRequest } from './idempotency.js'

describe('request fingerprints', () => {
  it('are the same whatever the order of keys', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (o) => {
        const reversed = Object.fromEntries(Object.entries(o).reverse())
        expect(requestHash(reversed)).toBe(requestHash(o))
      }),
    )
  })

  it('differ when any value differs', () => {
    expect(requestHash({ amount: '1.50', to: 'ana' })).not.toBe(requestHash({ amount: '1.5', to: 'ana' }))
    expect(requestHash({ a: null })).not.toBe(requestHash({}))
  })

  it('make a replay only when the stored fingerprint is the same, never when none was stored', () => {
    const hash = requestHash({ name: 'front desk' })
    expect(sameRequest(hash, hash)).toBe(true)
    expect(sameRequest(requestHash({ name: 'other' }), hash)).toBe(false)
    expect(sameRequest(null, hash)).toBe(false)
  })
})
