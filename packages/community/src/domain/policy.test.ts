import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Relation } from './member.js'
import { DEFAULT_POLICY, Policy, type PolicyRequest, type PolicyRule, evaluatePolicy } from './policy.js'

// A model of each rule written from DOMAIN.md's wording, in whole minor units, against the real evaluator.
const relations = Relation.options
const direct = new Set(['spouse', 'parent', 'child', 'grandparent', 'grandchild'])

const arbPolicy = fc.record({
  cap: fc.option(fc.record({ limit: fc.integer({ min: 1, max: 200_000 }), donate: fc.boolean() }), { nil: null }),
  minLifetime: fc.option(fc.integer({ min: 1, max: 20_000 }), { nil: null }),
  frequency: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
  recipients: fc.constantFrom('none', 'anyone', 'relatives', 'direct-relatives' as const),
  giftHours: fc.boolean(),
  donations: fc.boolean(),
  serviceAge: fc.option(fc.record({ minAge: fc.integer({ min: 50, max: 80 }), spouseCounts: fc.boolean() }), { nil: null }),
  poolAge: fc.option(fc.integer({ min: 50, max: 90 }), { nil: null }),
  groupDonateOnly: fc.boolean(),
  maxActivity: fc.option(fc.integer({ min: 1, max: 2_400 }), { nil: null }),
})
type ModelPolicy = typeof arbPolicy extends fc.Arbitrary<infer T> ? T : never

const asPolicy = (m: ModelPolicy): Policy =>
  Policy.parse({
    // Hours are minor units (hundredths) in the model: written out as decimal text for the document.
    storageCap: { HOUR: m.cap && { limit: (m.cap.limit / 100).toFixed(2), excess: m.cap.donate ? 'donate' : 'refuse' } },
    minLifetimeHoursToRedeem: m.minLifetime === null ? null : (m.minLifetime / 100).toFixed(2),
    redemptionFrequency: m.frequency === null ? null : { times: m.frequency, per: 'quarter' },
    gifting: { recipients: m.recipients, assets: m.giftHours ? ['HOUR', 'POINT'] : ['POINT'] },
    donations: m.donations,
    serviceAge: m.serviceAge,
    poolFundedServices: m.poolAge === null ? null : { minAge: m.poolAge },
    groupHoursDonateOnly: m.groupDonateOnly,
    maxHoursPerActivity: m.maxActivity === null ? null : (m.maxActivity / 100).toFixed(2),
  })

const age = fc.option(fc.integer({ min: 0, max: 110 }), { nil: null })
const arbRequest: fc.Arbitrary<PolicyRequest> = fc.oneof(
  fc.record({
    action: fc.constant('gift' as const),
    asset: fc.constantFrom('HOUR', 'POINT' as const),
    from: fc.constantFrom('member', 'organisation' as const),
    relation: fc.option(fc.constantFrom(...relations), { nil: null }),
  }),
  fc.record({
    action: fc.constant('donate' as const),
    asset: fc.constantFrom('HOUR', 'POINT' as const),
    from: fc.constantFrom('member', 'organisation' as const),
  }),
  fc.record({
    action: fc.constant('redeem' as const),
    kind: fc.constantFrom('goods', 'service' as const),
    lifetimeHours: fc.bigInt({ min: 0n, max: 30_000n }),
    redemptionsThisPeriod: fc.integer({ min: 0, max: 5 }),
    age,
    spouseAge: age,
  }),
  fc.record({
    action: fc.constant('credit' as const),
    asset: fc.constant('HOUR' as const),
    amount: fc.bigInt({ min: 0n, max: 2_400n }),
    balance: fc.bigInt({ min: 0n, max: 250_000n }),
  }),
  fc.record({ action: fc.constant('poolFunding' as const), age }),
  fc.record({ action: fc.constant('activityHours' as const), hours: fc.bigInt({ min: 1n, max: 2_400n }) }),
)

