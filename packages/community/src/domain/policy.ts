/**
 * A community's policy: the published rules of real programmes (../shared/DOMAIN.md) as one declarative,
 * versioned document, and the one pure function that judges a request against it. Every refusal names
 * the rule and the policy version, so a resident told "no" can be told why.
 *
 * Rules, all off (permissive) unless configured:
 * - `storageCap`: at most `limit` of an asset per member (Nanjing 1,500 h; Guangzhou 1,500 points); a credit
 *   above it is refused, or its excess goes to the community pool (`excess: 'donate'`);
 * - `minLifetimeHoursToRedeem`: lifetime hours before a first redemption (Guangzhou 100 h);
 * - `redemptionFrequency`: at most `times` redemptions of goods per calendar month, quarter or year;
 * - `gifting`: who may receive gifts (nobody, anyone, relatives, direct relatives and the spouse) and of what;
 * - `donations`: whether members may donate to the community pool;
 * - `serviceAge`: the age to redeem hours for services, the member's or their spouse's (Beijing 60, Shanghai 65);
 * - `poolFundedServices`: from what age the community pool pays a resident's services (off: as staff decide);
 * - `groupHoursDonateOnly`: an organisation's hours may only be donated (Nanjing);
 * - `welcomeGrant`: points or hours granted on joining (Hangzhou 5 points);
 * - `maxHoursPerActivity`: at most this many hours credited per activity (points supermarkets: 2 h);
 * - `pointsExpiry`: unspent points expire this many months after the day (month, year) they were credited in
 *   (null: they carry over); see domain/expiry.ts.
 *
 * @example
 * const policy = Policy.parse({ storageCap: { HOUR: { limit: '1500', excess: 'donate' } } })
 * evaluatePolicy({ version: 2, policy }, { action: 'credit', asset: 'HOUR', amount: 1000n, balance: 149_500n })
 * // { allowed: true, credit: 500n, excess: 500n }
 */
import { z } from 'zod'
import { ExpiryRule } from './expiry.js'
import { HOURS_SCALE } from './hours.js'
import { type Relation, isDirectRelation } from './member.js'
import { DecimalText, Decimal, toMinor } from './rounding.js'

/** The spendable assets a policy speaks of, with their scales. */
export const POLICY_ASSETS = { HOUR: HOURS_SCALE, POINT: 0 } as const
export const PolicyAsset = z.enum(['HOUR', 'POINT'])
export type PolicyAsset = z.infer<typeof PolicyAsset>

/** A positive amount of an asset, no more decimals than it has (never rounded), at most 10^9. */
const AmountOf = (scale: number) =>
  // Piped: the refinements run only on text the pattern accepted (a refinement of the pattern itself would run anyway).
  DecimalText.pipe(
    z
      .string()
      .refine((s) => new Decimal(s).decimalPlaces() <= scale, `at most ${scale} decimal places`)
      .refine((s) => new Decimal(s).gt(0), 'must be more than 0'),
  )
const Hours = AmountOf(HOURS_SCALE)
const Points = AmountOf(0)

const Cap = (amount: z.ZodType<string>) =>
  z.strictObject({
    limit: amount,
    /** A credit above the cap: refused, or its excess credited to the community pool in the same batch. */
    excess: z.enum(['refuse', 'donate']).default('refuse'),
  })

export const GiftRecipients = z.enum(['none', 'anyone', 'relatives', 'direct-relatives'])
export type GiftRecipients = z.infer<typeof GiftRecipients>

