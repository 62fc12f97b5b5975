/**
 * A year of exchange in one community (issue #9's proof), run through the
 * community's use cases on any migrated database, then checked against the
 * ledger. About 60 members earn hours and points (approved hour records, and
 * seeded hours with evidence for the elders), linked as spouses, children and
 * siblings, with a partner organisation and a volunteer team; over 2026:
 * 129 micro-wishes (121 confirmed, rewards from the pool and the organisation;
 * the rest cancelled or expired, some claimed and released first), service
 * orders through every branch (refused and redispatched, cancelled by either
 * side, disputed and resolved three ways, timed out at each step, pool-paid
 * for an elder and refused for a younger resident), points-supermarket
 * redemptions until the stock runs out, a policy changed twice mid-year (the
 * hours cap lowered, its excess donated then refused; gifting narrowed to
 * direct relatives; a points cap whose excess goes to the pool, and which
 * keeps a volunteer above it from claiming a wish's reward), and the points
 * expiry run on time, again, and late.
 *
 * Every POLICY_VIOLATION the use cases raise (thrown, or a failed approval)
 * is collected as it happens, so `checkExchange` can ask that each named its
 * rule and version.
 *
 * @example
 * const x = await runExchange(t)
 * const problems = await checkExchange(t, x)   // [] when all agree
 */
import { formatAmount } from '@timebank/ledger'
import type { Community } from '../community.js'
import { CommunityErrorCode } from '../domain/errors.js'
import { organisationAccount, poolAccount } from '../domain/ids.js'
import type { PolicyInput } from '../domain/policy.js'
import { rewardAsset } from '../domain/reward.js'
import { Decimal, toMinor } from '../domain/rounding.js'
import type { ExpiryRunResult } from '../expiry/run.js'
import type { TestCommunity } from '../testing/pglite.js'

type T = Omit<TestCommunity, 'close'>

/** A refusal seen during the scenario: its code and the details it carried. */
export interface Refusal {
  where: string
  code: string
  details: Record<string, unknown> | undefined
}

export interface Exchange {
  members: string[]
  /** Every POLICY_VIOLATION raised by a use case, in order. */
  refusals: Refusal[]
  wishes: { confirmed: string[]; cancelled: string[]; expired: string[] }
  /** Order id → the status the scenario left it in. */
  orders: Map<string, string>
  /** Orders still holding hours at the end (and their hours, hundredths). */
  openOrders: Map<string, bigint>
  /** Redemptions still reserved at the end: id → reward, units, points. */
  openRedemptions: Map<string, { rewardId: string; units: bigint; points: bigint }>
  outOfStock: number
  rewards: string[]
  expiry: { onTime: ExpiryRunResult; again: ExpiryRunResult; late: ExpiryRunResult; lateAgain: ExpiryRunResult }
  /** A gift asked again after the policy that allowed it changed. */
  giftReplayed: boolean
  /** The records of the last round, approved under the points cap that donates its excess. */
  cappedRecords: string[]
}

const DAY = 24 * 3_600_000
const STAFF = 'staff-wang'
const CHECKER = 'staff-li'
const evidence = { activity: 'scenario-seed', reviewer: CHECKER }

const mid = (i: number) => `m${String(i).padStart(2, '0')}`
/** Every fifth member is an elder (born 1950-1959); the rest 1970-1999. */
const isElder = (i: number) => i % 5 === 0
const birthOf = (i: number) => (isElder(i) ? `195${i % 10}-03-1${i % 9}` : `19${70 + (i % 30)}-0${1 + (i % 9)}-2${i % 8}`)
/** Hours each member's record of a round carries: 2 to 6. */
const roundHours = (i: number) => 2 + (i % 5)

interface CodedError {
  code?: string
  details?: Record<string, unknown>
}

/**
 * The community with every use case watched: a POLICY_VIOLATION thrown, or returned as a failed decision by
 * `approve`, is added to `sink` before the caller sees it.
 */
function watched(c: Community, sink: Refusal[]): Community {
  const seen = (where: string, e: CodedError) => {
    if (e?.code === CommunityErrorCode.POLICY_VIOLATION) sink.push({ where, code: e.code, details: e.details })
  }
  const out: Record<string, unknown> = {}
  for (const [name, fn] of Object.entries(c)) {
    out[name] = async (...args: unknown[]) => {
      try {
        const result = await (fn as (...a: unknown[]) => Promise<unknown>)(...args)
        if (name === 'approve') for (const d of result as { ok: boolean; error?: CodedError }[]) if (!d.ok && d.error) seen(name, d.error)
        return result
      } catch (e) {
        seen(name, e as CodedError)
        throw e
      }
    }
  }
  return out as Community
}

/** Expect `p` to be refused with `code`; anything else (success included) stops the scenario. */
async function refused(p: Promise<unknown>, code: string, what: string): Promise<CodedError> {
  try {
    await p
  } catch (e) {
    if ((e as CodedError).code === code) return e as CodedError
    throw new Error(`${what}: expected ${code}, got ${(e as CodedError).code ?? e}`, { cause: e })
  }
  throw new Error(`${what}: expected ${code}, but it went through`)
}

