/**
 * A refused ledger step puts its record back; another caller's identical step
 * may have gone through meanwhile. Whatever the order, the record ends as the
 * ledger has it: the other caller's mark still lands, a later approver or
 * `heal` adopts the ledger's credit, and reconcile finds nothing.
 */
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createContext } from '../context.js'
import { activeMembers, posted } from '../testing/members.js'
import { hourRecords } from '../storage/schema.js'
import { type TestCommunity, pgliteCommunity } from '../testing/pglite.js'
import { approvalOps, finishApprovals } from './credit.js'
import type { RecordRow } from './view.js'

let t: TestCommunity
let n = 0
const uid = (p: string) => `${p}-${++n}`

beforeAll(async () => {
  t = await pgliteCommunity({ start: '2026-03-10T02:00:00Z' })
  await activeMembers(t, ['ana', 'bo'])
})
afterAll(() => t.close())

const ctx = () => createContext({ db: t.db, ledger: t.ledger, clock: () => t.clock.now })

async function pendingRecord(memberId: string, hours: string): Promise<string> {
  const id = uid('r')
  await t.community.createRecord({
    tenantId: t.tenantId,
    id,
    memberId,
    kind: 'visit',
    startedAt: new Date(t.clock.now.getTime() - 2 * 3600_000),
    endedAt: t.clock.now,
    hours,
    actor: 'staff-a',
  })
  return id
}

const row = async (id: string): Promise<RecordRow> => {
  const [r] = await t.db
    .select()
    .from(hourRecords)
    .where(and(eq(hourRecords.tenantId, t.tenantId), eq(hourRecords.id, id)))
  return r as RecordRow
}

const setStatus = (accountId: string, status: 'frozen' | 'open') => t.ledger.setAccountStatus({ tenantId: t.tenantId, accountId, status })

/**
 * Staff B's approval of `id` refused by the ledger (the member's hours account frozen), so the record is put
 * back; then the identical credit A's claim named goes through (another caller finishing that claim) without
 * the mark that caller would have made. Returns the claim as it was posted.
 */
async function refusedButPosted(id: string, memberId: string): Promise<RecordRow> {
  await setStatus(`member:${memberId}:HOUR`, 'frozen')
  const [refused] = await t.community.approve({ tenantId: t.tenantId, recordIds: [id], actor: 'staff-b' })
  expect(refused).toMatchObject({ ok: false, error: { code: 'ACCOUNT_FROZEN' } })
  await setStatus(`member:${memberId}:HOUR`, 'open')
  const back = await row(id)
  expect(back).toMatchObject({ status: 'pending', points: null, decidedBy: null })
  const claim: RecordRow = { ...back, status: 'approving', points: 30n, ruleVersion: 1, decidedBy: 'staff-b', decidedAt: t.clock.now }
  const result = await t.ledger.batch({ tenantId: t.tenantId, operations: approvalOps(claim) })
  expect(result.committed).toBe(true)
  expect(await t.community.reconcile({ tenantId: t.tenantId })).toContainEqual(
    expect.objectContaining({ recordId: id, kind: 'credit-unexpected' }),
  )
  return claim
}

it("lets the other caller's mark land on a record a refusal put back", async () => {
  const id = await pendingRecord('ana', '3')
  const claim = await refusedButPosted(id, 'ana')
  const { marked, failed } = await finishApprovals(ctx(), t.tenantId, [claim], 'staff-b')
  expect([marked.has(id), failed]).toEqual([true, []])
  expect(await row(id)).toMatchObject({ status: 'approved', points: 30n, ruleVersion: 1, decidedBy: 'staff-b' })
  expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])
})

it("makes a later approver adopt the ledger's credit instead of failing on it", async () => {
  const id = await pendingRecord('bo', '3')
  await refusedButPosted(id, 'bo')
  const [result] = await t.community.approve({ tenantId: t.tenantId, recordIds: [id], actor: 'staff-c' })
  // The ledger's credit names staff-b and 30 points: the record takes them, whoever approves now.
  expect(result).toMatchObject({ ok: true, record: { status: 'approved', decidedBy: 'staff-b', points: '30', hours: '3.00' } })
  expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])
  expect(await posted(t, 'bo', 'POINT')).toBe('30')
})

