/**
 * Enforcing the policy: the facts a decision needs (relations, lifetime hours, ages) gathered from the
 * community's rows and the ledger, judged by the one evaluator (domain/policy.ts), a refusal thrown as
 * POLICY_VIOLATION naming the rule and the version. Every path that moves a member's value asks here:
 * the community's gifts, donations, redemptions and services, and the API's plain ledger routes for
 * member keys (`checkMovement`), so no path lets a member do what the policy refuses.
 *
 * @example
 * await enforce(ctx, tenantId, { action: 'donate', asset: 'HOUR', from: 'member' })
 */
import { type Account, parseAmount } from '@timebank/ledger'
import { BoundedCache } from '@timebank/ledger/kit'
import { and, count, eq, gte, inArray, lt, ne } from 'drizzle-orm'
import type { CommunityContext } from './context.js'
import { CommunityError, CommunityErrorCode } from './domain/errors.js'
import { ASSETS, COMMUNITY_OWNER, memberAccount, poolAccount } from './domain/ids.js'
import { ageOn } from './domain/member.js'
import { bounds, dateIn, monthOf, periodsOfMonth } from './domain/periods.js'
import { Decimal, toMinor } from './domain/rounding.js'
import {
  DEFAULT_POLICY,
  POLICY_ASSETS,
  type PolicyAsset,
  type PolicyDecision,
  type PolicyRefusal,
  type PolicyRequest,
  type VersionedPolicy,
  capOf,
  evaluatePolicy,
} from './domain/policy.js'
import type { HoldFacts } from './orders/pre-hold.js'
import { members, redemptions } from './storage/schema.js'

/** A refusal as the error every caller throws. */
export const violation = (r: PolicyRefusal): CommunityError =>
  new CommunityError(CommunityErrorCode.POLICY_VIOLATION, r.message, { rule: r.rule, policyVersion: r.version, ...r.details })

/** Judge a request under the policy in force; throw its refusal. Returns the decision and the version judged by. */
export async function enforce(
  ctx: CommunityContext,
  tenantId: string,
  request: PolicyRequest,
): Promise<{ decision: Extract<PolicyDecision, { allowed: true }>; policy: VersionedPolicy }> {
  const policy = await ctx.policy(tenantId)
  const decision = evaluatePolicy(policy, request)
  if (!decision.allowed) throw violation(decision)
  return { decision, policy }
}

/** The most hours an attendance of an activity credits: the activity's own most, within the policy's. */
export async function activityHoursCap(ctx: CommunityContext, tenantId: string, activityMax: bigint): Promise<bigint> {
  const { decision } = await enforce(ctx, tenantId, { action: 'activityHours', hours: activityMax })
  return decision.credit ?? activityMax
}

/** The member's lifetime hours, in hundredths. */
export async function lifetimeHours(ctx: CommunityContext, tenantId: string, memberId: string): Promise<bigint> {
  const balance = await ctx.ledger.getBalance({ tenantId, accountId: memberAccount(memberId, ASSETS.lifetime) })
  return balanceOf(balance.posted, 2)
}

/** A balance (signed, possibly zero) in minor units. */
const balanceOf = (text: string, scale: number): bigint => toMinor(new Decimal(text), scale)

/** What an account holds against its cap: posted, and held on its way in (the ledger's ceiling counts both). */
export async function heldBalance(ctx: CommunityContext, tenantId: string, accountId: string, scale: number): Promise<bigint> {
  const b = await ctx.ledger.getBalance({ tenantId, accountId })
  return balanceOf(b.posted, scale) + balanceOf(b.pendingCredits, scale)
}

/** The member's age today and their spouse's (null when a birth date is unknown or there is no linked spouse). */
export async function agesOf(
  ctx: CommunityContext,
  tenantId: string,
  memberId: string,
): Promise<{ age: number | null; spouseAge: number | null }> {
  const { settings } = await ctx.community(tenantId)
  const today = dateIn(ctx.now(), settings.timeZone)
  const birthOf = async (id: string) =>
    (
      await ctx.db
        .select({ birthDate: members.birthDate })
        .from(members)
        .where(and(eq(members.tenantId, tenantId), eq(members.id, id)))
    )[0]?.birthDate ?? null
  const spouse = [...(await ctx.relativesOf(tenantId, memberId))].find(([, relation]) => relation === 'spouse')?.[0]
  const own = await birthOf(memberId)
  const spouseBirth = spouse ? await birthOf(spouse) : null
  return { age: own ? ageOn(own, today) : null, spouseAge: spouseBirth ? ageOn(spouseBirth, today) : null }
}

