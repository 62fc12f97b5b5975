/**
 * Model-based test of the hour record workflow on a real ledger (PGlite):
 * random sequences of creating, adjusting, approving (alone, in bulk, and two
 * approvers at once), rejecting, upholding complaints, changing the points
 * rule and changing the storage caps on hours and points (refusing or
 * donating the excess, raised and lowered), checked against a small model of
 * each record's state and of how a cap splits its credit. After every step:
 * every record is where the model says, with the points and the excess the
 * model computes; each member's ledger balances equal the sum of their
 * approved records' parts (hours and points less the excess, lifetime hours
 * whole), the pools hold the excess, the month totals count the records
 * whole, no intent is left unfinished, and the ledger's totals are zero;
 * after each run, reconcile finds nothing.
 */
import fc from 'fast-check'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rows } from '@timebank/ledger/kit'
import type { RecordStatus } from '../domain/record.js'
import { activeMembers } from '../testing/members.js'
import { type TestCommunity, communityOn, pgliteCommunity } from '../testing/pglite.js'

const MEMBERS = ['m1', 'm2', 'm3']
const STAFF = ['s1', 's2']
const RUNS = Number(process.env.COMMUNITY_MODEL_RUNS ?? 12)

interface ModelRecord {
  member: string
  /** As created (what a repeated creation is compared with) and as it stands. */
  createdHours: bigint
  hours: bigint
  status: RecordStatus
  createdBy: string
  /** Who last adjusted it: like who entered it, they may not approve it alone. */
  adjustedBy: string | null
  /** Fixed when it is approved: its points, and the hours and points of it the caps sent to the pool. */
  points: bigint
  excessHours: bigint
  excessPoints: bigint
}
type Asset = 'HOUR' | 'POINT'
/** A storage cap in minor units (hundredths of an hour, whole points) and what it does with the excess. */
interface Cap {
  limit: bigint
  donate: boolean
}
interface Model {
  records: Map<string, ModelRecord>
  /** The points rule: points per hour times ten, and its rounding. */
  rule: { rate10: bigint; rounding: 'half-up' | 'half-even' }
  caps: Record<Asset, Cap | null>
}

/** n / d rounded to a whole number (n, d ≥ 0). */
function roundDiv(n: bigint, d: bigint, mode: Model['rule']['rounding']): bigint {
  const q = n / d
  const twice = 2n * (n % d)
  if (twice > d || (twice === d && (mode === 'half-up' || q % 2n === 1n))) return q + 1n
  return q
}

/** A member's points for hours (hundredths) under the rule: hours × rate, rounded (role member, conduct 1). */
const pointsOf = (m: Model, hours: bigint) => roundDiv(hours * m.rule.rate10, 1000n, m.rule.rounding)

/** What a member holds of an asset: the member's part of each approved record. */
function held(m: Model, member: string, asset: Asset): bigint {
  let sum = 0n
  for (const rec of m.records.values()) {
    if (rec.member !== member || rec.status !== 'approved') continue
    sum += asset === 'HOUR' ? rec.hours - rec.excessHours : rec.points - rec.excessPoints
  }
  return sum
}

/** A cap's verdict on crediting `amount` over `balance`: the excess (0 when it fits), or null when refused. */
function capSplit(cap: Cap | null, balance: bigint, amount: bigint): bigint | null {
  if (cap === null || amount === 0n || balance + amount <= cap.limit) return 0n
  const room = cap.limit > balance ? cap.limit - balance : 0n
  return cap.donate ? amount - room : null
}
type Real = Omit<TestCommunity, 'close'>

const hoursText = (h: bigint) => (h === 0n ? '0' : `${h / 100n}.${String(h % 100n).padStart(2, '0')}`)

class Create implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly id: string,
    readonly member: string,
    readonly hours: bigint,
    readonly by: string,
  ) {}
  check = () => true
  async run(m: Model, r: Real) {
    const input = {
      tenantId: r.tenantId,
      id: this.id,
      memberId: this.member,
      kind: 'visit',
      startedAt: new Date('2026-03-01T01:00:00Z'),
      endedAt: new Date('2026-03-01T02:00:00Z'),
      hours: hoursText(this.hours),
      actor: this.by,
    }
    const prior = m.records.get(this.id)
    const outcome = await r.community.createRecord(input).then(
      (x) => x.replayed,
      (e: { code: string }) => e.code,
    )
    if (!prior) {
      expect(outcome).toBe(false)
      m.records.set(this.id, {
        member: this.member,
        createdHours: this.hours,
        hours: this.hours,
        status: 'pending',
        createdBy: this.by,
        adjustedBy: null,
        points: 0n,
        excessHours: 0n,
        excessPoints: 0n,
      })
    } else if (prior.member === this.member && prior.createdHours === this.hours && prior.createdBy === this.by) {
      expect(outcome).toBe(true)
    } else {
      expect(outcome).toBe('RECORD_EXISTS')
    }
    await checkInvariants(m, r)
  }
  toString = () => `create(${this.id}, ${this.member}, ${this.hours}, ${this.by})`
}

