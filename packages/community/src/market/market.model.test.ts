/**
 * Model-based test of the points supermarket on a real ledger (PGlite):
 * random sequences of restocking, writing off, redeeming (with retries and
 * reused ids), handing over, cancelling, changing prices and sweeping past
 * pickup deadlines, checked against a small model. After every step: every
 * redemption is where the model says, each reward's stock report (on shelf,
 * reserved, handed out, written off, restocked, points received and held)
 * equals the model and agrees with the rows (so points received = handed-out
 * units × the price each was requested at), stock is never below zero, and
 * each member's points are as the model says. After each run, every hold is
 * resolved (cancelled), each exactly once, and reconcile finds nothing.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RedemptionStatus } from '../domain/redemption.js'
import { activeMembers } from '../testing/members.js'
import { type TestCommunity, communityOn, pgliteCommunity } from '../testing/pglite.js'
import { givePoints } from './test-fixtures.js'

const MEMBERS = ['m1', 'm2', 'm3']
const REWARDS = ['w0', 'w1', 'w2']
const IDS = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']
const START_POINTS = 100n
const RUNS = Number(process.env.COMMUNITY_MODEL_RUNS ?? 12)
const DAY = 24 * 3600_000

interface ModelRedemption {
  reward: string
  member: string
  quantity: bigint
  points: bigint
  status: RedemptionStatus
  refusal?: string
}
interface ModelReward {
  price: bigint
  shelf: bigint
  reserved: bigint
  handedOut: bigint
  writtenOff: bigint
  restocked: bigint
  pointsReceived: bigint
  pointsReserved: bigint
}
interface Model {
  rewards: Map<string, ModelReward>
  points: Map<string, bigint>
  redemptions: Map<string, ModelRedemption>
  moves: number
}
type Real = Omit<TestCommunity, 'close'>

const outcome = <T>(p: Promise<T>) =>
  p.then(
    (x) => ({ ok: x }),
    (e: { code?: string }) => ({ code: e.code ?? String(e) }),
  )

async function checkInvariants(m: Model, r: Real) {
  const { rewards } = await r.community.stockReport({ tenantId: r.tenantId })
  for (const s of rewards) {
    const w = m.rewards.get(s.rewardId) as ModelReward
    expect(w.shelf).toBeGreaterThanOrEqual(0n)
    expect(s).toMatchObject({
      onShelf: w.shelf.toString(),
      reserved: w.reserved.toString(),
      handedOut: w.handedOut.toString(),
      writtenOff: w.writtenOff.toString(),
      restocked: w.restocked.toString(),
      pointsReceived: w.pointsReceived.toString(),
      pointsReserved: w.pointsReserved.toString(),
      matches: true,
    })
  }
  for (const [member, points] of m.points) {
    const b = await r.ledger.getBalance({ tenantId: r.tenantId, accountId: `member:${member}:POINT` })
    expect(b.available).toBe(points.toString())
  }
  for (const [id, x] of m.redemptions) expect((await r.community.getRedemption(r.tenantId, id)).status).toBe(x.status)
}

class Restock implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly reward: string,
    readonly units: bigint,
  ) {}
  check = () => true
  async run(m: Model, r: Real) {
    await r.community.restock({
      tenantId: r.tenantId,
      rewardId: this.reward,
      id: `in-${++m.moves}`,
      quantity: `${this.units}`,
      reason: 'delivery',
      actor: 's',
    })
    const w = m.rewards.get(this.reward) as ModelReward
    w.shelf += this.units
    w.restocked += this.units
    await checkInvariants(m, r)
  }
  toString = () => `restock(${this.reward}, ${this.units})`
}

class WriteOff implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly reward: string,
    readonly units: bigint,
  ) {}
  check = () => true
  async run(m: Model, r: Real) {
    const w = m.rewards.get(this.reward) as ModelReward
    const got = await outcome(
      r.community.writeOff({
        tenantId: r.tenantId,
        rewardId: this.reward,
        id: `off-${++m.moves}`,
        quantity: `${this.units}`,
        reason: 'broken',
        actor: 's',
      }),
    )
    if (w.shelf < this.units) expect(got).toEqual({ code: 'OUT_OF_STOCK' })
    else {
      expect(got).toHaveProperty('ok')
      w.shelf -= this.units
      w.writtenOff += this.units
    }
    await checkInvariants(m, r)
  }
  toString = () => `writeOff(${this.reward}, ${this.units})`
}

class Redeem implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly id: string,
    readonly reward: string,
    readonly member: string,
    readonly quantity: bigint,
  ) {}
  check = () => true
  async run(m: Model, r: Real) {
    const got = await outcome(
      r.community.redeem({
        tenantId: r.tenantId,
        id: this.id,
        rewardId: this.reward,
        memberId: this.member,
        quantity: `${this.quantity}`,
        actor: this.member,
      }),
    )
    const prior = m.redemptions.get(this.id)
    if (prior) {
      const same = prior.reward === this.reward && prior.member === this.member && prior.quantity === this.quantity
      if (!same) expect(got).toEqual({ code: 'REDEMPTION_EXISTS' })
      else if (prior.status === 'refused') expect(got).toEqual({ code: prior.refusal })
      else expect(got).toMatchObject({ ok: { replayed: true, redemption: { status: prior.status } } })
    } else {
      const w = m.rewards.get(this.reward) as ModelReward
      const points = w.price * this.quantity
      const have = m.points.get(this.member) as bigint
      const refusal = w.shelf < this.quantity ? 'OUT_OF_STOCK' : have < points ? 'INSUFFICIENT_FUNDS' : undefined
      const x: ModelRedemption = { reward: this.reward, member: this.member, quantity: this.quantity, points, status: 'reserved' }
      if (refusal) {
        expect(got).toEqual({ code: refusal })
        m.redemptions.set(this.id, { ...x, status: 'refused', refusal })
      } else {
        expect(got).toMatchObject({ ok: { replayed: false, redemption: { status: 'reserved', points: `${points}` } } })
        m.redemptions.set(this.id, x)
        w.shelf -= this.quantity
        w.reserved += this.quantity
        w.pointsReserved += points
        m.points.set(this.member, have - points)
      }
    }
    await checkInvariants(m, r)
  }
  toString = () => `redeem(${this.id}, ${this.reward}, ${this.member}, ${this.quantity})`
}

class Resolve implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly id: string,
    readonly action: 'hand_over' | 'cancel',
  ) {}
  check = () => true
  async run(m: Model, r: Real) {
    const input = { tenantId: r.tenantId, redemptionId: this.id, actor: 's' }
    const got = await outcome(this.action === 'hand_over' ? r.community.handOver(input) : r.community.cancelRedemption(input))
    const x = m.redemptions.get(this.id)
    const done = this.action === 'hand_over' ? 'handed_over' : 'cancelled'
    if (!x) expect(got).toEqual({ code: 'REDEMPTION_NOT_FOUND' })
    else if (x.status === done) expect(got).toMatchObject({ ok: { status: done } })
    else if (x.status !== 'reserved') expect(got).toEqual({ code: 'INVALID_TRANSITION' })
    else {
      expect(got).toMatchObject({ ok: { status: done } })
      settle(m, x, done)
    }
    await checkInvariants(m, r)
  }
  toString = () => `${this.action}(${this.id})`
}

/** A reserved redemption resolved in the model. */
function settle(m: Model, x: ModelRedemption, to: 'handed_over' | 'cancelled' | 'expired') {
  const w = m.rewards.get(x.reward) as ModelReward
  w.reserved -= x.quantity
  w.pointsReserved -= x.points
  if (to === 'handed_over') {
    w.handedOut += x.quantity
    w.pointsReceived += x.points
  } else {
    w.shelf += x.quantity
    m.points.set(x.member, (m.points.get(x.member) as bigint) + x.points)
  }
  x.status = to
}