export const Policy = z.strictObject({
  storageCap: z
    .strictObject({ HOUR: Cap(Hours).nullable().default(null), POINT: Cap(Points).nullable().default(null) })
    .default({ HOUR: null, POINT: null }),
  minLifetimeHoursToRedeem: Hours.nullable().default(null),
  redemptionFrequency: z
    .strictObject({ times: z.number().int().min(1).max(1000), per: z.enum(['month', 'quarter', 'year']) })
    .nullable()
    .default(null),
  gifting: z
    .strictObject({
      recipients: GiftRecipients.default('anyone'),
      assets: z.array(PolicyAsset).max(2).default(['HOUR', 'POINT']),
    })
    .default({ recipients: 'anyone', assets: ['HOUR', 'POINT'] }),
  donations: z.boolean().default(true),
  serviceAge: z
    .strictObject({ minAge: z.number().int().min(0).max(150), spouseCounts: z.boolean().default(true) })
    .nullable()
    .default(null),
  poolFundedServices: z
    .strictObject({ minAge: z.number().int().min(0).max(150) })
    .nullable()
    .default(null),
  groupHoursDonateOnly: z.boolean().default(false),
  welcomeGrant: z.strictObject({ HOUR: Hours.optional(), POINT: Points.optional() }).default({}),
  maxHoursPerActivity: Hours.nullable().default(null),
  pointsExpiry: ExpiryRule.nullable().default(null),
})
export type Policy = z.infer<typeof Policy>
export type PolicyInput = z.input<typeof Policy>

/** The policy a community starts with: every rule off. */
export const DEFAULT_POLICY: Policy = Policy.parse({})

/** The names of the rules a refusal can name. */
export const PolicyRule = z.enum([
  'storageCap',
  'minLifetimeHoursToRedeem',
  'redemptionFrequency',
  'gifting',
  'donations',
  'serviceAge',
  'poolFundedServices',
  'groupHoursDonateOnly',
])
export type PolicyRule = z.infer<typeof PolicyRule>

/** A policy with the version it is, as every decision names it. */
export interface VersionedPolicy {
  version: number
  policy: Policy
}

/** Who a value moves from: a member, or an organisation (a group). */
export type Payer = 'member' | 'organisation'

/** What is asked of the policy, with the facts it needs (gathered by the caller; the evaluator reads nothing). */
export type PolicyRequest =
  /** A gift to another member; `relation` is what the recipient is to the giver (null: not linked). */
  | { action: 'gift'; asset: PolicyAsset; from: Payer; relation: Relation | null }
  /** A donation to the community pool. */
  | { action: 'donate'; asset: PolicyAsset; from: Payer }
  /** A redemption: `lifetimeHours` in minor units, `redemptionsThisPeriod` made in the current frequency period. */
  | {
      action: 'redeem'
      kind: 'goods' | 'service'
      lifetimeHours: bigint
      redemptionsThisPeriod: number
      /** The member's age today, and their spouse's (null: unknown or none). */
      age: number | null
      spouseAge: number | null
    }
  /** A credit to a member's account holding `balance` (minor units, posted and pending credits). */
  | { action: 'credit'; asset: PolicyAsset; amount: bigint; balance: bigint }
  /** Whether the community pool pays this resident's service. */
  | { action: 'poolFunding'; age: number | null }
  /** The most hours one attendance of an activity may credit, given the activity's own most (minor units). */
  | { action: 'activityHours'; hours: bigint }

export interface PolicyRefusal {
  allowed: false
  rule: PolicyRule
  version: number
  message: string
  details: Record<string, unknown>
}

/** Allowed; for a credit, how much reaches the member and how much (the excess over a cap) goes to the pool. */
export type PolicyDecision = { allowed: true; credit?: bigint; excess?: bigint } | PolicyRefusal

/** The cap of an asset in minor units, or null. */
export function capOf(policy: Policy, asset: PolicyAsset): bigint | null {
  const cap = policy.storageCap[asset]
  return cap ? toMinor(new Decimal(cap.limit), POLICY_ASSETS[asset]) : null
}

/** A whole-hours figure in minor units, or null. */
const hoursOf = (text: string | null): bigint | null => (text === null ? null : toMinor(new Decimal(text), HOURS_SCALE))