/** Every record here is entered by hand: neither who entered it nor who last adjusted it may approve it. */
const mayApprove = (rec: ModelRecord, by: string) => rec.createdBy !== by && rec.adjustedBy !== by

/**
 * What approving does to the model: pending records the approver may approve, in id order (the order they are
 * locked and claimed in), become approved with their points and the caps' split, each counted on by the next; one a
 * cap refuses stays pending. Returns the ids a cap refused.
 */
function approveModel(m: Model, ids: string[], by: string): Set<string> {
  const refused = new Set<string>()
  for (const id of [...new Set(ids)].sort()) {
    const rec = m.records.get(id)
    if (rec?.status !== 'pending' || !mayApprove(rec, by)) continue
    const points = pointsOf(m, rec.hours)
    const excessHours = capSplit(m.caps.HOUR, held(m, rec.member, 'HOUR'), rec.hours)
    const excessPoints = capSplit(m.caps.POINT, held(m, rec.member, 'POINT'), points)
    if (excessHours === null || excessPoints === null) {
      refused.add(id)
      continue
    }
    Object.assign(rec, { status: 'approved', points, excessHours, excessPoints })
  }
  return refused
}

class Approve implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly ids: string[],
    readonly by: string,
  ) {}
  check = () => true
  async run(m: Model, r: Real) {
    const before = new Map([...m.records].map(([id, rec]) => [id, { ...rec }]))
    const refused = approveModel(m, this.ids, this.by)
    const results = await r.community.approve({ tenantId: r.tenantId, recordIds: this.ids, actor: this.by })
    for (const res of results) {
      const rec = before.get(res.recordId)
      if (!rec) expect(res).toMatchObject({ ok: false, error: { code: 'RECORD_NOT_FOUND' } })
      else if (rec.status === 'pending' && !mayApprove(rec, this.by))
        expect(res).toMatchObject({ ok: false, error: { code: 'SECOND_APPROVER_REQUIRED' } })
      else if (refused.has(res.recordId))
        expect(res).toMatchObject({ ok: false, error: { code: 'POLICY_VIOLATION', details: { rule: 'storageCap' } } })
      else if (rec.status === 'pending' || rec.status === 'approved')
        expect(res).toMatchObject({ ok: true, record: { status: 'approved', points: String(m.records.get(res.recordId)?.points) } })
      else expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_TRANSITION' } })
    }
    await checkInvariants(m, r)
  }
  toString = () => `approve([${this.ids}], ${this.by})`
}

/** Two approvers at once: without caps, each record is credited once, whoever claims it. */
class ApproveTwice implements fc.AsyncCommand<Model, Real> {
  constructor(readonly ids: string[]) {}
  // Under a cap, which approver claims which record first decides the split, and a claim counted on balances read
  // before the other's credit is refused by the ledger's ceiling: the single-approver steps model caps exactly.
  check = (m: Readonly<Model>) => m.caps.HOUR === null && m.caps.POINT === null
  async run(m: Model, r: Real) {
    // Two approvers at once: each record is credited once, whoever claims it.
    const [a, b] = await Promise.all([
      r.community.approve({ tenantId: r.tenantId, recordIds: this.ids, actor: 's1' }),
      r.community.approve({ tenantId: r.tenantId, recordIds: [...this.ids].reverse(), actor: 's2' }),
    ])
    for (const id of new Set(this.ids)) {
      const rec = m.records.get(id)
      if (rec?.status !== 'pending') continue
      // A manual record is approved by whichever of the two may approve it; if one entered it and the other
      // adjusted it, by neither.
      const okA = a?.find((x) => x.recordId === id)?.ok
      const okB = b?.find((x) => x.recordId === id)?.ok
      const either = STAFF.some((by) => mayApprove(rec, by))
      expect(okA || okB).toBe(either)
      if (either) Object.assign(rec, { status: 'approved', points: pointsOf(m, rec.hours), excessHours: 0n, excessPoints: 0n })
    }
    await checkInvariants(m, r)
  }
  toString = () => `approveTwice([${this.ids}])`
}