class Reprice implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly reward: string,
    readonly price: bigint,
  ) {}
  check = () => true
  async run(m: Model, r: Real) {
    await r.community.updateReward({ tenantId: r.tenantId, rewardId: this.reward, price: `${this.price}` })
    ;(m.rewards.get(this.reward) as ModelReward).price = this.price
    await checkInvariants(m, r)
  }
  toString = () => `reprice(${this.reward}, ${this.price})`
}

/** Two days pass and the sweep runs: every reservation of w0 (pickup within a day) expires. */
class Sweep implements fc.AsyncCommand<Model, Real> {
  check = () => true
  async run(m: Model, r: Real) {
    r.clock.advance(2 * DAY)
    const due = [...m.redemptions.values()].filter((x) => x.reward === 'w0' && x.status === 'reserved')
    expect(await r.community.expireRedemptions({ tenantId: r.tenantId })).toEqual({ expired: due.length })
    for (const x of due) settle(m, x, 'expired')
    await checkInvariants(m, r)
  }
  toString = () => 'sweep'
}

const member = fc.constantFrom(...MEMBERS)
const reward = fc.constantFrom(...REWARDS)
const id = fc.constantFrom(...IDS)
const units = fc.bigInt({ min: 1n, max: 4n })
const commands = [
  fc.tuple(reward, units).map(([w, u]) => new Restock(w, u)),
  fc.tuple(reward, units).map(([w, u]) => new WriteOff(w, u)),
  fc.tuple(id, reward, member, fc.bigInt({ min: 1n, max: 3n })).map(([i, w, mm, q]) => new Redeem(i, w, mm, q)),
  fc.tuple(id, fc.constantFrom('hand_over' as const, 'cancel' as const)).map(([i, a]) => new Resolve(i, a)),
  fc.tuple(reward, fc.bigInt({ min: 1n, max: 30n })).map(([w, p]) => new Reprice(w, p)),
  fc.constant(new Sweep()),
]

