import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { activeMembers, posted } from '../testing/members.js'
import { type TestCommunity, pgliteCommunity } from '../testing/pglite.js'

let t: TestCommunity
let n = 0
const uid = (p: string) => `${p}-${++n}`

beforeAll(async () => {
  t = await pgliteCommunity({ start: '2026-03-10T02:00:00Z' })
  await activeMembers(t, ['ana', 'bo', 'carl', 'dee'])
  await t.community.addRule({
    tenantId: t.tenantId,
    rule: {
      pointsPerHour: '10',
      roleMultipliers: { member: '1', leader: '1.4', organiser: '1.2' },
      fixedPoints: { referral: '2' },
      rounding: 'half-up',
    },
    actor: 'staff-a',
  })
})
afterAll(() => t.close())

/** A manual record by staff-a, of `hours` for `memberId`. */
async function record(memberId: string, hours: string, extra: Record<string, unknown> = {}) {
  const id = uid('r')
  const start = new Date(t.clock.now.getTime() - 3 * 3600_000)
  await t.community.createRecord({
    tenantId: t.tenantId,
    id,
    memberId,
    kind: 'elder-visit',
    startedAt: start,
    endedAt: t.clock.now,
    hours,
    actor: 'staff-a',
    ...extra,
  })
  return id
}
const approve = (ids: string[], actor = 'staff-b') => t.community.approve({ tenantId: t.tenantId, recordIds: ids, actor })
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  )

describe('approving hour records', () => {
  it('posts hours, points and lifetime hours in one ledger batch, under the rule in force', async () => {
    const before = { h: await posted(t, 'ana', 'HOUR'), p: await posted(t, 'ana', 'POINT'), l: await posted(t, 'ana', 'LIFETIME_HOUR') }
    const id = await record('ana', '1.5', { role: 'leader' })
    const [d] = await approve([id])
    expect(d).toMatchObject({ ok: true, record: { status: 'approved', hours: '1.50', points: '21', ruleVersion: 2, decidedBy: 'staff-b' } })
    expect(Number(await posted(t, 'ana', 'HOUR')) - Number(before.h)).toBeCloseTo(1.5)
    expect(Number(await posted(t, 'ana', 'POINT')) - Number(before.p)).toBe(21)
    expect(Number(await posted(t, 'ana', 'LIFETIME_HOUR')) - Number(before.l)).toBeCloseTo(1.5)
    const credit = await t.ledger.getTransfer({ tenantId: t.tenantId, transferId: `hours:${id}` })
    expect(credit).toMatchObject({
      type: 'earn',
      amount: '1.50',
      to: 'member:ana:HOUR',
      metadata: { recordId: id, evidence: { reviewer: 'staff-b' } },
    })
  })

  it('answers a record approved before as it is, crediting nothing again', async () => {
    const id = await record('bo', '2')
    await approve([id])
    const h = await posted(t, 'bo', 'HOUR')
    const [again] = await approve([id], 'staff-c')
    expect(again).toMatchObject({ ok: true, record: { status: 'approved', decidedBy: 'staff-b' } })
    expect(await posted(t, 'bo', 'HOUR')).toBe(h)
  })

  it('needs someone other than who entered a manual record to approve it', async () => {
    const id = await record('bo', '1')
    const [d] = await approve([id], 'staff-a')
    expect(d).toMatchObject({ ok: false, error: { code: 'SECOND_APPROVER_REQUIRED' } })
    expect((await t.community.getRecord(t.tenantId, id)).status).toBe('pending')
  })

  it('approves hundreds of records in one request, each once, and answers each', async () => {
    const ids: string[] = []
    for (let i = 0; i < 300; i++) ids.push(await record(['ana', 'bo', 'carl'][i % 3] as string, '0.25'))
    const results = await approve([...ids, 'no-such-record'])
    expect(results.filter((r) => r.ok)).toHaveLength(300)
    expect(results[300]).toMatchObject({ ok: false, recordId: 'no-such-record', error: { code: 'RECORD_NOT_FOUND' } })
    expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])
  })

  it('sets a record the ledger refuses back to pending with the refusal, and approves the others', async () => {
    const ok = await record('carl', '1')
    const frozen = await record('dee', '1')
    await t.ledger.setAccountStatus({ tenantId: t.tenantId, accountId: 'member:dee:HOUR', status: 'frozen' })
    const results = await approve([ok, frozen])
    expect(results[0]).toMatchObject({ ok: true, record: { status: 'approved' } })
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'ACCOUNT_FROZEN', details: { recordId: frozen } } })
    expect(await t.community.getRecord(t.tenantId, frozen)).toMatchObject({ status: 'pending', points: null, decidedBy: null })
    await t.ledger.setAccountStatus({ tenantId: t.tenantId, accountId: 'member:dee:HOUR', status: 'open' })
    expect((await approve([frozen]))[0]).toMatchObject({ ok: true })
  })

  it('keeps the rule version a record was credited under when the rule changes', async () => {
    const first = await record('carl', '1')
    await approve([first])
    await t.community.addRule({
      tenantId: t.tenantId,
      rule: { pointsPerHour: '20', roleMultipliers: { member: '1', leader: '1.4', organiser: '1.2' }, fixedPoints: {}, rounding: 'down' },
      actor: 'staff-a',
    })
    const second = await record('carl', '1')
    await approve([second])
    expect(await t.community.getRecord(t.tenantId, first)).toMatchObject({ points: '10', ruleVersion: 2 })
    expect(await t.community.getRecord(t.tenantId, second)).toMatchObject({ points: '20', ruleVersion: 3 })
  })

  it('credits a zero-hour record nothing and still counts it approved', async () => {
    const id = await record('ana', '0')
    const [d] = await approve([id])
    expect(d).toMatchObject({ ok: true, record: { status: 'approved', hours: '0.00', points: '0' } })
    expect(await codeOf(t.ledger.getTransfer({ tenantId: t.tenantId, transferId: `hours:${id}` }))).toBe('TRANSFER_NOT_FOUND')
  })
})

