/**
 * Model-based test of the wish workflow against the real use cases on a real
 * ledger (PGlite): random sequences of posting (some refused for want of
 * points, then posted again), claiming, releasing, fulfilling, confirming (by
 * the poster, by staff, by the volunteer: refused), cancelling, time passing,
 * expiry runs and crashes between a confirmation's ledger step and its mark,
 * checked against a small model. After every step: each wish is where the
 * model says; each hold is pending while its wish is open and resolved once,
 * posted (confirmed) or voided (cancelled, expired); a reward is paid only for
 * a confirmed wish, once, to its volunteer; every balance is what the model
 * says; reconcile finds nothing; the ledger's totals are zero.
 */
import { sql } from 'drizzle-orm'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WishStatus } from '../domain/wish.js'
import { type TestCommunity, pgliteCommunity } from '../testing/pglite.js'
import { type WishSetting, wishSettingOn } from './test-fixtures.js'

const RUNS = Number(process.env.COMMUNITY_MODEL_RUNS ?? 12)
const HOUR = 3_600_000
const START = new Date('2026-03-02T01:00:00Z').getTime()
const FUNDS = { pool: 60n, acme: 50n }

/** Each id always names the same wish, so posting it again is the same request. */
const SPECS = {
  w1: { poster: 'lili', points: 25n, sponsor: 'pool', deadline: START + 2 * HOUR },
  w2: { poster: 'lili', points: 40n, sponsor: 'pool', deadline: null },
  w3: { poster: 'mei', points: null, sponsor: null, deadline: START + 4 * HOUR },
  w4: { poster: 'mei', points: 30n, sponsor: 'acme', deadline: null },
  w5: { poster: 'lili', points: 10n, sponsor: 'acme', deadline: START + HOUR },
} as const
type WishId = keyof typeof SPECS
const IDS = Object.keys(SPECS) as WishId[]
const PEOPLE = ['lili', 'mei', 'bo', 'chen'] as const

interface ModelWish {
  status: WishStatus
  claimant: string | null
}
interface Model {
  now: number
  wishes: Map<WishId, ModelWish>
  /** Points paid to each volunteer. */
  paid: Map<string, bigint>
}
type Real = WishSetting

const OPEN: WishStatus[] = ['published', 'claimed', 'fulfilled']
const pastDeadline = (m: Model, id: WishId) => SPECS[id].deadline !== null && m.now >= (SPECS[id].deadline as number)

/** Points a sponsor has held or paid out. */
function spent(m: Model, sponsor: 'pool' | 'acme', which: 'held' | 'paid'): bigint {
  let n = 0n
  for (const [id, w] of m.wishes) {
    const s = SPECS[id]
    if (s.sponsor !== sponsor || s.points === null) continue
    if (which === 'held' && OPEN.includes(w.status)) n += s.points
    if (which === 'paid' && w.status === 'confirmed') n += s.points
  }
  return n
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  )