/** What the model says: the rule refusing, or the credit split. */
function model(m: ModelPolicy, r: PolicyRequest): { refusedBy: PolicyRule } | { credit?: bigint; excess?: bigint } {
  switch (r.action) {
    case 'gift':
      if (m.groupDonateOnly && r.from === 'organisation' && r.asset === 'HOUR') return { refusedBy: 'groupHoursDonateOnly' }
      if (r.asset === 'HOUR' && !m.giftHours) return { refusedBy: 'gifting' }
      if (m.recipients === 'none') return { refusedBy: 'gifting' }
      if (m.recipients === 'relatives' && !r.relation) return { refusedBy: 'gifting' }
      if (m.recipients === 'direct-relatives' && !(r.relation && direct.has(r.relation))) return { refusedBy: 'gifting' }
      return {}
    case 'donate':
      return r.from === 'member' && !m.donations ? { refusedBy: 'donations' } : {}
    case 'redeem': {
      if (m.minLifetime !== null && r.lifetimeHours < BigInt(m.minLifetime)) return { refusedBy: 'minLifetimeHoursToRedeem' }
      if (r.kind === 'goods' && m.frequency !== null && r.redemptionsThisPeriod >= m.frequency) return { refusedBy: 'redemptionFrequency' }
      const sa = m.serviceAge
      if (r.kind === 'service' && sa) {
        const ok = (a: number | null) => a !== null && a >= sa.minAge
        if (!ok(r.age) && !(sa.spouseCounts && ok(r.spouseAge))) return { refusedBy: 'serviceAge' }
      }
      return {}
    }
    case 'credit': {
      if (!m.cap) return { credit: r.amount, excess: 0n }
      const cap = BigInt(m.cap.limit)
      let credit = r.amount
      while (credit > 0n && r.balance + credit > cap) credit-- // the model counts down; the evaluator computes
      if (credit === r.amount) return { credit, excess: 0n }
      return m.cap.donate ? { credit, excess: r.amount - credit } : { refusedBy: 'storageCap' }
    }
    case 'activityHours':
      return { credit: m.maxActivity !== null && BigInt(m.maxActivity) < r.hours ? BigInt(m.maxActivity) : r.hours }
    case 'poolFunding':
      return m.poolAge === null || (r.age !== null && r.age >= m.poolAge) ? {} : { refusedBy: 'poolFundedServices' }
  }
}

describe('evaluatePolicy', () => {
  it('agrees with a model of every rule, and every refusal names its rule and the version', () => {
    fc.assert(
      fc.property(arbPolicy, arbRequest, fc.integer({ min: 1, max: 99 }), (m, request, version) => {
        const decision = evaluatePolicy({ version, policy: asPolicy(m) }, request)
        const expected = model(m, request)
        if ('refusedBy' in expected) {
          expect(decision).toMatchObject({ allowed: false, rule: expected.refusedBy, version })
          if (!decision.allowed) expect(decision.message).toContain(`version ${version}`)
        } else {
          expect(decision).toEqual({ allowed: true, ...expected })
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('allows everything under the default policy', () => {
    const v = { version: 1, policy: DEFAULT_POLICY }
    expect(evaluatePolicy(v, { action: 'gift', asset: 'HOUR', from: 'organisation', relation: null }).allowed).toBe(true)
    expect(evaluatePolicy(v, { action: 'credit', asset: 'POINT', amount: 10n ** 15n, balance: 0n })).toEqual({
      allowed: true,
      credit: 10n ** 15n,
      excess: 0n,
    })
    expect(
      evaluatePolicy(v, { action: 'redeem', kind: 'service', lifetimeHours: 0n, redemptionsThisPeriod: 99, age: null, spouseAge: null })
        .allowed,
    ).toBe(true)
    expect(evaluatePolicy(v, { action: 'poolFunding', age: null })).toEqual({ allowed: true })
  })

  it('lets a credit of nothing through a cap the balance is already above (a lowered cap), whatever it does with excess', () => {
    for (const excess of ['refuse', 'donate'] as const) {
      const v = { version: 3, policy: Policy.parse({ storageCap: { POINT: { limit: '10', excess } } }) }
      expect(evaluatePolicy(v, { action: 'credit', asset: 'POINT', amount: 0n, balance: 12n })).toEqual({
        allowed: true,
        credit: 0n,
        excess: 0n,
      })
    }
  })

  it('refuses more decimals than an asset has, never rounding them', () => {
    expect(Policy.safeParse({ storageCap: { POINT: { limit: '1500.5' } } }).success).toBe(false)
    expect(Policy.safeParse({ storageCap: { HOUR: { limit: '1500.005' } } }).success).toBe(false)
    expect(Policy.safeParse({ welcomeGrant: { POINT: '5' } }).success).toBe(true)
    expect(Policy.safeParse({ unknownRule: true }).success).toBe(false)
    // Not a decimal at all: refused as such, never thrown from inside a refinement.
    for (const bad of ['abc', '', '1e3', '-1', '0']) {
      expect(Policy.safeParse({ minLifetimeHoursToRedeem: bad }).success).toBe(false)
      expect(Policy.safeParse({ storageCap: { POINT: { limit: bad } } }).success).toBe(false)
    }
  })
})