/** Check a gift from a member (or an organisation) to a member: gifting rules, then the recipient's cap. */
export async function enforceGift(
  ctx: CommunityContext,
  tenantId: string,
  gift: { from: { type: 'member' | 'organisation'; id: string }; to: string; toAccount?: string; asset: PolicyAsset; amount: bigint },
): Promise<VersionedPolicy> {
  const policy = await ctx.policy(tenantId)
  // The relation is read only when the gifting rule asks who the recipient is (one round trip the others skip).
  const { recipients } = policy.policy.gifting
  const asksRelation = gift.from.type === 'member' && (recipients === 'relatives' || recipients === 'direct-relatives')
  const relation = asksRelation ? ((await ctx.relativesOf(tenantId, gift.from.id)).get(gift.to) ?? null) : null
  const decision = evaluatePolicy(policy, { action: 'gift', asset: gift.asset, from: gift.from.type, relation })
  if (!decision.allowed) throw violation(decision)
  await enforceRoom(ctx, tenantId, policy, gift.toAccount ?? memberAccount(gift.to, gift.asset), gift.asset, gift.amount, 'a gift')
  return policy
}

/**
 * A credit paid whole to a member's account (a gift, a service's hours, a wish's reward) must fit under the cap:
 * refused naming the rule when it does not, whatever the cap does with excess (only an approval splits a credit to
 * the pool). The ledger's ceiling guards a race; this names the rule when the cap is already in the way.
 */
async function enforceRoom(
  ctx: CommunityContext,
  tenantId: string,
  policy: VersionedPolicy,
  accountId: string,
  asset: PolicyAsset,
  amount: bigint,
  what: string,
): Promise<void> {
  // Without a cap on the asset every credit is allowed whole: no balance to read.
  if (capOf(policy.policy, asset) === null) return
  const held = await heldBalance(ctx, tenantId, accountId, POLICY_ASSETS[asset])
  const credit = evaluatePolicy(policy, { action: 'credit', asset, amount, balance: held })
  if (!credit.allowed) throw violation(credit)
  if ((credit.excess ?? 0n) > 0n) {
    const limit = policy.policy.storageCap[asset]?.limit
    throw violation({
      allowed: false,
      rule: 'storageCap',
      version: policy.version,
      message: `${what} may not take a member over the cap of ${limit} ${asset} (policy version ${policy.version}, rule storageCap)`,
      details: { asset, limit },
    })
  }
}

/**
 * Before a points-supermarket redemption is written: the lifetime-hours minimum. The frequency is judged as the row
 * is written (`enforceRedemptionSlot`), and a plain ledger redeem under a frequency rule is refused before this.
 */
export async function enforceRedemption(ctx: CommunityContext, r: { tenantId: string; memberId: string; at: Date }): Promise<void> {
  const { policy } = await ctx.policy(r.tenantId)
  // Lifetime hours are read only when a rule asks for them (0 stands for "not asked": no rule judges them). The
  // frequency is not counted here: enforceRedemptionSlot counts it under the member's lock, where it cannot be raced.
  const lifetime = policy.minLifetimeHoursToRedeem === null ? 0n : await lifetimeHours(ctx, r.tenantId, r.memberId)
  await enforce(ctx, r.tenantId, {
    action: 'redeem',
    kind: 'goods',
    lifetimeHours: lifetime,
    redemptionsThisPeriod: 0,
    age: null,
    spouseAge: null,
  })
}

/**
 * The frequency rule where it cannot be raced: with the member's redemptions serialised (the caller holds a lock per
 * member in `db`'s transaction), count those of the period other than this one, and refuse when they fill it.
 */