/** Run the year on `t` (a set-up community whose clock the scenario moves). */
export async function runExchange(t: T): Promise<Exchange> {
  const refusals: Refusal[] = []
  const c = watched(t.community, refusals)
  const tenantId = t.tenantId
  const at = (iso: string) => t.clock.set(iso)
  const later = (ms: number) => t.clock.advance(ms)

  // ── January: the policy, the rule, the organisations, the members. ──────────────────────────────
  at('2026-01-02T01:00:00Z')
  const base = {
    storageCap: { HOUR: { limit: '1500', excess: 'donate' as const } },
    minLifetimeHoursToRedeem: '2',
    redemptionFrequency: { times: 3, per: 'month' as const },
    gifting: { recipients: 'anyone' as const },
    serviceAge: { minAge: 60, spouseCounts: true },
    poolFundedServices: { minAge: 60 },
    welcomeGrant: { POINT: '5' },
    pointsExpiry: { months: 12 },
  } satisfies PolicyInput
  await c.changePolicy({ tenantId, policy: base, actor: 'admin', reason: 'the city rules' })
  await c.addRule({
    tenantId,
    rule: { pointsPerHour: '10', roleMultipliers: { member: '1', leader: '1.4', organiser: '1.2' }, fixedPoints: {}, rounding: 'half-up' },
    actor: 'admin',
  })
  await c.createGrid({ tenantId, id: 'root', name: '枫林社区', level: 'community', actor: 'admin' })
  for (const g of ['g1', 'g2', 'g3'])
    await c.createGrid({ tenantId, id: g, parentId: 'root', name: `第${g.slice(1)}网格`, level: 'grid', actor: 'admin' })
  await c.createOrganisation({ tenantId, id: 'school', kind: 'partner', name: '第三小学', actor: 'admin' })
  await c.createOrganisation({ tenantId, id: 'red-vest', kind: 'team', name: '红马甲志愿队', actor: 'admin' })

  const members: string[] = []
  for (let i = 0; i < 60; i++) {
    const id = mid(i)
    await c.registerMember({
      tenantId,
      id,
      name: `居民${i}`,
      phone: `139${String(20_000_000 + i).slice(-8)}`,
      birthDate: birthOf(i),
      gridId: `g${1 + (i % 3)}`,
      actor: STAFF,
      approve: true,
    })
    members.push(id)
  }
  const elders = members.filter((_, i) => isElder(i))
  const younger = members.filter((_, i) => !isElder(i))
  for (const m of younger.slice(20, 28)) await c.addOrganisationMember({ tenantId, organisationId: 'red-vest', memberId: m })
  // Families: m00 and m01 married, m02 their child, m03 m02's sibling; m10, m11 married, m12 their child.
  await c.addRelative({ tenantId, memberId: 'm00', relativeId: 'm01', relation: 'spouse' })
  await c.addRelative({ tenantId, memberId: 'm00', relativeId: 'm02', relation: 'child' })
  await c.addRelative({ tenantId, memberId: 'm02', relativeId: 'm03', relation: 'sibling' })
  await c.addRelative({ tenantId, memberId: 'm10', relativeId: 'm11', relation: 'spouse' })
  await c.addRelative({ tenantId, memberId: 'm10', relativeId: 'm12', relation: 'child' })

  // Funds with evidence: the pool's points (wish rewards) and hours (services it pays), the school's points,
  // and hours the elders brought from another programme (they pay for their own services).
  await t.ledger.earn({ tenantId, id: 'seed-pool-points', to: poolAccount('POINT'), amount: '1200', evidence })
  await t.ledger.earn({ tenantId, id: 'seed-pool-hours', to: poolAccount('HOUR'), amount: '20', evidence })
  await t.ledger.earn({ tenantId, id: 'seed-school-points', to: organisationAccount('school', 'POINT'), amount: '1000', evidence })
  for (const m of elders) await t.ledger.earn({ tenantId, id: `seed-${m}`, to: `member:${m}:HOUR`, amount: '30', evidence })

  await c.createService({ tenantId, id: 'home-care', name: '居家照护', hours: '2', actor: STAFF })
  await c.createService({ tenantId, id: 'haircut', name: '上门理发', hours: '1.50', actor: STAFF })
  await c.createReward({ tenantId, id: 'rice', name: '大米 5kg', price: '30', pickupDays: 7, actor: STAFF })
  await c.createReward({ tenantId, id: 'oil', name: '食用油', price: '10', actor: STAFF })
  await c.restock({ tenantId, rewardId: 'rice', id: 'rice-in-1', quantity: '20', reason: '首批到货', actor: STAFF })
  await c.restock({ tenantId, rewardId: 'oil', id: 'oil-in-1', quantity: '40', reason: '首批到货', actor: STAFF })

  /** One round of hour records (entered by one staff member, approved in one batch by the other); the refused ones rejected. */
  const round = async (n: number, day: string) => {
    at(`${day}T02:00:00Z`)
    const ids: string[] = []
    for (const [i, m] of members.entries()) {
      const id = `r${n}-${m}`
      const start = new Date(Date.parse(`${day}T00:00:00Z`) - DAY)
      await c.createRecord({
        tenantId,
        id,
        memberId: m,
        kind: 'elder-visit',
        startedAt: start,
        endedAt: new Date(start.getTime() + roundHours(i) * 3_600_000),
        hours: String(roundHours(i)),
        actor: STAFF,
      })
      ids.push(id)
    }
    const decisions = await c.approve({ tenantId, recordIds: ids, actor: CHECKER })
    const over = decisions.filter((d) => !d.ok).map((d) => d.recordId)
    if (over.length > 0) await c.reject({ tenantId, recordIds: over, reason: '超出存储上限', actor: CHECKER })
    const approved = decisions.filter((d) => d.ok).map((d) => d.recordId)
    return { approved: approved.length, refused: over.length, ids: approved }
  }
  await round(1, '2026-01-10')

  // ── Wishes: posted, claimed (some released and claimed again), fulfilled, confirmed. ─────────────
  const wishes: Exchange['wishes'] = { confirmed: [], cancelled: [], expired: [] }
  const posters = [...elders, ...younger.slice(0, 8)]
  const volunteers = younger.slice(8)
  let wishNo = 0
  const post = async (deadlineDays: number) => {
    const n = wishNo++
    const id = `wish-${String(n).padStart(3, '0')}`
    const posterId = posters[n % posters.length] as string
    await c.postWish({
      tenantId,
      id,
      posterId,
      title: `微心愿 ${n}`,
      description: '一个书包、一次维修',
      deadline: new Date(t.clock.now.getTime() + deadlineDays * DAY),
      reward: { points: String(5 + (n % 4) * 5), sponsor: n % 2 ? { type: 'pool' } : { type: 'organisation', id: 'school' } },
      actor: STAFF,
    })
    return {
      id,
      posterId,
      volunteer: volunteers[n % volunteers.length] as string,
      other: volunteers[(n + 7) % volunteers.length] as string,
    }
  }
  const fulfilWishes = async (count: number) => {
    for (let k = 0; k < count; k++) {
      const w = await post(60)
      later(3_600_000)
      if (k % 10 === 3) {
        // Claimed, given back, claimed by another who fulfils it.
        await c.claimWish({ tenantId, wishId: w.id, volunteerId: w.other, actor: `key_${w.other}` })
        await c.releaseWish({ tenantId, wishId: w.id, memberId: w.other, actor: `key_${w.other}` })
      }
      await c.claimWish({ tenantId, wishId: w.id, volunteerId: w.volunteer, actor: `key_${w.volunteer}` })
      await c.fulfilWish({ tenantId, wishId: w.id, volunteerId: w.volunteer, note: '已送达', actor: `key_${w.volunteer}` })
      // The poster confirms, or staff for them.
      await c.confirmWish({
        tenantId,
        wishId: w.id,
        actor: k % 3 ? `key_${w.posterId}` : STAFF,
        ...(k % 3 ? { memberId: w.posterId } : {}),
      })
      wishes.confirmed.push(w.id)
      later(6 * 3_600_000)
    }
  }
  /** Four that never come true: two cancelled, one claimed and released then cancelled, one fulfilled then cancelled by staff. */
  const cancelWishes = async () => {
    for (let k = 0; k < 4; k++) {
      const w = await post(60)
      if (k >= 2) await c.claimWish({ tenantId, wishId: w.id, volunteerId: w.volunteer, actor: `key_${w.volunteer}` })
      if (k === 2) await c.releaseWish({ tenantId, wishId: w.id, memberId: w.volunteer, actor: `key_${w.volunteer}` })
      if (k === 3) await c.fulfilWish({ tenantId, wishId: w.id, volunteerId: w.volunteer, actor: `key_${w.volunteer}` })
      await c.cancelWish({
        tenantId,
        wishId: w.id,
        reason: '已由家人解决',
        actor: k < 2 ? `key_${w.posterId}` : STAFF,
        ...(k < 2 ? { memberId: w.posterId } : {}),
      })
      wishes.cancelled.push(w.id)
    }
  }
  /** Four left past a short deadline: two untouched, one claimed and released, one claimed and never fulfilled. */
  const lapsingWishes = async () => {
    const lapsing: string[] = []
    for (let k = 0; k < 4; k++) {
      const w = await post(5)
      if (k >= 2) await c.claimWish({ tenantId, wishId: w.id, volunteerId: w.volunteer, actor: `key_${w.volunteer}` })
      if (k === 2) await c.releaseWish({ tenantId, wishId: w.id, memberId: w.volunteer, actor: `key_${w.volunteer}` })
      lapsing.push(w.id)
    }
    return lapsing
  }

  at('2026-02-02T02:00:00Z')
  await fulfilWishes(60)
  await cancelWishes()
  const lapsing = await lapsingWishes()
  later(6 * DAY)
  const swept = await c.expireWishes({ tenantId, actor: 'system:wishes' })
  const sweptAgain = await c.expireWishes({ tenantId, actor: 'system:wishes' })
  if (swept.expired !== 4 || sweptAgain.expired !== 0) throw new Error(`wish expiry: ${JSON.stringify([swept, sweptAgain])}`)
  wishes.expired.push(...lapsing)

  // ── Gifts and a donation under the first policy (anyone may receive). ──────────────────────────────
  at('2026-03-01T02:00:00Z')
  await c.gift({ tenantId, id: 'g-1', from: 'm07', to: 'm08', asset: 'HOUR', amount: '1', actor: 'key_m07' })
  await c.gift({ tenantId, id: 'g-2', from: 'm09', to: 'm13', asset: 'POINT', amount: '5', actor: 'key_m09' })
  await c.gift({ tenantId, id: 'g-3', from: 'm01', to: 'm00', asset: 'HOUR', amount: '1.5', actor: 'key_m01' })
  await c.donate({ tenantId, id: 'd-1', from: { memberId: 'm14' }, asset: 'HOUR', amount: '1', actor: 'key_m14' })

  // ── The points supermarket: redemptions handed over, cancelled, expired at pickup; frequency and minimum. ──
  const orders = new Map<string, string>()
  const openOrders = new Map<string, bigint>()
  const openRedemptions: Exchange['openRedemptions'] = new Map()
  let outOfStock = 0
  at('2026-03-02T02:00:00Z')
  const buyers = younger.slice(10, 25)
  for (const [k, m] of buyers.entries()) {
    const id = `rd-rice-a-${k}`
    await c.redeem({ tenantId, id, rewardId: 'rice', memberId: m, actor: `key_${m}` })
    if (k < 10) await c.handOver({ tenantId, redemptionId: id, actor: STAFF })
    else if (k < 13) await c.cancelRedemption({ tenantId, redemptionId: id, reason: '不需要了', actor: `key_${m}` })
  }
  later(8 * DAY)
  const pickup = await c.expireRedemptions({ tenantId })
  if (pickup.expired !== 2) throw new Error(`pickup expiry expired ${pickup.expired}, not 2`)
  // Three oil redemptions in a month are allowed, the fourth is refused by the frequency rule.
  for (let k = 0; k < 3; k++) {
    await c.redeem({ tenantId, id: `rd-oil-m38-${k}`, rewardId: 'oil', memberId: 'm38', actor: 'key_m38' })
    await c.handOver({ tenantId, redemptionId: `rd-oil-m38-${k}`, actor: STAFF })
  }
  await refused(
    c.redeem({ tenantId, id: 'rd-oil-m38-3', rewardId: 'oil', memberId: 'm38', actor: 'key_m38' }),
    CommunityErrorCode.POLICY_VIOLATION,
    'a fourth redemption in a month',
  )

  // ── Service orders through every branch. ────────────────────────────────────────────────────────
  at('2026-03-16T01:00:00Z')
  const staff = { type: 'staff', id: STAFF } as const
  const as = (id: string) => ({ type: 'member', id }) as const
  const school = { type: 'organisation', id: 'school' } as const
  const provider = (id: string) => ({ type: 'member', id }) as const
  const place = async (id: string, residentId: string, opts: { pool?: boolean; serviceId?: string } = {}) => {
    await c.placeOrder({
      tenantId,
      id,
      serviceId: opts.serviceId ?? 'home-care',
      residentId,
      ...(opts.pool ? { payer: 'pool' as const } : {}),
      actor: opts.pool ? staff : as(residentId),
    })
  }
  /** Placed, dispatched to a volunteer, accepted (hours held) and completed. */
  const toCompleted = async (id: string, residentId: string, volunteer: string, opts: { pool?: boolean; serviceId?: string } = {}) => {
    await place(id, residentId, opts)
    await c.dispatchOrder({ tenantId, orderId: id, provider: provider(volunteer), actor: staff })
    await c.acceptOrder({ tenantId, orderId: id, actor: as(volunteer) })
    await c.completeOrder({ tenantId, orderId: id, actor: as(volunteer) })
  }
  const vols = younger.slice(30)
  const vol = (k: number) => vols[k % vols.length] as string
  const elder = (k: number) => elders[k % elders.length] as string
  const batch = async (p: string) => {
    for (let k = 0; k < 6; k++) {
      await toCompleted(`${p}-ok-${k}`, elder(k), vol(k), k % 2 ? { serviceId: 'haircut' } : {})
      await c.confirmOrder({ tenantId, orderId: `${p}-ok-${k}`, actor: as(elder(k)) })
      orders.set(`${p}-ok-${k}`, 'confirmed')
    }
    // Refused by a volunteer, sent to the school, done and confirmed by staff for the resident.
    const re = `${p}-redispatch`
    await place(re, elder(6))
    await c.dispatchOrder({ tenantId, orderId: re, provider: provider(vol(6)), actor: staff })
    await c.refuseOrder({ tenantId, orderId: re, reason: '时间冲突', actor: as(vol(6)) })
    await c.dispatchOrder({ tenantId, orderId: re, provider: school, actor: staff })
    await c.acceptOrder({ tenantId, orderId: re, actor: school })
    await c.completeOrder({ tenantId, orderId: re, actor: school })
    await c.confirmOrder({ tenantId, orderId: re, actor: staff })
    orders.set(re, 'confirmed')
    // Cancelled by the resident: before dispatch, and after acceptance (the hold released).
    await place(`${p}-res-cancel-0`, elder(7))
    await c.cancelOrder({ tenantId, orderId: `${p}-res-cancel-0`, reason: '不需要了', actor: as(elder(7)) })
    await place(`${p}-res-cancel-1`, elder(8))
    await c.dispatchOrder({ tenantId, orderId: `${p}-res-cancel-1`, provider: provider(vol(8)), actor: staff })
    await c.acceptOrder({ tenantId, orderId: `${p}-res-cancel-1`, actor: as(vol(8)) })
    await c.cancelOrder({ tenantId, orderId: `${p}-res-cancel-1`, reason: '家人已照顾', actor: as(elder(8)) })
    // Cancelled by staff once the work was reported done (the hold released).
    await toCompleted(`${p}-staff-cancel`, elder(9), vol(9))
    await c.cancelOrder({ tenantId, orderId: `${p}-staff-cancel`, reason: '重复下单', actor: staff })
    for (const o of ['res-cancel-0', 'res-cancel-1', 'staff-cancel']) orders.set(`${p}-${o}`, 'cancelled')
    // Disputed, then resolved: paid in full, in part, not at all.
    for (const [k, outcome] of (['post', 'part', 'void'] as const).entries()) {
      const id = `${p}-dispute-${outcome}`
      await toCompleted(id, elder(10 + k), vol(10 + k))
      await c.disputeOrder({ tenantId, orderId: id, reason: '服务时间不足', actor: as(elder(10 + k)) })
      await c.resolveOrder({
        tenantId,
        orderId: id,
        outcome,
        ...(outcome === 'part' ? { hours: '1.25' } : {}),
        reason: '核实后处理',
        actor: staff,
      })
      orders.set(id, 'resolved')
    }
    // The pool pays for an elder; a younger resident is refused the pool, and refused a service by age.
    await toCompleted(`${p}-pool-elder`, elder(1), vol(13), { pool: true })
    await c.confirmOrder({ tenantId, orderId: `${p}-pool-elder`, actor: as(elder(1)) })
    orders.set(`${p}-pool-elder`, 'confirmed')
    await place(`${p}-pool-young`, 'm04', { pool: true })
    await c.dispatchOrder({ tenantId, orderId: `${p}-pool-young`, provider: provider(vol(14)), actor: staff })
    await refused(c.acceptOrder({ tenantId, orderId: `${p}-pool-young`, actor: as(vol(14)) }), 'POLICY_VIOLATION', 'pool for m04')
    await c.cancelOrder({ tenantId, orderId: `${p}-pool-young`, reason: '不符合公益池条件', actor: staff })
    await place(`${p}-too-young`, 'm06')
    await c.dispatchOrder({ tenantId, orderId: `${p}-too-young`, provider: provider(vol(15)), actor: staff })
    await refused(c.acceptOrder({ tenantId, orderId: `${p}-too-young`, actor: as(vol(15)) }), 'POLICY_VIOLATION', 'service for m06')
    await c.cancelOrder({ tenantId, orderId: `${p}-too-young`, reason: '未到兑换年龄', actor: as('m06') })
    orders.set(`${p}-pool-young`, 'cancelled')
    orders.set(`${p}-too-young`, 'cancelled')
    // The spouse's age counts: m01 (younger) is married to m00 (an elder).
    await toCompleted(`${p}-spouse`, 'm01', vol(16), { serviceId: 'haircut' })
    await c.confirmOrder({ tenantId, orderId: `${p}-spouse`, actor: as('m01') })
    orders.set(`${p}-spouse`, 'confirmed')
  }
  await batch('oa')

  // Deadlines: one order left at each timed step, moved on by the sweep.
  at('2026-04-01T01:00:00Z')
  await place('ot-ordered', elder(2))
  await place('ot-dispatched', elder(3))
  await c.dispatchOrder({ tenantId, orderId: 'ot-dispatched', provider: provider(vol(2)), actor: staff })
  await place('ot-accepted', elder(4))
  await c.dispatchOrder({ tenantId, orderId: 'ot-accepted', provider: provider(vol(3)), actor: staff })
  await c.acceptOrder({ tenantId, orderId: 'ot-accepted', actor: as(vol(3)) })
  await toCompleted('ot-completed', elder(5), vol(4))
  await toCompleted('ot-disputed', elder(6), vol(5))
  await c.disputeOrder({ tenantId, orderId: 'ot-disputed', reason: '未完成', actor: as(elder(6)) })
  const sweeps: number[] = []
  later(25 * 3_600_000) // dispatched (24 h) comes back for another dispatch
  sweeps.push((await c.sweepOrders({ tenantId })).timedOut)
  await c.dispatchOrder({ tenantId, orderId: 'ot-dispatched', provider: school, actor: staff })
  await c.acceptOrder({ tenantId, orderId: 'ot-dispatched', actor: staff })
  await c.completeOrder({ tenantId, orderId: 'ot-dispatched', actor: staff })
  await c.confirmOrder({ tenantId, orderId: 'ot-dispatched', actor: as(elder(3)) })
  later(2 * DAY) // ordered (72 h) expires; completed (72 h) is taken as confirmed
  sweeps.push((await c.sweepOrders({ tenantId })).timedOut)
  later(4 * DAY) // accepted (168 h) expires, the hold released
  sweeps.push((await c.sweepOrders({ tenantId })).timedOut)
  sweeps.push((await c.sweepOrders({ tenantId })).timedOut)
  later(8 * DAY) // disputed (336 h) expires, the hold released
  sweeps.push((await c.sweepOrders({ tenantId })).timedOut)
  if (sweeps.join() !== '1,2,1,0,1') throw new Error(`sweeps timed out ${sweeps}, not 1,2,1,0,1`)
  orders.set('ot-ordered', 'expired')
  orders.set('ot-dispatched', 'confirmed')
  orders.set('ot-accepted', 'expired')
  orders.set('ot-completed', 'confirmed')
  orders.set('ot-disputed', 'expired')

  await round(2, '2026-04-20')

  // ── July: the cap lowered to 12 h (excess donated), gifting only to the spouse and direct relatives. ──
  at('2026-07-01T00:00:00Z')
  const narrowed = {
    ...base,
    storageCap: { HOUR: { limit: '12', excess: 'donate' as const } },
    gifting: { recipients: 'direct-relatives' as const },
  }
  await c.changePolicy({ tenantId, policy: narrowed, actor: 'admin', reason: '区里新规' })
  at('2026-07-05T02:00:00Z')
  await refused(
    c.gift({ tenantId, id: 'g-4', from: 'm07', to: 'm08', asset: 'HOUR', amount: '1', actor: 'key_m07' }),
    'POLICY_VIOLATION',
    'a gift to no relative',
  )
  await refused(
    c.gift({ tenantId, id: 'g-5', from: 'm02', to: 'm03', asset: 'HOUR', amount: '1', actor: 'key_m02' }),
    'POLICY_VIOLATION',
    'a gift to a sibling',
  )
  await c.gift({ tenantId, id: 'g-6', from: 'm00', to: 'm02', asset: 'HOUR', amount: '1', actor: 'key_m00' })
  await c.gift({ tenantId, id: 'g-7', from: 'm10', to: 'm12', asset: 'POINT', amount: '5', actor: 'key_m10' })
  // m00 holds far more than 12 h: even the spouse's gift would take them over the cap.
  await refused(
    c.gift({ tenantId, id: 'g-8', from: 'm01', to: 'm00', asset: 'HOUR', amount: '1', actor: 'key_m01' }),
    'POLICY_VIOLATION',
    'a gift over the cap',
  )
  // Asked again after the change, a gift made under the old policy answers as made.
  const replay = await c.gift({ tenantId, id: 'g-1', from: 'm07', to: 'm08', asset: 'HOUR', amount: '1', actor: 'key_m07' })
  const third = await round(3, '2026-07-10')
  if (third.refused !== 0) throw new Error(`round 3 refused ${third.refused} under a donating cap`)

  // ── Wishes and orders of the second half. ───────────────────────────────────────────────────────
  at('2026-08-03T02:00:00Z')
  await fulfilWishes(60)
  // A volunteer at the cap cannot take a service paid in hours: a payment is refused whole, never split.
  const full = vol(0)
  await place('ob-full', elder(0))
  await c.dispatchOrder({ tenantId, orderId: 'ob-full', provider: provider(full), actor: staff })
  await refused(c.acceptOrder({ tenantId, orderId: 'ob-full', actor: as(full) }), 'POLICY_VIOLATION', 'a volunteer at the cap')
  await c.cancelOrder({ tenantId, orderId: 'ob-full', reason: '志愿者时数已满', actor: staff })
  orders.set('ob-full', 'cancelled')
  // The volunteers spend: each gives 6 h to the community pool, which leaves room for the second half's services.
  for (const v of new Set(vols)) {
    const held = await t.ledger.getBalance({ tenantId, accountId: `member:${v}:HOUR` })
    if (BigInt(held.available.replace('.', '')) >= 600n)
      await c.donate({ tenantId, id: `d-room-${v}`, from: { memberId: v }, asset: 'HOUR', amount: '6', actor: `key_${v}` })
  }
  await batch('ob')

  // ── September: redemptions until the rice runs out; a restock and a write-off first. ───────────
  at('2026-09-01T02:00:00Z')
  await c.restock({ tenantId, rewardId: 'rice', id: 'rice-in-2', quantity: '10', reason: '补货', actor: STAFF })
  await c.writeOff({ tenantId, rewardId: 'rice', id: 'rice-out-1', quantity: '2', reason: '受潮', actor: STAFF })
  const shelf = BigInt((await c.stockReport({ tenantId, rewardId: 'rice' })).rewards[0]?.onShelf ?? '0')
  const rushers = [...younger.slice(0, 40), ...elders]
  for (const [k, m] of rushers.entries()) {
    if (BigInt(k) >= shelf + 3n) break
    const id = `rd-rice-b-${k}`
    try {
      await c.redeem({ tenantId, id, rewardId: 'rice', memberId: m, actor: `key_${m}` })
      await c.handOver({ tenantId, redemptionId: id, actor: STAFF })
    } catch (e) {
      if ((e as CodedError).code !== CommunityErrorCode.OUT_OF_STOCK) throw e
      outOfStock++
    }
  }
  // A newcomer with no hours yet may not redeem (the lifetime-hours minimum).
  await c.registerMember({
    tenantId,
    id: 'm60',
    name: '新居民',
    phone: '13900000060',
    birthDate: '1990-05-05',
    gridId: 'g1',
    actor: STAFF,
    approve: true,
  })
  await refused(
    c.redeem({ tenantId, id: 'rd-oil-m60', rewardId: 'oil', memberId: 'm60', actor: 'key_m60' }),
    'POLICY_VIOLATION',
    'a newcomer redeeming',
  )

  // ── October: the hours cap's excess refused from now; approvals and gifts over it refused. Points capped at 200,  ─
  // the excess to the pool: the members above it keep what they hold, and what their records earn goes to the pool.
  at('2026-10-01T00:00:00Z')
  await c.changePolicy({
    tenantId,
    policy: { ...narrowed, storageCap: { HOUR: { limit: '12', excess: 'refuse' }, POINT: { limit: '200', excess: 'donate' } } },
    actor: 'admin',
    reason: '超出部分不再转入公益池；积分上限200',
  })
  const fourth = await round(4, '2026-10-12')
  if (fourth.refused === 0 || fourth.approved === 0) throw new Error(`round 4: ${JSON.stringify(fourth)}`)
  // A wish's reward is paid whole: a volunteer already above the points cap may not claim it; one with room does.
  at('2026-10-15T02:00:00Z')
  const capped = await post(30)
  const above = 'm49'
  if (signed((await t.ledger.getBalance({ tenantId, accountId: `member:${above}:POINT` })).posted, 0) <= 200n) {
    throw new Error(`${above} is not above the points cap`)
  }
  await refused(
    c.claimWish({ tenantId, wishId: capped.id, volunteerId: above, actor: `key_${above}` }),
    'POLICY_VIOLATION',
    'a wish claimed by a volunteer above the points cap',
  )
  await c.claimWish({ tenantId, wishId: capped.id, volunteerId: 'm46', actor: 'key_m46' })
  await c.fulfilWish({ tenantId, wishId: capped.id, volunteerId: 'm46', actor: 'key_m46' })
  await c.confirmWish({ tenantId, wishId: capped.id, actor: STAFF })
  wishes.confirmed.push(capped.id)
  at('2026-10-20T02:00:00Z')
  await refused(
    c.gift({ tenantId, id: 'g-9', from: 'm12', to: 'm10', asset: 'HOUR', amount: '1', actor: 'key_m12' }),
    'POLICY_VIOLATION',
    'a gift to a capped parent',
  )

  // ── December: what is still open at the year's end. ────────────────────────────────────────────
  at('2026-12-28T02:00:00Z')
  await place('o-open', elder(0))
  await c.dispatchOrder({ tenantId, orderId: 'o-open', provider: provider(vol(0)), actor: staff })
  await c.acceptOrder({ tenantId, orderId: 'o-open', actor: as(vol(0)) })
  orders.set('o-open', 'accepted')
  openOrders.set('o-open', 200n)
  await c.redeem({ tenantId, id: 'rd-oil-open', rewardId: 'oil', memberId: 'm33', quantity: '2', actor: 'key_m33' })
  openRedemptions.set('rd-oil-open', { rewardId: 'oil', units: 2n, points: 20n })

  // ── 2027: the expiry run at due time, again, and a separate late run. ─────────────────────────────
  at('2027-01-15T02:00:00Z')
  const onTime = await c.expiryRun({ tenantId })
  const again = await c.expiryRun({ tenantId })
  at('2027-03-05T02:00:00Z')
  const late = await c.expiryRun({ tenantId })
  const lateAgain = await c.expiryRun({ tenantId })

  return {
    members: [...members, 'm60'],
    refusals,
    wishes,
    orders,
    openOrders,
    openRedemptions,
    outOfStock,
    rewards: ['rice', 'oil'],
    expiry: { onTime, again, late, lateAgain },
    giftReplayed: replay.replayed,
    cappedRecords: fourth.ids,
  }
}

