/**
 * Model-based test of the hour record workflow on a real ledger (PGlite):
 * random sequences of creating, adjusting, approving (alone, in bulk, and two
 * approvers at once), rejecting, upholding complaints and changing the points
 * rule, checked against a small model of each record's state. After every
 * step: every record is where the model says, each member's ledger balances
 * (hours, points, lifetime hours) equal the sum over their approved records,
 * the month totals equal the same sums, no intent is left unfinished, and the
 * ledger's totals are zero; after each run, reconcile finds nothing.
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
}
interface Model {
  records: Map<string, ModelRecord>
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

/** What approving does to the model: pending records the approver may approve become approved. */
function approveModel(m: Model, ids: string[], by: string) {
  for (const id of ids) {
    const rec = m.records.get(id)
    if (rec?.status === 'pending' && mayApprove(rec, by)) rec.status = 'approved'
  }
}

class Approve implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly ids: string[],
    readonly by: string,
  ) {}
  check = () => true
  async run(m: Model, r: Real) {
    const results = await r.community.approve({ tenantId: r.tenantId, recordIds: this.ids, actor: this.by })
    for (const res of results) {
      const rec = m.records.get(res.recordId)
      if (!rec) expect(res).toMatchObject({ ok: false, error: { code: 'RECORD_NOT_FOUND' } })
      else if (rec.status === 'pending' && !mayApprove(rec, this.by))
        expect(res).toMatchObject({ ok: false, error: { code: 'SECOND_APPROVER_REQUIRED' } })
      else if (rec.status === 'pending' || rec.status === 'approved')
        expect(res).toMatchObject({ ok: true, record: { status: 'approved' } })
      else expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_TRANSITION' } })
    }
    approveModel(m, [...new Set(this.ids)], this.by)
    await checkInvariants(m, r)
  }
  toString = () => `approve([${this.ids}], ${this.by})`
}

class ApproveTwice implements fc.AsyncCommand<Model, Real> {
  constructor(readonly ids: string[]) {}
  check = () => true
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
      if (either) rec.status = 'approved'
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

async function checkInvariants(m: Model, r: Real) {
  const stored = await rows<{ id: string; member_id: string; hours: string; points: string | null; status: string }>(
    r.db,
    sql`select id, member_id, hours::text as hours, points::text as points, status from cm_hour_records where tenant_id = ${r.tenantId}`,
  )
  expect(new Map(stored.map((s) => [s.id, s.status]))).toEqual(new Map([...m.records].map(([id, x]) => [id, x.status])))
  for (const s of stored) expect(BigInt(s.hours)).toBe(m.records.get(s.id)?.hours)
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
    expect(await balance('HOUR')).toBe(hours)
    expect(await balance('LIFETIME_HOUR')).toBe(hours)
    expect(await balance('POINT')).toBe(points)
    const t = totals.find((x) => x.member_id === member)
    expect([BigInt(t?.hours ?? 0), BigInt(t?.points ?? 0), Number(t?.records ?? 0)]).toEqual([hours, points, approved.length])
  }
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
    ]
    let run = 0
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: 'large' }), async (cmds) => {
        const real = await communityOn(base.db, { tenantId: `model-${++run}` })
        await activeMembers(real, MEMBERS)
        const model: Model = { records: new Map() }
        await fc.asyncModelRun(() => ({ model, real }), cmds)
        expect(await real.community.reconcile({ tenantId: real.tenantId })).toEqual([])
      }),
      { numRuns: RUNS },
    )
  }, 300_000)
})
