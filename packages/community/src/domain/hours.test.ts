import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { creditableHours } from './hours.js'
import { fromText, q, roundTo } from './rational.test-model.js'

const steps = fc.constantFrom('0.01', '0.05', '0.1', '0.25', '0.5', '1', '1.5')
const modes = fc.constantFrom('down', 'up', 'half-up', 'half-even') as fc.Arbitrary<'down' | 'up' | 'half-up' | 'half-even'>

describe('creditable hours', () => {
  it('round the attended time to the configured step by the configured mode, capped, exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 * 3600_000 }), steps, modes, fc.integer({ min: 1, max: 2400 }), (ms, step, mode, cap) => {
        const from = new Date('2026-03-01T00:00:00Z')
        const to = new Date(from.getTime() + ms)
        const got = creditableHours({ from, to, rounding: { step, mode }, maxHours: BigInt(cap) })
        const hours = q(BigInt(ms), 3_600_000n)
        const expected = roundTo(hours, fromText(step), mode, q(1n, 100n))
        expect(got).toBe(expected < BigInt(cap) ? expected : BigInt(cap))
      }),
    )
  })

  it('settle attendance exactly between two steps by the mode', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), steps, modes, (halfSteps, step, mode) => {
        const from = new Date('2026-03-01T00:00:00Z')
        const ms = Math.round((halfSteps * Number(step) * 3_600_000) / 2)
        const got = creditableHours({ from, to: new Date(from.getTime() + ms), rounding: { step, mode }, maxHours: 1_000_000n })
        expect(got).toBe(roundTo(q(BigInt(ms), 3_600_000n), fromText(step), mode, q(1n, 100n)))
      }),
    )
  })

  it('credit 1 h 40 min as 1.50 h down to a quarter hour, and never more than the cap', () => {
    const from = new Date('2026-03-01T09:00:00Z')
    const to = new Date('2026-03-01T10:40:00Z')
    expect(creditableHours({ from, to, rounding: { step: '0.25', mode: 'down' }, maxHours: 200n })).toBe(150n)
    expect(creditableHours({ from, to, rounding: { step: '0.25', mode: 'up' }, maxHours: 200n })).toBe(175n)
    expect(creditableHours({ from, to: new Date('2026-03-01T14:00:00Z'), rounding: { step: '0.25', mode: 'down' }, maxHours: 200n })).toBe(
      200n,
    )
    expect(creditableHours({ from: to, to: from, rounding: { step: '0.25', mode: 'up' }, maxHours: 200n })).toBe(0n)
  })
})

describe('the rounding rule', () => {
  it('is refused, not thrown, when its step is not a decimal', async () => {
    const { HoursRounding } = await import('./hours.js')
    expect(HoursRounding.safeParse({ step: 'abc', mode: 'down' }).success).toBe(false)
    expect(HoursRounding.safeParse({ step: '0', mode: 'down' }).success).toBe(false)
    expect(HoursRounding.safeParse({ step: '0.125', mode: 'down' }).success).toBe(false)
    expect(HoursRounding.safeParse({ step: '0.25', mode: 'down' }).success).toBe(true)
  })
})