/** Signed decimal text (a balance or an entry) in minor units; the ledger's parser takes only positive amounts. */
const signed = (text: string, scale: number): bigint => toMinor(new Decimal(text), scale)

/** Every entry of an account, summed (minor units at `scale`). */
async function historySum(t: T, accountId: string, scale: number): Promise<bigint> {
  let sum = 0n
  let cursor: string | undefined
  for (;;) {
    const page = await t.ledger.getHistory({ tenantId: t.tenantId, accountId, limit: 1000, ...(cursor ? { cursor } : {}) })
    for (const e of page.entries) sum += signed(e.amount, scale)
    if (!page.nextCursor) return sum
    cursor = page.nextCursor
  }
}

/** Every disagreement between the workflows, the policy's refusals and the ledger; [] when all agree. */
export async function checkExchange(t: T, x: Exchange): Promise<string[]> {
  const c = t.community
  const tenantId = t.tenantId
  const problems: string[] = []
  const expect = (ok: boolean, what: string) => {
    if (!ok) problems.push(what)
  }

  // The books: every asset sums to zero; every sampled balance is the sum of its history.
  const totals = await t.ledger.totals({ tenantId })
  for (const a of totals) expect(/^0(\.0+)?$/.test(a.total), `${a.asset} totals ${a.total}`)
  for (const m of x.members.filter((_, i) => i % 4 === 0)) {
    for (const [asset, scale] of [
      ['HOUR', 2],
      ['POINT', 0],
      ['LIFETIME_HOUR', 2],
    ] as const) {
      const accountId = `member:${m}:${asset}`
      const posted = signed((await t.ledger.getBalance({ tenantId, accountId })).posted, scale)
      const sum = await historySum(t, accountId, scale)
      expect(posted === sum, `${accountId}: balance ${posted}, its history sums to ${sum}`)
    }
  }

  // Every workflow agrees with the ledger.
  expect((await c.reconcile({ tenantId })).length === 0, 'records: reconcile found problems')
  const wishProblems = await c.reconcileWishes({ tenantId })
  expect(wishProblems.length === 0, `wishes: ${JSON.stringify(wishProblems)}`)
  const orderProblems = await c.reconcileOrders({ tenantId })
  expect(orderProblems.length === 0, `orders: ${JSON.stringify(orderProblems)}`)
  const redemptionProblems = await c.reconcileRedemptions({ tenantId })
  expect(redemptionProblems.length === 0, `redemptions: ${JSON.stringify(redemptionProblems)}`)

  // Wishes: 129 posted in 2026, 121 confirmed, 8 cancelled or expired, none open.
  const counts = await c.wishCounts({ tenantId, period: '2026' })
  expect(counts.posted === 129, `${counts.posted} wishes posted, not 129`)
  expect(counts.confirmed === 121 && x.wishes.confirmed.length === 121, `${counts.confirmed} wishes confirmed, not 121`)
  expect(counts.cancelled + counts.expired === 8, `${counts.cancelled} cancelled + ${counts.expired} expired, not 8`)
  expect(
    counts.cancelled === x.wishes.cancelled.length && counts.expired === x.wishes.expired.length,
    'wish counts differ from the scenario',
  )
  for (const status of ['publishing', 'published', 'claimed', 'fulfilled', 'confirming', 'cancelling', 'expiring'] as const) {
    const open = await c.listWishes({ tenantId, status, limit: 10 })
    expect(open.wishes.length === 0, `${open.wishes.length} wishes left ${status}`)
  }

  // Orders: each ended where the scenario says; only the open ones still hold hours.
  for (const [id, want] of x.orders) {
    const order = await c.getOrder({ tenantId, orderId: id })
    expect(order.status === want, `order ${id} is ${order.status}, not ${want}`)
  }

  // Redemptions: the only reserved ones are those left open.
  const reserved = await c.listRedemptions({ tenantId, status: 'reserved', limit: 1000 })
  const reservedIds = reserved.redemptions.map((r) => r.id).sort()
  expect(reservedIds.join() === [...x.openRedemptions.keys()].sort().join(), `reserved redemptions ${reservedIds}`)

  // Every hold is posted or voided, but for the open ones: the ledger's open holds are exactly theirs.
  const pending = new Map(totals.map((a) => [a.asset, a.pending]))
  const wantPoints = [...x.openRedemptions.values()].reduce((s, r) => s + r.points, 0n)
  const wantHours = [...x.openOrders.values()].reduce((s, h) => s + h, 0n)
  expect(pending.get('POINT') === formatAmount(wantPoints, 0), `POINT open holds ${pending.get('POINT')}, expected ${wantPoints}`)
  expect(
    pending.get('HOUR') === formatAmount(wantHours, 2),
    `HOUR open holds ${pending.get('HOUR')}, expected ${formatAmount(wantHours, 2)}`,
  )
  expect(pending.get('LIFETIME_HOUR') === '0.00', `LIFETIME_HOUR open holds ${pending.get('LIFETIME_HOUR')}`)
  for (const rewardId of x.rewards) {
    const units = [...x.openRedemptions.values()].filter((r) => r.rewardId === rewardId).reduce((s, r) => s + r.units, 0n)
    const got = pending.get(rewardAsset(rewardId))
    expect(got === units.toString(), `${rewardId} open holds ${got}, expected ${units}`)
  }

  // Stock: the ledger and the redemptions agree, and the rice ran out.
  const { rewards } = await c.stockReport({ tenantId })
  for (const r of rewards) expect(r.matches, `stock report of ${r.rewardId} does not match: ${JSON.stringify(r)}`)
  const rice = rewards.find((r) => r.rewardId === 'rice')
  expect(rice?.onShelf === '0' && rice.restocked === '30' && rice.writtenOff === '2', `rice: ${JSON.stringify(rice)}`)
  expect(rice?.handedOut === rice?.rows.handedOut, 'rice handed out differs from its redemptions')
  expect(x.outOfStock === 3, `${x.outOfStock} redemptions refused OUT_OF_STOCK, not 3`)

  // Expiry: on time it expires something; again, nothing; late, what was due since; late again, nothing.
  const { onTime, again, late, lateAgain } = x.expiry
  expect(onTime.expirations > 0 && onTime.amount !== '0', `the on-time expiry run expired nothing: ${JSON.stringify(onTime)}`)
  expect(again.expirations === 0 && again.amount === '0', `the second run changed something: ${JSON.stringify(again)}`)
  expect(late.expirations > 0, `the late run expired nothing: ${JSON.stringify(late)}`)
  expect(lateAgain.expirations === 0 && lateAgain.amount === '0', `the late run's repeat changed something: ${JSON.stringify(lateAgain)}`)
  for (const run of [onTime, again, late, lateAgain]) expect(run.failed.length === 0, `expiry failures: ${JSON.stringify(run.failed)}`)
  const expired = (await t.ledger.getBalance({ tenantId, accountId: 'expired:POINT' })).posted.replace('-', '')
  const runTotal = [onTime, late].reduce((s, r) => s + BigInt(r.amount), 0n)
  expect(expired === runTotal.toString(), `expired:POINT holds ${expired}, the runs expired ${runTotal}`)

  // Every refusal named its rule and the policy version; each rule the scenario provoked appears.
  for (const r of x.refusals) {
    expect(
      typeof r.details?.rule === 'string' && typeof r.details?.policyVersion === 'number',
      `a refusal in ${r.where} named no rule or version: ${JSON.stringify(r)}`,
    )
  }
  const byRule = new Map<string, number>()
  for (const r of x.refusals) byRule.set(String(r.details?.rule), (byRule.get(String(r.details?.rule)) ?? 0) + 1)
  for (const rule of ['gifting', 'storageCap', 'poolFundedServices', 'serviceAge', 'redemptionFrequency', 'minLifetimeHoursToRedeem']) {
    expect((byRule.get(rule) ?? 0) > 0, `no refusal named ${rule}: ${JSON.stringify([...byRule])}`)
  }
  expect(byRule.get('gifting') === 2, `gifting refused ${byRule.get('gifting')} times, not 2`)
  expect(byRule.get('poolFundedServices') === 2 && byRule.get('serviceAge') === 2, `order refusals: ${JSON.stringify([...byRule])}`)
  expect(x.giftReplayed, 'a gift asked again after the policy changed was not a replay')

  // The points cap: some records of the last round sent points to the pool, each record's points the sum of its
  // member's part and the pool's (reconcile checks each against the ledger); a refusal named the points cap.
  let excessRecords = 0
  for (const id of x.cappedRecords) {
    const record = await c.getRecord(tenantId, id)
    const [kept, excess] = await Promise.all(
      ['points', 'excess-points'].map((step) =>
        t.ledger
          .getTransfer({ tenantId, transferId: `${step}:${id}` })
          .then((tr) => BigInt(tr.amount))
          .catch(() => 0n),
      ),
    )
    if ((excess ?? 0n) > 0n) excessRecords++
    expect(
      BigInt(record.points ?? '0') === (kept ?? 0n) + (excess ?? 0n),
      `record ${id}: ${record.points} points, ledger ${kept} + ${excess}`,
    )
  }
  expect(excessRecords > 0, 'no record of the last round sent points over the cap to the pool')
  expect(
    x.refusals.some((r) => r.details?.rule === 'storageCap' && r.details?.asset === 'POINT'),
    'no refusal named the points cap',
  )
  return problems
}