class Reject implements fc.AsyncCommand<Model, Real> {
  constructor(readonly ids: string[]) {}
  check = () => true
  async run(m: Model, r: Real) {
    const results = await r.community.reject({ tenantId: r.tenantId, recordIds: this.ids, reason: 'not on the sheet', actor: 's2' })
    for (const res of results) {
      const rec = m.records.get(res.recordId)
      // Rejecting a rejected record again answers it as it is.
      expect(res.ok).toBe(rec?.status === 'pending' || rec?.status === 'rejected')
      if (rec?.status === 'pending') rec.status = 'rejected'
    }
    await checkInvariants(m, r)
  }
  toString = () => `reject([${this.ids}])`
}

class Adjust implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly id: string,
    readonly hours: bigint,
    readonly by: string,
  ) {}
  check = (m: Readonly<Model>) => m.records.has(this.id)
  async run(m: Model, r: Real) {
    const rec = m.records.get(this.id) as ModelRecord
    const outcome = await r.community
      .adjust({ tenantId: r.tenantId, recordId: this.id, hours: hoursText(this.hours), reason: 'sheet', actor: this.by })
      .then(
        () => 'ok',
        (e: { code: string }) => e.code,
      )
    expect(outcome).toBe(rec.status === 'pending' ? 'ok' : 'INVALID_TRANSITION')
    if (rec.status === 'pending') {
      rec.hours = this.hours
      rec.adjustedBy = this.by
    }
    await checkInvariants(m, r)
  }
  toString = () => `adjust(${this.id}, ${this.hours}, ${this.by})`
}

class Complain implements fc.AsyncCommand<Model, Real> {
  constructor(readonly id: string) {}
  check = (m: Readonly<Model>) => m.records.has(this.id)
  async run(m: Model, r: Real) {
    const rec = m.records.get(this.id) as ModelRecord
    const got = await r.community.complain({ tenantId: r.tenantId, recordId: this.id, reason: 'upheld', actor: 's2' })
    rec.status = rec.status === 'pending' ? 'rejected' : rec.status === 'approved' ? 'reversed' : rec.status
    expect(got.status).toBe(rec.status)
    await checkInvariants(m, r)
  }
  toString = () => `complain(${this.id})`
}

class ChangeRule implements fc.AsyncCommand<Model, Real> {
  constructor(readonly rate: string) {}
  check = () => true
  async run(m: Model, r: Real) {
    m.rule = { rate10: BigInt(Number(this.rate) * 10), rounding: 'half-even' }
    await r.community.addRule({
      tenantId: r.tenantId,
      rule: {
        pointsPerHour: this.rate,
        roleMultipliers: { member: '1', leader: '1.4', organiser: '1.2' },
        fixedPoints: {},
        rounding: 'half-even',
      },
      actor: 's1',
    })
    await checkInvariants(m, r)
  }
  toString = () => `rule(${this.rate})`
}

/** The storage caps changed (raised, lowered, lifted; the excess refused or donated): the ledger's ceilings follow. */
class ChangeCaps implements fc.AsyncCommand<Model, Real> {
  constructor(readonly caps: Record<Asset, Cap | null>) {}
  check = () => true
  async run(m: Model, r: Real) {
    const cap = (c: Cap | null, text: (l: bigint) => string) =>
      c ? { limit: text(c.limit), excess: c.donate ? ('donate' as const) : ('refuse' as const) } : null
    await r.community.changePolicy({
      tenantId: r.tenantId,
      policy: { storageCap: { HOUR: cap(this.caps.HOUR, hoursText), POINT: cap(this.caps.POINT, String) } },
      actor: 's1',
    })
    m.caps = this.caps
    await checkInvariants(m, r)
  }
  toString = () => {
    const one = (a: Asset, c: Cap | null) => (c ? `${a} ${c.limit} ${c.donate ? 'donate' : 'refuse'}` : `${a} off`)
    return `caps(${one('HOUR', this.caps.HOUR)}, ${one('POINT', this.caps.POINT)})`
  }
}

