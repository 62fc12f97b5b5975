import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Conduct, PointsRule, type Role, computePoints } from './points.js'
import { fromText, mul, q, roundTo } from './rational.test-model.js'
import { roundToStep } from './rounding.js'

const decimal = (max: number) =>
  fc
    .tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max: 99 }))
    .map(([w, f]) => (f === 0 ? String(w) : `${w}.${String(f).padStart(2, '0')}`))
const rule: fc.Arbitrary<PointsRule> = fc.record({
  pointsPerHour: decimal(50),
  roleMultipliers: fc.record({ member: decimal(3), leader: decimal(3), organiser: decimal(3) }),
  fixedPoints: fc.dictionary(fc.constantFrom('referral', 'clean-up'), decimal(20)),
  rounding: fc.constantFrom('down', 'up', 'half-up', 'half-even'),
})

describe('the points formula', () => {
  it('is (fixed points of the kind, else hours × rate) × role × conduct, rounded to whole points by the rule, exactly', () => {
    fc.assert(
      fc.property(
        rule,
        fc.bigInt({ min: 0n, max: 100_000n }),
        fc.constantFrom<Role>('member', 'leader', 'organiser'),
        fc.constantFrom<Conduct>('1', '0.5', '0'),
        fc.constantFrom('referral', 'clean-up', 'elder-visit'),
        (r, hours, role, conduct, kind) => {
          const fixed = r.fixedPoints[kind]
          const base = fixed !== undefined ? fromText(fixed) : mul(q(hours, 100n), fromText(r.pointsPerHour))
          const exact = mul(mul(base, fromText(r.roleMultipliers[role])), fromText(conduct))
          expect(computePoints({ hours, role, conduct, kind }, r)).toBe(roundTo(exact, q(1n), r.rounding, q(1n)))
        },
      ),
    )
  })

  it('stays exact with every digit a rule may have, up to its bounds (decimal.js alone would cut at 20 digits)', () => {
    // Up to 9 digits after the point, up to the largest value the rule accepts.
    const wide = (max: number) =>
      fc
        .tuple(fc.integer({ min: 0, max: max - 1 }), fc.integer({ min: 0, max: 999_999_999 }))
        .map(([w, f]) => `${w}.${String(f).padStart(9, '0')}`)
    const wideRule: fc.Arbitrary<PointsRule> = fc.record({
      pointsPerHour: wide(1_000_000),
      roleMultipliers: fc.record({ member: wide(100), leader: wide(100), organiser: wide(100) }),
      fixedPoints: fc.dictionary(fc.constantFrom('referral'), wide(1_000_000)),
      rounding: fc.constantFrom('down', 'up', 'half-up', 'half-even'),
    })
    fc.assert(
      fc.property(
        wideRule,
        fc.bigInt({ min: 0n, max: 2400n }),
        fc.constantFrom<Role>('member', 'leader', 'organiser'),
        fc.constantFrom<Conduct>('1', '0.5'),
        fc.constantFrom('referral', 'elder-visit'),
        (r, hours, role, conduct, kind) => {
          expect(PointsRule.safeParse(r).success).toBe(true)
          const fixed = r.fixedPoints[kind]
          const base = fixed !== undefined ? fromText(fixed) : mul(q(hours, 100n), fromText(r.pointsPerHour))
          const exact = mul(mul(base, fromText(r.roleMultipliers[role])), fromText(conduct))
          expect(computePoints({ hours, role, conduct, kind }, r)).toBe(roundTo(exact, q(1n), r.rounding, q(1n)))
        },
      ),
      { numRuns: 2000 },
    )
    // Rounding sees a tail 22 digits down: decimal.js at its default precision would have dropped it.
    expect(roundToStep('1000000000.0000000000001', '1', 'up').toFixed()).toBe('1000000001')
    expect(roundToStep('2.5000000000000000000001', '1', 'half-even').toFixed()).toBe('3')
  })

  it('refuses a rule beyond its bounds, so no record can earn more points than storage holds', () => {
    const ok = {
      pointsPerHour: '1000000',
      roleMultipliers: { member: '100', leader: '1', organiser: '1' },
      fixedPoints: {},
      rounding: 'up',
    }
    expect(PointsRule.safeParse(ok).success).toBe(true)
    expect(PointsRule.safeParse({ ...ok, pointsPerHour: '1000000.000000001' }).success).toBe(false)
    expect(PointsRule.safeParse({ ...ok, roleMultipliers: { ...ok.roleMultipliers, leader: '100.1' } }).success).toBe(false)
    expect(PointsRule.safeParse({ ...ok, fixedPoints: { referral: '1000001' } }).success).toBe(false)
  })

  it('settles exact halves by the rule: up, down, half up or half to even', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10_000n }), fc.constantFrom('down', 'up', 'half-up', 'half-even'), (halves, mode) => {
        // halves × 0.5 h at 1 point an hour: every odd count is a tie.
        const r = {
          pointsPerHour: '1',
          roleMultipliers: { member: '1', leader: '1', organiser: '1' },
          fixedPoints: {},
          rounding: mode,
        } as PointsRule
        const got = computePoints({ hours: halves * 50n, role: 'member', conduct: '1', kind: 'x' }, r)
        expect(got).toBe(roundTo(q(halves, 2n), q(1n), mode as PointsRule['rounding'], q(1n)))
      }),
    )
    const at = (hours: bigint, rounding: PointsRule['rounding']) =>
      computePoints(
        { hours, role: 'member', conduct: '1', kind: 'x' },
        { pointsPerHour: '1', roleMultipliers: { member: '1', leader: '1', organiser: '1' }, fixedPoints: {}, rounding },
      )
    expect([at(50n, 'half-up'), at(250n, 'half-up'), at(50n, 'half-even'), at(250n, 'half-even'), at(350n, 'half-even')]).toEqual([
      1n,
      3n,
      0n,
      2n,
      4n,
    ])
  })

  it('gives a leader 1.4 times a member and nothing for conduct 0', () => {
    const r: PointsRule = {
      pointsPerHour: '10',
      roleMultipliers: { member: '1', leader: '1.4', organiser: '1.2' },
      fixedPoints: { referral: '2' },
      rounding: 'half-up',
    }
    expect(computePoints({ hours: 150n, role: 'leader', conduct: '1', kind: 'x' }, r)).toBe(21n)
    expect(computePoints({ hours: 150n, role: 'member', conduct: '0.5', kind: 'x' }, r)).toBe(8n) // 7.5 rounds half up
    expect(computePoints({ hours: 150n, role: 'organiser', conduct: '0', kind: 'x' }, r)).toBe(0n)
    expect(computePoints({ hours: 0n, role: 'member', conduct: '1', kind: 'referral' }, r)).toBe(2n)
  })
})