it('heals a record a refusal put back after the other caller stopped before marking it', async () => {
  const before = await posted(t, 'ana', 'HOUR')
  const id = await pendingRecord('ana', '2')
  await refusedButPosted(id, 'ana')
  expect(await t.community.heal({ tenantId: t.tenantId, actor: 'reconcile' })).toEqual({ approved: 1, reversed: 0, refused: 0 })
  expect(await row(id)).toMatchObject({ status: 'approved', decidedBy: 'staff-b', points: 30n })
  expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])
  expect(Number(await posted(t, 'ana', 'HOUR')) - Number(before)).toBe(2)
  // Healing again finds nothing more to do.
  expect(await t.community.heal({ tenantId: t.tenantId, actor: 'reconcile' })).toEqual({ approved: 0, reversed: 0, refused: 0 })
})

it('rejects a record a complaint finds being approved when the ledger refuses that approval', async () => {
  const id = await pendingRecord('bo', '1')
  // Claimed by an approver that stopped before posting.
  await t.db
    .update(hourRecords)
    .set({ status: 'approving', points: 10n, ruleVersion: 1, decidedBy: 'staff-b', decidedAt: t.clock.now })
    .where(and(eq(hourRecords.tenantId, t.tenantId), eq(hourRecords.id, id)))
  await setStatus('member:bo:HOUR', 'frozen')
  try {
    const r = await t.community.complain({ tenantId: t.tenantId, recordId: id, reason: 'did not come', actor: 'staff-c' })
    expect(r).toMatchObject({ status: 'rejected', reason: 'did not come', decidedBy: 'staff-c' })
  } finally {
    await setStatus('member:bo:HOUR', 'open')
  }
  expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])
})

it("adopts a credit the ledger holds that sent points over the cap to the pool, the record's points counting both parts", async () => {
  const id = await pendingRecord('ana', '1')
  const before = await posted(t, 'ana', 'POINT')
  await setStatus('member:ana:HOUR', 'frozen')
  expect((await t.community.approve({ tenantId: t.tenantId, recordIds: [id], actor: 'staff-b' }))[0]).toMatchObject({ ok: false })
  await setStatus('member:ana:HOUR', 'open')
  // The credit another claim named (30 points, 12 of them over a cap) went through without its mark.
  const claim: RecordRow = {
    ...(await row(id)),
    status: 'approving',
    points: 30n,
    excessPoints: 12n,
    ruleVersion: 1,
    decidedBy: 'staff-b',
    decidedAt: t.clock.now,
  }
  expect((await t.ledger.batch({ tenantId: t.tenantId, operations: approvalOps(claim) })).committed).toBe(true)
  const [result] = await t.community.approve({ tenantId: t.tenantId, recordIds: [id], actor: 'staff-c' })
  expect(result).toMatchObject({ ok: true, record: { status: 'approved', decidedBy: 'staff-b', points: '30' } })
  expect(await row(id)).toMatchObject({ points: 30n, excessPoints: 12n })
  expect(Number(await posted(t, 'ana', 'POINT')) - Number(before)).toBe(18)
  expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])
})

it('heals a record a refusal put back whose whole credit the ledger sent to the pool (the member at both caps)', async () => {
  const id = await pendingRecord('bo', '2')
  await setStatus('member:bo:LIFETIME_HOUR', 'frozen')
  expect((await t.community.approve({ tenantId: t.tenantId, recordIds: [id], actor: 'staff-b' }))[0]).toMatchObject({ ok: false })
  await setStatus('member:bo:LIFETIME_HOUR', 'open')
  // Nothing under hours:<id> or points:<id>: only the pool's steps and the lifetime hours.
  const claim: RecordRow = {
    ...(await row(id)),
    status: 'approving',
    points: 20n,
    excessHours: 200n,
    excessPoints: 20n,
    ruleVersion: 1,
    decidedBy: 'staff-b',
    decidedAt: t.clock.now,
  }
  expect(approvalOps(claim).map((op) => op.id)).toEqual([`excess:${id}`, `excess-points:${id}`, `lifetime:${id}`])
  expect((await t.ledger.batch({ tenantId: t.tenantId, operations: approvalOps(claim) })).committed).toBe(true)
  expect(await t.community.heal({ tenantId: t.tenantId, actor: 'reconcile' })).toEqual({ approved: 1, reversed: 0, refused: 0 })
  expect(await row(id)).toMatchObject({ status: 'approved', hours: 200n, excessHours: 200n, points: 20n, excessPoints: 20n })
  expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])
})