async function checkInvariants(m: Model, r: Real) {
  const stored = await rows<{
    id: string
    member_id: string
    hours: string
    points: string | null
    excess_hours: string | null
    excess_points: string | null
    status: string
  }>(
    r.db,
    sql`select id, member_id, hours::text as hours, points::text as points, excess_hours::text as excess_hours,
               excess_points::text as excess_points, status
        from cm_hour_records where tenant_id = ${r.tenantId}`,
  )
  expect(new Map(stored.map((s) => [s.id, s.status]))).toEqual(new Map([...m.records].map(([id, x]) => [id, x.status])))
  for (const s of stored) {
    const rec = m.records.get(s.id) as ModelRecord
    expect(BigInt(s.hours)).toBe(rec.hours)
    // What an approval fixed stays on the record through its reversal.
    if (s.status === 'approved' || s.status === 'reversed') {
      expect([BigInt(s.points ?? -1), BigInt(s.excess_hours ?? 0), BigInt(s.excess_points ?? 0)]).toEqual([
        rec.points,
        rec.excessHours,
        rec.excessPoints,
      ])
    }
  }
  const totals = await rows<{ member_id: string; hours: string; points: string; records: string }>(
    r.db,
    sql`select member_id, sum(hours)::text as hours, sum(points)::text as points, sum(records)::text as records
        from cm_member_totals where tenant_id = ${r.tenantId} group by member_id`,
  )
  for (const member of MEMBERS) {
    const approved = stored.filter((s) => s.member_id === member && s.status === 'approved')
    const hours = approved.reduce((a, s) => a + BigInt(s.hours), 0n)
    const points = approved.reduce((a, s) => a + BigInt(s.points ?? 0), 0n)
    const balance = async (asset: string) =>
      BigInt((await r.ledger.getBalance({ tenantId: r.tenantId, accountId: `member:${member}:${asset}` })).posted.replace('.', ''))
    // The member keeps what the caps left them; lifetime hours and the month totals count the records whole.
    expect(await balance('HOUR')).toBe(held(m, member, 'HOUR'))
    expect(await balance('LIFETIME_HOUR')).toBe(hours)
    expect(await balance('POINT')).toBe(held(m, member, 'POINT'))
    const t = totals.find((x) => x.member_id === member)
    expect([BigInt(t?.hours ?? 0), BigInt(t?.points ?? 0), Number(t?.records ?? 0)]).toEqual([hours, points, approved.length])
  }
  const pool = async (asset: Asset) =>
    BigInt((await r.ledger.getBalance({ tenantId: r.tenantId, accountId: `pool:${asset}` })).posted.replace('.', ''))
  const approved = [...m.records.values()].filter((x) => x.status === 'approved')
  expect(await pool('HOUR')).toBe(approved.reduce((a, x) => a + x.excessHours, 0n))
  expect(await pool('POINT')).toBe(approved.reduce((a, x) => a + x.excessPoints, 0n))
  for (const a of await r.ledger.totals({ tenantId: r.tenantId })) expect(a.total.replace(/[.0]/g, '')).toBe('')
}

let base: TestCommunity
beforeAll(async () => {
  base = await pgliteCommunity()
})
afterAll(() => base.close())

describe('the hour record workflow', () => {
  it('agrees with its model and the ledger after every step', async () => {
    const ids = fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5', 'r6')
    const someIds = fc.uniqueArray(ids, { minLength: 1, maxLength: 4 })
    const hours = fc.bigInt({ min: 0n, max: 400n })
    const create = fc
      .tuple(ids, fc.constantFrom(...MEMBERS), hours, fc.constantFrom(...STAFF))
      .map(([id, m, h, by]) => new Create(id, m, h, by))
    const approve = fc.tuple(someIds, fc.constantFrom(...STAFF)).map(([x, by]) => new Approve(x, by))
    const complain = ids.map((id) => new Complain(id))
    const cap = (limits: bigint[]) =>
      fc.option(fc.record({ limit: fc.constantFrom(...limits), donate: fc.boolean() }), { nil: null, freq: 3 })
    // Caps of 3 or 6 hours and 2 or 8 points: a few records of up to 4 hours cross them, raised or lowered.
    const changeCaps = fc.record({ HOUR: cap([300n, 600n]), POINT: cap([2n, 8n]) }).map((caps) => new ChangeCaps(caps))
    // Weighted towards making records, and towards what acts on them once made.
    const commands = [
      create,
      create,
      create,
      approve,
      approve,
      someIds.map((x) => new ApproveTwice(x)),
      someIds.map((x) => new Reject(x)),
      fc.tuple(ids, hours, fc.constantFrom(...STAFF)).map(([id, h, by]) => new Adjust(id, h, by)),
      complain,
      complain,
      fc.constantFrom('1', '2.5', '10').map((x) => new ChangeRule(x)),
      changeCaps,
      changeCaps,
    ]
    let run = 0
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: 'large' }), async (cmds) => {
        const real = await communityOn(base.db, { tenantId: `model-${++run}` })
        await activeMembers(real, MEMBERS)
        // The rule a community starts with: 1 point an hour, rounded half up.
        const model: Model = { records: new Map(), rule: { rate10: 10n, rounding: 'half-up' }, caps: { HOUR: null, POINT: null } }
        await fc.asyncModelRun(() => ({ model, real }), cmds)
        expect(await real.community.reconcile({ tenantId: real.tenantId })).toEqual([])
      }),
      { numRuns: RUNS },
    )
  }, 300_000)
})