let base: TestCommunity
beforeAll(async () => {
  base = await pgliteCommunity()
})
afterAll(() => base.close())

it('keeps the goods register, the points spent and the holds in step with a model over random sequences', async () => {
  await fc.assert(
    fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async (cmds) => {
      const real = await communityOn(base.db, { start: '2026-03-10T02:00:00Z' })
      await activeMembers(real, MEMBERS)
      const model: Model = { rewards: new Map(), points: new Map(), redemptions: new Map(), moves: 0 }
      for (const m of MEMBERS) {
        await givePoints(real, m, `${START_POINTS}`)
        model.points.set(m, START_POINTS)
      }
      for (const w of REWARDS) {
        await real.community.createReward({
          tenantId: real.tenantId,
          id: w,
          name: w,
          price: '10',
          actor: 's',
          ...(w === 'w0' ? { pickupDays: 1 } : {}),
        })
        model.rewards.set(w, {
          price: 10n,
          shelf: 0n,
          reserved: 0n,
          handedOut: 0n,
          writtenOff: 0n,
          restocked: 0n,
          pointsReceived: 0n,
          pointsReserved: 0n,
        })
      }
      await fc.asyncModelRun(() => ({ model, real }), cmds)
      // Every hold resolved, each once: cancel what is left, then the ledger holds nothing open.
      for (const [rid, x] of model.redemptions) {
        if (x.status !== 'reserved') continue
        await real.community.cancelRedemption({ tenantId: real.tenantId, redemptionId: rid, actor: 's' })
        settle(model, x, 'cancelled')
      }
      await checkInvariants(model, real)
      for (const t of await real.ledger.totals({ tenantId: real.tenantId })) {
        expect(BigInt(t.pending.replace('.', ''))).toBe(0n)
        expect(BigInt(t.total.replace('.', ''))).toBe(0n)
      }
      expect(await real.community.reconcileRedemptions({ tenantId: real.tenantId })).toEqual([])
    }),
    { numRuns: RUNS },
  )
}, 600_000)