describe('rejecting and adjusting', () => {
  it('rejects pending records with a reason, and refuses to reject an approved one', async () => {
    const pending = await record('ana', '1')
    const done = await record('ana', '1')
    await approve([done])
    const results = await t.community.reject({
      tenantId: t.tenantId,
      recordIds: [pending, done],
      reason: 'not on the sheet',
      actor: 'staff-b',
    })
    expect(results[0]).toMatchObject({ ok: true, record: { status: 'rejected', reason: 'not on the sheet', note: null } })
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'INVALID_TRANSITION', details: { status: 'approved' } } })
    // Again: the rejected record answers as it is, and nothing changes.
    const again = await t.community.reject({ tenantId: t.tenantId, recordIds: [pending], reason: 'twice', actor: 'staff-c' })
    expect(again[0]).toMatchObject({ ok: true, record: { status: 'rejected', reason: 'not on the sheet', decidedBy: 'staff-b' } })
  })

  it('adjusts a pending record with a reason kept in its history, and only a pending one', async () => {
    const id = await record('bo', '3')
    const adjusted = await t.community.adjust({ tenantId: t.tenantId, recordId: id, hours: '2', reason: 'left early', actor: 'staff-b' })
    expect(adjusted.hours).toBe('2.00')
    const history = await t.community.recordHistory(t.tenantId, id)
    expect(history.map((e) => e.action)).toEqual(['created', 'adjusted'])
    expect(history[0]?.detail).toMatchObject({ hours: '3.00' })
    expect(history[1]?.detail).toMatchObject({ reason: 'left early', before: { hours: '3.00' }, after: { hours: '2.00' } })
    // Who adjusted it may not approve it alone; anyone else may.
    expect(adjusted.adjustedBy).toBe('staff-b')
    expect((await approve([id], 'staff-b'))[0]).toMatchObject({ ok: false, error: { code: 'SECOND_APPROVER_REQUIRED' } })
    expect((await approve([id], 'staff-c'))[0]).toMatchObject({ ok: true, record: { status: 'approved' } })
    expect(await codeOf(t.community.adjust({ tenantId: t.tenantId, recordId: id, hours: '1', reason: 'x', actor: 'staff-b' }))).toBe(
      'INVALID_TRANSITION',
    )
  })

  it('refuses more decimals than hours have, never rounding them, and more than a day in one record', async () => {
    expect(await codeOf(record('bo', '1.255'))).toBe('VALIDATION')
    expect(await codeOf(record('bo', '24.01'))).toBe('VALIDATION')
    expect(await codeOf(record('bo', '500'))).toBe('VALIDATION')
    const id = await record('bo', '24')
    const adjust = (hours: string) => t.community.adjust({ tenantId: t.tenantId, recordId: id, hours, reason: 'x', actor: 'staff-b' })
    expect(await codeOf(adjust('500'))).toBe('VALIDATION')
    expect(await codeOf(adjust('0.001'))).toBe('VALIDATION')
    expect((await adjust('0.00')).hours).toBe('0.00')
  })
})

