import { describe, expect, it } from 'vitest'
import { Id } from './schemas.js'
import { isSealed, sealedRedeemBody, sealedTransferBody } from './sealed.js'

const Body = sealedTransferBody(Id.optional())

describe('sealed move bodies', () => {
  it('seal and deep-freeze what a successful parse outputs', () => {
    const body = Body.parse({ from: 'a', to: 'b', amount: '1.5', metadata: { tags: ['x'], nested: { n: 1 } } })
    expect(isSealed(body)).toBe(true)
    expect(Object.isFrozen(body)).toBe(true)
    expect(Object.isFrozen(body.metadata)).toBe(true)
    expect(Object.isFrozen((body.metadata as { tags: string[] }).tags)).toBe(true)
    expect(() => {
      ;(body as { amount: string }).amount = 'lots'
    }).toThrow()
  })

  it('refuse what the ledger refuses, and seal nothing else', () => {
    expect(Body.safeParse({ from: 'a', to: 'b', amount: '1,5' }).success).toBe(false)
    expect(Body.safeParse({ from: 'a', to: 'b', amount: '1', extra: true }).success).toBe(false)
    const copy = { ...Body.parse({ from: 'a', to: 'b', amount: '1' }) }
    expect(isSealed(copy)).toBe(false)
    expect(isSealed({ from: 'a', to: 'b', amount: '1' })).toBe(false)
    expect(isSealed(null)).toBe(false)
  })

  it('cannot be narrowed into a schema that keeps the seal but skips a check', () => {
    expect(() => Body.omit({ amount: true })).toThrow()
    expect(isSealed(sealedRedeemBody(Id.optional()).parse({ from: 'a', to: 's', amount: '2', item: { ref: 'rice' } }))).toBe(true)
  })
})
