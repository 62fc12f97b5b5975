/**
 * Model-based test of service orders against the real use cases on a real
 * ledger (PGlite): random sequences of placing, dispatching, refusing,
 * accepting, completing, confirming, disputing, resolving, cancelling, steps
 * asked twice, and sweeps after time passes, checked against a small model of
 * each order written here apart from the domain's table. After every step:
 * each order is where the model says; the ledger holds a pending hold exactly
 * for the orders that hold hours, every other hold is resolved once (posted or
 * voided, never both), nothing posts twice (the providers gained exactly what
 * the orders say they were paid), the hours moved only between the resident,
 * the providers and the pool, and reconcileOrders finds nothing.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isCommunityError } from '../domain/errors.js'
import { type OrderActor, orderStep } from '../domain/order.js'
import { type TestCommunity, communityOn, pgliteCommunity } from '../testing/pglite.js'
import { balances, member, orderFixture, staff } from './fixtures.js'

const RUNS = Number(process.env.COMMUNITY_MODEL_RUNS ?? 10)
type Status = 'ordered' | 'dispatched' | 'accepted' | 'completed' | 'disputed' | 'confirmed' | 'resolved' | 'cancelled' | 'expired'
interface ModelOrder {
  status: Status
  provider: 'vic' | 'school' | null
  paid: bigint
  held: boolean
  /** The last step that moved it (its request), asked again, answers as done: the same request is a replay. */
  last: string | null
}
interface Model {
  orders: ModelOrder[]
  /** Hundredths: what the model says each provider earned. */
  earned: { vic: bigint; school: bigint }
}
type Real = Omit<TestCommunity, 'close'>
const HOURS = 150n
const DEADLINE = { ordered: 10, dispatched: 5, accepted: 20, completed: 8, disputed: 30 }

const refusedAs = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'ok',
    (e) => {
      if (isCommunityError(e)) return e.code
      throw e
    },
  )

abstract class OnOrder implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.orders.length > 0
  index = (m: Model) => this.pick % m.orders.length
  abstract call(r: Real, orderId: string, o: ModelOrder): Promise<unknown>
  /** The model's step: the order as it should be after, or null when the step must be refused. */
  abstract expect(o: ModelOrder): ModelOrder | null
  /** The request this step is, as the order's replay rule compares them (the action, who, and its arguments). */
  request(): string {
    return this.constructor.name
  }
  async run(m: Model, r: Real) {
    const i = this.index(m)
    const o = m.orders[i] as ModelOrder
    const replay = o.last === this.request()
    const want = replay ? o : this.expect(o)
    const got = await refusedAs(this.call(r, `o${i}`, o))
    if (want === null) expect(got, `${this} on ${o.status}`).not.toBe('ok')
    else {
      expect(got, `${this} on ${o.status}${replay ? ' (asked again)' : ''}`).toBe('ok')
      if (!replay && (want.status === 'confirmed' || want.status === 'resolved')) {
        if (want.provider) m.earned[want.provider] += want.paid
      }
      m.orders[i] = { ...want, last: this.request() }
    }
    await invariants(m, r)
  }
  toString() {
    return `${this.constructor.name}(${this.pick})`
  }
}