describe('complaints', () => {
  it('reject a pending record', async () => {
    const id = await record('carl', '1')
    const r = await t.community.complain({ tenantId: t.tenantId, recordId: id, reason: 'did not attend', actor: 'staff-b' })
    expect(r.status).toBe('rejected')
  })

  it('reverse an approved record in the ledger, lifetime hours included, linked to the credits', async () => {
    const id = await record('carl', '2')
    await approve([id])
    const before = { h: await posted(t, 'carl', 'HOUR'), l: await posted(t, 'carl', 'LIFETIME_HOUR'), p: await posted(t, 'carl', 'POINT') }
    const r = await t.community.complain({ tenantId: t.tenantId, recordId: id, reason: 'did not attend', actor: 'staff-c' })
    expect(r).toMatchObject({ status: 'reversed', reason: 'did not attend' })
    expect(Number(before.h) - Number(await posted(t, 'carl', 'HOUR'))).toBeCloseTo(2)
    expect(Number(before.l) - Number(await posted(t, 'carl', 'LIFETIME_HOUR'))).toBeCloseTo(2)
    expect(Number(before.p) - Number(await posted(t, 'carl', 'POINT'))).toBe(Number(r.points))
    const reversal = await t.ledger.getTransfer({ tenantId: t.tenantId, transferId: `hours:${id}:reversal` })
    expect(reversal).toMatchObject({ type: 'reverse', reversesId: `hours:${id}`, amount: '2.00' })
    // Upholding it again changes nothing.
    expect((await t.community.complain({ tenantId: t.tenantId, recordId: id, reason: 'again', actor: 'staff-c' })).status).toBe('reversed')
  })

  it('are refused with the ledger’s reason when what the record credited was spent, and the record stays approved', async () => {
    const id = await record('dee', '1')
    await approve([id])
    const points = await posted(t, 'dee', 'POINT')
    await t.ledger.transfer({ tenantId: t.tenantId, id: uid('spend'), from: 'member:dee:POINT', to: 'member:ana:POINT', amount: points })
    expect(await codeOf(t.community.complain({ tenantId: t.tenantId, recordId: id, reason: 'x', actor: 'staff-c' }))).toBe(
      'INSUFFICIENT_FUNDS',
    )
    expect((await t.community.getRecord(t.tenantId, id)).status).toBe('approved')
    expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])
  })
})

describe('month totals', () => {
  it('count each approval in the month the ledger posted it, and a reversal in the month it posted', async () => {
    const tenantId = t.tenantId
    t.clock.set('2026-04-30T15:30:00Z') // 23:30 in Shanghai: still April
    const id = await record('bo', '1')
    await approve([id])
    expect((await t.community.getRecord(tenantId, id)).postedPeriod).toBe('2026-04')
    t.clock.set('2026-05-02T02:00:00Z')
    await t.community.complain({ tenantId, recordId: id, reason: 'x', actor: 'staff-c' })
    const totals = await t.db.execute(
      sql`select month, hours::text as hours from cm_member_totals where tenant_id = ${tenantId} and member_id = 'bo' order by month`,
    )
    const rows = (Array.isArray(totals) ? totals : (totals as { rows: unknown[] }).rows) as { month: string; hours: string }[]
    expect(rows.find((r) => r.month === '2026-04')?.hours).toBe('100')
    expect(rows.find((r) => r.month === '2026-05')?.hours).toBe('-100')
  })

  it('count a credit posted into a month closed since in the current month instead', async () => {
    const tenantId = t.tenantId
    t.clock.set('2026-06-10T02:00:00Z')
    await t.db.execute(sql`insert into cm_closed_periods (tenant_id, period, closed_at, closed_by, snapshot, snapshot_hash)
                           values (${tenantId}, '2026-Q2', now(), 'test', '{}'::jsonb, 'x')`)
    const id = await record('ana', '1')
    t.clock.set('2026-07-01T02:00:00Z')
    // The ledger posts at its own now; make it post in June (closed) by running the ledger's clock behind.
    const ledgerNow = new Date('2026-06-30T10:00:00Z')
    const { createLedger } = await import('@timebank/ledger')
    const { createCommunity } = await import('../community.js')
    const lagging = createCommunity({ db: t.db, ledger: createLedger({ db: t.db, clock: () => ledgerNow }), clock: () => t.clock.now })
    await lagging.approve({ tenantId, recordIds: [id], actor: 'staff-b' })
    expect(await t.community.getRecord(tenantId, id)).toMatchObject({ postedPeriod: '2026-07' })
  })
})