/** Everything the model says, checked against the community and the ledger. */
async function agree(m: Model, r: Real) {
  for (const id of IDS) {
    const w = m.wishes.get(id)
    const s = SPECS[id]
    const real = await outcome(r.community.getWish({ tenantId: r.tenantId, wishId: id }))
    if (!w) {
      expect(real).toBe('WISH_NOT_FOUND')
      continue
    }
    const wish = await r.community.getWish({ tenantId: r.tenantId, wishId: id })
    expect({ id, status: wish.status, claimant: wish.claimant?.id ?? null }).toEqual({ id, status: w.status, claimant: w.claimant })
    const [hold, settle, reward, release] = await Promise.all(
      (['hold', 'settle', 'reward', 'release'] as const).map((step) => r.step(id, step)),
    )
    if (s.points === null || w.status === 'refused') {
      expect([hold, settle, reward, release]).toEqual([null, null, null, null])
      continue
    }
    const points = s.points.toString()
    const holdState = w.status === 'confirmed' ? 'posted' : w.status === 'cancelled' || w.status === 'expired' ? 'voided' : 'pending'
    expect({ id, hold }).toEqual({ id, hold: { status: holdState, amount: points } })
    // A hold resolves exactly once: posted (settle and reward) or voided (release), never both.
    expect({ id, settled: settle !== null, paid: reward?.amount ?? null, released: release !== null }).toEqual({
      id,
      settled: w.status === 'confirmed',
      paid: w.status === 'confirmed' ? points : null,
      released: w.status === 'cancelled' || w.status === 'expired',
    })
  }
  for (const p of PEOPLE) expect({ p, paid: await r.posted(p) }).toEqual({ p, paid: m.paid.get(p) ?? 0n })
  for (const sponsor of ['pool', 'acme'] as const) {
    const who = sponsor === 'acme' ? 'org:acme' : 'pool'
    expect({ who, posted: await r.posted(who), available: await r.available(who) }).toEqual({
      who,
      posted: FUNDS[sponsor] - spent(m, sponsor, 'paid'),
      available: FUNDS[sponsor] - spent(m, sponsor, 'paid') - spent(m, sponsor, 'held'),
    })
  }
  expect(await r.posted('escrow')).toBe(0n)
  expect(await r.community.reconcileWishes({ tenantId: r.tenantId })).toEqual([])
  for (const a of await r.ledger.totals({ tenantId: r.tenantId })) expect(a.total.replace(/[.0]/g, '')).toBe('')
}

abstract class Step implements fc.AsyncCommand<Model, Real> {
  check = () => true
  abstract apply(m: Model, r: Real): Promise<void>
  async run(m: Model, r: Real) {
    await this.apply(m, r)
    await agree(m, r)
  }
}

class Post extends Step {
  constructor(readonly id: WishId) {
    super()
  }
  async apply(m: Model, r: Real) {
    const s = SPECS[this.id]
    const got = await outcome(
      r.community.postWish({
        tenantId: r.tenantId,
        id: this.id,
        posterId: s.poster,
        title: `wish ${this.id}`,
        description: '',
        ...(s.deadline === null ? {} : { deadline: new Date(s.deadline) }),
        ...(s.points === null
          ? {}
          : {
              reward: {
                points: s.points.toString(),
                sponsor: s.sponsor === 'acme' ? { type: 'organisation' as const, id: 'acme' } : { type: 'pool' as const },
              },
            }),
        actor: 'staff',
      }),
    )
    const prior = m.wishes.get(this.id)
    if (pastDeadline(m, this.id)) return expect(got).toBe('VALIDATION')
    if (prior && prior.status !== 'refused') return expect(got).toBe('ok')
    const sponsor = s.sponsor
    const short = s.points !== null && sponsor !== null && FUNDS[sponsor] - spent(m, sponsor, 'paid') - spent(m, sponsor, 'held') < s.points
    expect(got).toBe(short ? 'INSUFFICIENT_FUNDS' : 'ok')
    m.wishes.set(this.id, { status: short ? 'refused' : 'published', claimant: null })
  }
  override toString = () => `post(${this.id})`
}

class Claim extends Step {
  constructor(
    readonly id: WishId,
    readonly who: string,
  ) {
    super()
  }
  async apply(m: Model, r: Real) {
    const got = await outcome(r.community.claimWish({ tenantId: r.tenantId, wishId: this.id, volunteerId: this.who, actor: this.who }))
    const w = m.wishes.get(this.id)
    if (!w) return expect(got).toBe('WISH_NOT_FOUND')
    if (w.claimant === this.who && (w.status === 'claimed' || w.status === 'fulfilled')) return expect(got).toBe('ok')
    if (w.claimant !== null && (w.status === 'claimed' || w.status === 'fulfilled')) return expect(got).toBe('WISH_ALREADY_CLAIMED')
    if (pastDeadline(m, this.id)) return expect(got).toBe('WISH_PAST_DEADLINE')
    if (SPECS[this.id].poster === this.who) return expect(got).toBe('WISH_OWN')
    if (w.status !== 'published') return expect(got).toBe('INVALID_TRANSITION')
    expect(got).toBe('ok')
    Object.assign(w, { status: 'claimed', claimant: this.who })
  }
  override toString = () => `claim(${this.id}, ${this.who})`
}