export async function enforceRedemptionSlot(
  db: CommunityContext['db'],
  policy: VersionedPolicy,
  timeZone: string,
  r: { tenantId: string; memberId: string; id: string; at: Date },
): Promise<void> {
  const frequency = policy.policy.redemptionFrequency
  if (!frequency) return
  const others = await redemptionsInPeriod(db, timeZone, r.tenantId, r.memberId, frequency.per, r.at, { except: r.id })
  // Judged against the frequency rule alone: the other rules were judged before, with the facts they need.
  const frequencyOnly = { version: policy.version, policy: { ...DEFAULT_POLICY, redemptionFrequency: frequency } }
  const decision = evaluatePolicy(frequencyOnly, {
    action: 'redeem',
    kind: 'goods',
    lifetimeHours: 0n,
    redemptionsThisPeriod: others,
    age: null,
    spouseAge: null,
  })
  if (!decision.allowed) throw violation(decision)
}

/**
 * A member's supermarket redemptions that count (reserving, reserved or handed over) in the calendar period around
 * `at`, but for the one named `except`.
 */
async function redemptionsInPeriod(
  db: CommunityContext['db'],
  timeZone: string,
  tenantId: string,
  memberId: string,
  per: 'month' | 'quarter' | 'year',
  at: Date,
  options: { except?: string } = {},
): Promise<number> {
  const [month, quarter, year] = periodsOfMonth(monthOf(at, timeZone)) as [string, string, string]
  const { from, to } = bounds(per === 'month' ? month : per === 'quarter' ? quarter : year, timeZone)
  const [row] = await db
    .select({ n: count() })
    .from(redemptions)
    .where(
      and(
        eq(redemptions.tenantId, tenantId),
        eq(redemptions.memberId, memberId),
        inArray(redemptions.status, ['reserving', 'reserved', 'handed_over']),
        gte(redemptions.createdAt, from),
        lt(redemptions.createdAt, to),
        ...(options.except === undefined ? [] : [ne(redemptions.id, options.except)]),
      ),
    )
  return row?.n ?? 0
}

/**
 * Before an order's hours are held: a volunteer provider must have room for them under the cap (storageCap); the
 * pool pays only for a resident the policy entitles (poolFundedServices); a resident paying with their own hours
 * redeems a service (lifetime-hours minimum, service age).
 */
export async function enforceServiceOrder(ctx: CommunityContext, facts: HoldFacts): Promise<void> {
  // A volunteer paid in hours must have room for them under the cap (an organisation has no cap).
  if (facts.provider.type === 'member') {
    const policy = await ctx.policy(facts.tenantId)
    await enforceRoom(ctx, facts.tenantId, policy, memberAccount(facts.provider.id, 'HOUR'), 'HOUR', facts.hours, "a service's hours")
  }
  const ages = await agesOf(ctx, facts.tenantId, facts.residentId)
  if (facts.payer === 'pool') {
    await enforce(ctx, facts.tenantId, { action: 'poolFunding', age: ages.age })
    return
  }
  const lifetime = await lifetimeHours(ctx, facts.tenantId, facts.residentId)
  await enforce(ctx, facts.tenantId, { action: 'redeem', kind: 'service', lifetimeHours: lifetime, redemptionsThisPeriod: 0, ...ages })
}

/**
 * Before a wish's reward is promised to a volunteer (a claim) or paid to them (a confirmation): the volunteer must
 * have room for it under the points cap (storageCap), the same rule as a service's hours.
 */
export async function enforceWishReward(
  ctx: CommunityContext,
  reward: { tenantId: string; volunteerId: string; points: bigint },
): Promise<void> {
  const policy = await ctx.policy(reward.tenantId)
  await enforceRoom(ctx, reward.tenantId, policy, memberAccount(reward.volunteerId, 'POINT'), 'POINT', reward.points, "a wish's reward")
}

/** What the community knows of a ledger account for a decision: its asset, owner and kind (never change). */
interface AccountFacts {
  asset: string
  owner: Account['owner']
  kind: string
}

const accountCache = new WeakMap<object, BoundedCache<string, AccountFacts>>()