class Place implements fc.AsyncCommand<Model, Real> {
  check = () => true
  async run(m: Model, r: Real) {
    await r.community.placeOrder({
      tenantId: r.tenantId,
      id: `o${m.orders.length}`,
      serviceId: 'haircut',
      residentId: 'ana',
      actor: member('ana'),
    })
    m.orders.push({ status: 'ordered', provider: null, paid: 0n, held: false, last: null })
    await invariants(m, r)
  }
  toString = () => 'Place'
}
class Dispatch extends OnOrder {
  constructor(
    pick: number,
    readonly to: 'vic' | 'school',
  ) {
    super(pick)
  }
  call = (r: Real, orderId: string) =>
    r.community.dispatchOrder({
      tenantId: r.tenantId,
      orderId,
      provider: this.to === 'vic' ? { type: 'member', id: 'vic' } : { type: 'organisation', id: 'school' },
      actor: staff,
    })
  expect = (o: ModelOrder) =>
    o.status === 'ordered' || o.status === 'dispatched' ? { ...o, status: 'dispatched' as const, provider: this.to } : null
  override request = () => `Dispatch:${this.to}`
}
const providerActor = (o: ModelOrder): OrderActor => (o.provider === 'vic' ? member('vic') : staff)
class Refuse extends OnOrder {
  call = (r: Real, orderId: string, o: ModelOrder) => r.community.refuseOrder({ tenantId: r.tenantId, orderId, actor: providerActor(o) })
  expect = (o: ModelOrder) => (o.status === 'dispatched' ? { ...o, status: 'ordered' as const, provider: null } : null)
}
class Accept extends OnOrder {
  call = (r: Real, orderId: string, o: ModelOrder) => r.community.acceptOrder({ tenantId: r.tenantId, orderId, actor: providerActor(o) })
  expect = (o: ModelOrder) => (o.status === 'dispatched' ? { ...o, status: 'accepted' as const, held: true } : null)
}
class Complete extends OnOrder {
  call = (r: Real, orderId: string, o: ModelOrder) => r.community.completeOrder({ tenantId: r.tenantId, orderId, actor: providerActor(o) })
  expect = (o: ModelOrder) => (o.status === 'accepted' ? { ...o, status: 'completed' as const } : null)
}
class Confirm extends OnOrder {
  call = (r: Real, orderId: string) => r.community.confirmOrder({ tenantId: r.tenantId, orderId, actor: member('ana') })
  expect = (o: ModelOrder) => (o.status === 'completed' ? { ...o, status: 'confirmed' as const, paid: HOURS } : null)
}
/** The same confirmation asked twice: the second answers as it is. */
class ConfirmTwice extends Confirm {
  override request = () => 'Confirm'
  override call = async (r: Real, orderId: string) => {
    await r.community.confirmOrder({ tenantId: r.tenantId, orderId, actor: member('ana') })
    return r.community.confirmOrder({ tenantId: r.tenantId, orderId, actor: member('ana') })
  }
}
class Dispute extends OnOrder {
  call = (r: Real, orderId: string) => r.community.disputeOrder({ tenantId: r.tenantId, orderId, actor: member('ana'), reason: 'x' })
  expect = (o: ModelOrder) => (o.status === 'completed' ? { ...o, status: 'disputed' as const } : null)
}
class Resolve extends OnOrder {
  constructor(
    pick: number,
    readonly outcome: 'post' | 'part' | 'void',
  ) {
    super(pick)
  }
  call = (r: Real, orderId: string) =>
    r.community.resolveOrder({
      tenantId: r.tenantId,
      orderId,
      actor: staff,
      outcome: this.outcome,
      ...(this.outcome === 'part' ? { hours: '0.25' } : {}),
      reason: 'heard',
    })
  expect = (o: ModelOrder) =>
    o.status === 'disputed'
      ? { ...o, status: 'resolved' as const, paid: this.outcome === 'post' ? HOURS : this.outcome === 'part' ? 25n : 0n }
      : null
  override request = () => `Resolve:${this.outcome}`
}
class Cancel extends OnOrder {
  constructor(
    pick: number,
    readonly by: 'resident' | 'staff',
  ) {
    super(pick)
  }
  call = (r: Real, orderId: string) =>
    r.community.cancelOrder({ tenantId: r.tenantId, orderId, actor: this.by === 'staff' ? staff : member('ana'), reason: 'x' })
  expect = (o: ModelOrder) => {
    const open = ['ordered', 'dispatched', 'accepted'].includes(o.status) || (this.by === 'staff' && o.status === 'completed')
    return open ? { ...o, status: 'cancelled' as const } : null
  }
  override request = () => `Cancel:${this.by}`
}
/** Time passes (hours) and the sweep runs: what the model's deadlines say moves on. */
class Sweep implements fc.AsyncCommand<Model, Real> {
  constructor(readonly hours: number) {}
  check = () => true
  async run(m: Model, r: Real) {
    // Each sweep passes every deadline set so far, so the model needs no clocks of its own.
    r.clock.advance(this.hours * 3600_000)
    const passes = this.hours > Math.max(...Object.values(DEADLINE))
    await r.community.sweepOrders({ tenantId: r.tenantId })
    if (passes) {
      // What the sweep moves, it moves as its own request: asking the order's last step again is a new request then.
      m.orders = m.orders.map((o): ModelOrder => {
        switch (o.status) {
          case 'ordered':
            return { ...o, status: 'expired', last: null }
          case 'dispatched':
            // Back to ordered: its own deadline starts now, so one sweep does not also expire it.
            return { ...o, status: 'ordered', provider: null, last: null }
          case 'accepted':
            return { ...o, status: 'expired', last: null }
          case 'completed':
            if (o.provider) m.earned[o.provider] += HOURS
            return { ...o, status: 'confirmed', paid: HOURS, last: null }
          case 'disputed':
            return { ...o, status: 'expired', last: null }
          default:
            return o
        }
      })
    }
    await invariants(m, r)
  }
  toString() {
    return `Sweep(${this.hours}h)`
  }
}