class Release extends Step {
  constructor(
    readonly id: WishId,
    readonly who: string | undefined,
  ) {
    super()
  }
  async apply(m: Model, r: Real) {
    const got = await outcome(
      r.community.releaseWish({ tenantId: r.tenantId, wishId: this.id, actor: 'k', ...(this.who ? { memberId: this.who } : {}) }),
    )
    const w = m.wishes.get(this.id)
    if (!w) return expect(got).toBe('WISH_NOT_FOUND')
    if (this.who !== undefined && w.claimant !== this.who) return expect(got).toBe('WISH_NOT_CLAIMANT')
    if (w.status !== 'claimed' && w.status !== 'fulfilled') return expect(got).toBe('INVALID_TRANSITION')
    expect(got).toBe('ok')
    Object.assign(w, { status: 'published', claimant: null })
  }
  override toString = () => `release(${this.id}, ${this.who ?? 'staff'})`
}

class Fulfil extends Step {
  constructor(
    readonly id: WishId,
    readonly who: string,
  ) {
    super()
  }
  async apply(m: Model, r: Real) {
    const got = await outcome(r.community.fulfilWish({ tenantId: r.tenantId, wishId: this.id, volunteerId: this.who, actor: this.who }))
    const w = m.wishes.get(this.id)
    if (!w) return expect(got).toBe('WISH_NOT_FOUND')
    if (w.claimant === this.who && w.status === 'fulfilled') return expect(got).toBe('ok')
    if (pastDeadline(m, this.id)) return expect(got).toBe('WISH_PAST_DEADLINE')
    if (w.claimant !== this.who) return expect(got).toBe('WISH_NOT_CLAIMANT')
    if (w.status !== 'claimed') return expect(got).toBe('INVALID_TRANSITION')
    expect(got).toBe('ok')
    w.status = 'fulfilled'
  }
  override toString = () => `fulfil(${this.id}, ${this.who})`
}

/** Confirm as a member (the poster, or anyone else: refused) or as staff; `crash` stops it after the ledger step (or before it). */
class Confirm extends Step {
  constructor(
    readonly id: WishId,
    readonly who: string | undefined,
    readonly crash: 'none' | 'before-ledger' | 'after-ledger',
  ) {
    super()
  }
  async apply(m: Model, r: Real) {
    const w = m.wishes.get(this.id)
    const s = SPECS[this.id]
    const confirmable = w?.status === 'fulfilled' && !pastDeadline(m, this.id) && (this.who === undefined || this.who === s.poster)
    if (this.crash !== 'none' && confirmable && w) {
      await r.db.execute(
        sql`update cm_wishes set status = 'confirming', resume_status = 'fulfilled', closed_by = 'k' where tenant_id = ${r.tenantId} and id = ${this.id}`,
      )
      if (this.crash === 'after-ledger' && s.points !== null) {
        await r.ledger.batch({
          tenantId: r.tenantId,
          operations: [
            { type: 'post', id: `wish:${this.id}:settle`, pendingId: `wish:${this.id}:hold`, metadata: { wishId: this.id } },
            {
              type: 'transfer',
              id: `wish:${this.id}:reward`,
              from: 'escrow:wishes:POINT',
              to: `member:${w.claimant}:POINT`,
              amount: s.points.toString(),
              memo: `reward of wish ${this.id}`,
              metadata: { wishId: this.id },
            },
          ],
        })
      }
      // Re-running heals it.
      expect(await r.community.healWishes({ tenantId: r.tenantId, actor: 'heal' })).toEqual({ finished: 1, refused: 0 })
    } else {
      const got = await outcome(
        r.community.confirmWish({ tenantId: r.tenantId, wishId: this.id, actor: 'k', ...(this.who ? { memberId: this.who } : {}) }),
      )
      if (!w) return expect(got).toBe('WISH_NOT_FOUND')
      const notPoster = this.who !== undefined && this.who !== s.poster
      if (w.status === 'confirmed') return expect(got).toBe(notPoster ? 'WISH_NOT_POSTER' : 'ok')
      if (pastDeadline(m, this.id)) return expect(got).toBe('WISH_PAST_DEADLINE')
      if (notPoster) return expect(got).toBe('WISH_NOT_POSTER')
      if (w.status !== 'fulfilled') return expect(got).toBe('INVALID_TRANSITION')
      expect(got).toBe('ok')
    }
    if (!w) return
    w.status = 'confirmed'
    const claimant = w.claimant as string
    m.paid.set(claimant, (m.paid.get(claimant) ?? 0n) + (s.points ?? 0n))
  }
  override toString = () => `confirm(${this.id}, ${this.who ?? 'staff'}, ${this.crash})`
}