async function factsOf(ctx: CommunityContext, tenantId: string, accountId: string): Promise<AccountFacts> {
  let cache = accountCache.get(ctx.ledger)
  if (!cache) {
    cache = new BoundedCache({ maxEntries: 50_000 })
    accountCache.set(ctx.ledger, cache)
  }
  const key = `${tenantId}\n${accountId}`
  const known = cache.get(key)
  if (known) return known
  const a = await ctx.ledger.getAccount({ tenantId, accountId })
  const facts = { asset: a.asset, owner: a.owner, kind: a.kind }
  cache.set(key, facts)
  return facts
}

/** Whether the tenant is a community's (a plain ledger tenant has no policy to apply). */
async function hasCommunity(ctx: CommunityContext, tenantId: string): Promise<boolean> {
  try {
    await ctx.community(tenantId)
    return true
  } catch (e) {
    if (e instanceof CommunityError && e.code === CommunityErrorCode.COMMUNITY_NOT_FOUND) return false
    throw e
  }
}

const isPolicyAsset = (asset: string): asset is PolicyAsset => asset === 'HOUR' || asset === 'POINT'

/**
 * A member key's plain ledger move (transfer or redeem, from an account it owns), judged as what it is in the
 * community: to the pool, a donation; to another member or an organisation, a gift; into a redemption account,
 * a redemption of goods. Moves between one's own accounts, of other
 * assets, or in a tenant that has no community pass. Missing accounts pass too: the ledger refuses them.
 */
export async function checkMovement(
  ctx: CommunityContext,
  input: { tenantId: string; from: string; to: string; amount: string },
): Promise<void> {
  const { tenantId } = input
  if (!(await hasCommunity(ctx, tenantId))) return
  const [from, to] = await Promise.all([
    factsOf(ctx, tenantId, input.from).catch(() => null),
    factsOf(ctx, tenantId, input.to).catch(() => null),
  ])
  if (!from || !to || !isPolicyAsset(from.asset)) return
  if (from.owner.type !== 'member' && from.owner.type !== 'organisation') return
  if (to.owner.type === from.owner.type && to.owner.id === from.owner.id) return
  const payer = from.owner.type
  if (to.kind === 'redemption') {
    if (payer !== 'member') return
    const current = await ctx.policy(tenantId)
    // A plain redeem is not a supermarket redemption the frequency can count: under that rule, redeem there.
    if (current.policy.redemptionFrequency) {
      const { times, per } = current.policy.redemptionFrequency
      throw violation({
        allowed: false,
        rule: 'redemptionFrequency',
        version: current.version,
        message: `redemptions are limited to ${times} per ${per}, counted at the points supermarket: redeem there (policy version ${current.version}, rule redemptionFrequency)`,
        details: { times, per },
      })
    }
    await enforceRedemption(ctx, { tenantId, memberId: from.owner.id, at: ctx.now() })
    return
  }
  if (input.to === poolAccount(from.asset) && to.owner.type === COMMUNITY_OWNER.type && to.owner.id === COMMUNITY_OWNER.id) {
    await enforce(ctx, tenantId, { action: 'donate', asset: from.asset, from: payer })
    return
  }
  if (to.owner.type === 'member') {
    let amount: bigint
    try {
      amount = parseAmount(input.amount, POLICY_ASSETS[from.asset])
    } catch {
      return // the ledger refuses the amount itself, with its own code
    }
    await enforceGift(ctx, tenantId, {
      from: { type: payer, id: from.owner.id },
      to: to.owner.id,
      toAccount: input.to,
      asset: from.asset,
      amount,
    })
    return
  }
  // The community's own accounts besides the pool (escrows, shelves, lifetime hours) are moved by its workflows
  // alone: paid into by hand, they would hold what no workflow accounts for.
  if (to.owner.type === 'system') {
    const { version } = await ctx.policy(tenantId)
    throw violation({
      allowed: false,
      rule: 'donations',
      version,
      message: `only the community pool takes members' points and hours, not ${input.to} (policy version ${version}, rule donations)`,
      details: { accountId: input.to },
    })
  }
  // Into an organisation's accounts: a gift to no relative.
  await enforce(ctx, tenantId, { action: 'gift', asset: from.asset, from: payer, relation: null })
}