const FINAL_WITH_HOLD: Status[] = ['confirmed', 'resolved', 'cancelled', 'expired']

async function invariants(m: Model, r: Real) {
  for (const [i, o] of m.orders.entries()) {
    const orderId = `o${i}`
    const real = await r.community.getOrder({ tenantId: r.tenantId, orderId })
    expect(real.status, orderId).toBe(o.status)
    const look = (step: 'hold' | 'post' | 'void') =>
      r.ledger.getTransfer({ tenantId: r.tenantId, transferId: orderStep(orderId, step) }).catch(() => null)
    const [hold, post, voided] = [await look('hold'), await look('post'), await look('void')]
    expect(Boolean(hold), `${orderId} hold`).toBe(o.held)
    if (!o.held) continue
    const open = o.status === 'accepted' || o.status === 'completed' || o.status === 'disputed'
    expect(hold?.status, `${orderId} hold state`).toBe(open ? 'pending' : o.paid > 0n ? 'posted' : 'voided')
    // Resolved exactly once: one post or one void, never both, none while open.
    expect([Boolean(post), Boolean(voided)], `${orderId} resolutions`).toEqual(
      open ? [false, false] : FINAL_WITH_HOLD.includes(o.status) ? [o.paid > 0n, o.paid === 0n] : [false, false],
    )
  }
  const b = await balances(r as TestCommunity)
  const cents = (s: string) => BigInt(s.replace('.', ''))
  expect(cents(b.vic.posted)).toBe(m.earned.vic)
  expect(cents(b.school.posted)).toBe(m.earned.school)
  // Hours only moved from ana to the providers (the pool is untouched here).
  expect(cents(b.ana.posted) + m.earned.vic + m.earned.school).toBe(10_000n)
  expect(await r.community.reconcileOrders({ tenantId: r.tenantId })).toEqual([])
}

let base: TestCommunity
beforeAll(async () => {
  base = await pgliteCommunity()
})
afterAll(() => base.close())

const pick = fc.nat(50)
const commands = [
  fc.constant(new Place()),
  fc.tuple(pick, fc.constantFrom('vic' as const, 'school' as const)).map(([p, to]) => new Dispatch(p, to)),
  pick.map((p) => new Refuse(p)),
  pick.map((p) => new Accept(p)),
  pick.map((p) => new Complete(p)),
  pick.map((p) => new Confirm(p)),
  pick.map((p) => new ConfirmTwice(p)),
  pick.map((p) => new Dispute(p)),
  fc.tuple(pick, fc.constantFrom('post' as const, 'part' as const, 'void' as const)).map(([p, o]) => new Resolve(p, o)),
  fc.tuple(pick, fc.constantFrom('resident' as const, 'staff' as const)).map(([p, by]) => new Cancel(p, by)),
  fc.constantFrom(1, 40).map((h) => new Sweep(h)),
]

describe('service orders against a model', () => {
  it('keep every order where the model says, every hold resolved once and the ledger in agreement', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 30 }), async (cmds) => {
        const real = await communityOn(base.db, { settings: { orderDeadlineHours: DEADLINE } })
        await orderFixture({ ...real, close: async () => {} })
        await fc.asyncModelRun(() => ({ model: { orders: [], earned: { vic: 0n, school: 0n } }, real }), cmds)
      }),
      { numRuns: RUNS },
    )
  }, 600_000)
})