class Cancel extends Step {
  constructor(
    readonly id: WishId,
    readonly who: string | undefined,
  ) {
    super()
  }
  async apply(m: Model, r: Real) {
    const got = await outcome(
      r.community.cancelWish({ tenantId: r.tenantId, wishId: this.id, actor: 'k', ...(this.who ? { memberId: this.who } : {}) }),
    )
    const w = m.wishes.get(this.id)
    if (!w) return expect(got).toBe('WISH_NOT_FOUND')
    const notPoster = this.who !== undefined && this.who !== SPECS[this.id].poster
    if (w.status === 'cancelled') return expect(got).toBe(notPoster ? 'WISH_NOT_POSTER' : 'ok')
    if (notPoster) return expect(got).toBe('WISH_NOT_POSTER')
    if (!OPEN.includes(w.status)) return expect(got).toBe('INVALID_TRANSITION')
    expect(got).toBe('ok')
    w.status = 'cancelled'
  }
  override toString = () => `cancel(${this.id}, ${this.who ?? 'staff'})`
}

class Pass extends Step {
  async apply(m: Model, r: Real) {
    m.now += HOUR
    r.clock.set(new Date(m.now))
  }
  override toString = () => 'an hour passes'
}

class Expire extends Step {
  async apply(m: Model, r: Real) {
    const due = IDS.filter((id) => {
      const w = m.wishes.get(id)
      return w !== undefined && OPEN.includes(w.status) && pastDeadline(m, id)
    })
    expect(await r.community.expireWishes({ tenantId: r.tenantId, actor: 'sweep' })).toEqual({ expired: due.length, refused: 0 })
    for (const id of due) (m.wishes.get(id) as ModelWish).status = 'expired'
  }
  override toString = () => 'expire'
}

let base: TestCommunity
beforeAll(async () => {
  base = await pgliteCommunity()
})
afterAll(() => base.close())

describe('the wish workflow', () => {
  it('agrees with its model and the ledger after every step: no reward twice, every hold resolved once', async () => {
    const id = fc.constantFrom(...IDS)
    const person = fc.constantFrom(...PEOPLE)
    const maybe = fc.option(person, { nil: undefined })
    const commands = [
      id.map((x) => new Post(x)),
      id.map((x) => new Post(x)),
      fc.tuple(id, person).map(([x, p]) => new Claim(x, p)),
      fc.tuple(id, person).map(([x, p]) => new Claim(x, p)),
      fc.tuple(id, maybe).map(([x, p]) => new Release(x, p)),
      fc.tuple(id, person).map(([x, p]) => new Fulfil(x, p)),
      fc.tuple(id, person).map(([x, p]) => new Fulfil(x, p)),
      fc
        .tuple(id, maybe, fc.constantFrom('none', 'none', 'before-ledger', 'after-ledger') as fc.Arbitrary<Confirm['crash']>)
        .map(([x, p, c]) => new Confirm(x, p, c)),
      fc.tuple(id, maybe).map(([x, p]) => new Cancel(x, p)),
      fc.constant(new Pass()),
      fc.constant(new Expire()),
    ]
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: 'large' }), async (cmds) => {
        const real = await wishSettingOn(base.db, { pool: FUNDS.pool.toString(), acme: FUNDS.acme.toString() })
        real.clock.set(new Date(START))
        const model: Model = { now: START, wishes: new Map(), paid: new Map() }
        await fc.asyncModelRun(() => ({ model, real }), cmds)
      }),
      { numRuns: RUNS },
    )
  }, 300_000)
})