/** Judge a request against a policy version. Pure: the same request and policy always answer the same. */
export function evaluatePolicy({ version, policy }: VersionedPolicy, request: PolicyRequest): PolicyDecision {
  const refuse = (rule: PolicyRule, message: string, details: Record<string, unknown> = {}): PolicyRefusal => ({
    allowed: false,
    rule,
    version,
    message: `${message} (policy version ${version}, rule ${rule})`,
    details,
  })
  switch (request.action) {
    case 'gift': {
      const { recipients, assets } = policy.gifting
      if (request.from === 'organisation' && request.asset === 'HOUR' && policy.groupHoursDonateOnly) {
        return refuse('groupHoursDonateOnly', "an organisation's hours may only be donated")
      }
      if (!assets.includes(request.asset)) return refuse('gifting', `${request.asset} may not be gifted`, { asset: request.asset })
      if (recipients === 'none') return refuse('gifting', 'gifts are not allowed', { recipients })
      if (recipients === 'relatives' && request.relation === null) {
        return refuse('gifting', 'gifts may go only to a linked relative', { recipients })
      }
      if (recipients === 'direct-relatives' && (request.relation === null || !isDirectRelation(request.relation))) {
        return refuse('gifting', 'gifts may go only to the spouse or a direct relative', { recipients, relation: request.relation })
      }
      return { allowed: true }
    }
    case 'donate':
      if (request.from === 'member' && !policy.donations) return refuse('donations', 'donations are not allowed')
      return { allowed: true }
    case 'redeem': {
      const min = hoursOf(policy.minLifetimeHoursToRedeem)
      if (min !== null && request.lifetimeHours < min) {
        return refuse('minLifetimeHoursToRedeem', `redeeming needs ${policy.minLifetimeHoursToRedeem} lifetime hours`, {
          required: policy.minLifetimeHoursToRedeem,
        })
      }
      // Frequency is a points supermarket's rule (goods); services are paid in hours, when they are needed.
      const frequency = policy.redemptionFrequency
      if (request.kind === 'goods' && frequency && request.redemptionsThisPeriod >= frequency.times) {
        return refuse('redemptionFrequency', `at most ${frequency.times} redemption(s) per ${frequency.per}`, { ...frequency })
      }
      const age = policy.serviceAge
      if (request.kind === 'service' && age) {
        const oldEnough = (a: number | null) => a !== null && a >= age.minAge
        if (!oldEnough(request.age) && !(age.spouseCounts && oldEnough(request.spouseAge))) {
          return refuse(
            'serviceAge',
            `services are redeemed from age ${age.minAge}${age.spouseCounts ? ", the member's or the spouse's" : ''}`,
            { minAge: age.minAge, spouseCounts: age.spouseCounts },
          )
        }
      }
      return { allowed: true }
    }
    case 'credit': {
      const cap = capOf(policy, request.asset)
      // Nothing credited crosses no cap, even for a balance already above a lowered one.
      if (cap === null || request.amount === 0n || request.balance + request.amount <= cap) {
        return { allowed: true, credit: request.amount, excess: 0n }
      }
      const room = cap > request.balance ? cap - request.balance : 0n
      const rule = policy.storageCap[request.asset]
      if (rule?.excess !== 'donate') {
        return refuse('storageCap', `a member holds at most ${rule?.limit} ${request.asset}`, { asset: request.asset, limit: rule?.limit })
      }
      return { allowed: true, credit: room, excess: request.amount - room }
    }
    case 'activityHours': {
      const most = hoursOf(policy.maxHoursPerActivity)
      return { allowed: true, credit: most !== null && most < request.hours ? most : request.hours }
    }
    case 'poolFunding': {
      // Off, staff decide who the pool pays for; on, only residents of the age.
      const rule = policy.poolFundedServices
      if (rule && (request.age === null || request.age < rule.minAge)) {
        return refuse('poolFundedServices', `the pool pays services from age ${rule.minAge}`, { minAge: rule.minAge })
      }
      return { allowed: true }
    }
  }
}
