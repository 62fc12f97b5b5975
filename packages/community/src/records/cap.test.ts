/**
 * The policy's storage caps at approval. Hours above the cap on hours are refused (the record stays pending, the
 * refusal naming the rule), or credited to the community pool in the same batch as the rest (Nanjing), the
 * lifetime hours counting all of them; points above the cap on points likewise (Guangzhou), to the points pool
 * (`excess-points:<record>`). A complaint reverses every part, a crash between the ledger's write and the record's
 * is healed with the split the claim fixed, and reconcile agrees throughout.
 */
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hourRecords } from '../storage/schema.js'
import { activeMembers, posted } from '../testing/members.js'
import { type TestCommunity, pgliteCommunity } from '../testing/pglite.js'
import { approvalOps } from './credit.js'
import type { RecordRow } from './view.js'

let t: TestCommunity
let n = 0
const uid = (p: string) => `${p}-${++n}`

beforeAll(async () => {
  t = await pgliteCommunity({ start: '2026-03-10T02:00:00Z' })
})
afterAll(() => t.close())

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
const approve = (recordIds: string[]) => t.community.approve({ tenantId: t.tenantId, recordIds, actor: 'staff-b' })
const pool = async (asset = 'HOUR') => (await t.ledger.getBalance({ tenantId: t.tenantId, accountId: `pool:${asset}` })).posted
const transfer = (transferId: string) => t.ledger.getTransfer({ tenantId: t.tenantId, transferId }).catch((e: { code: string }) => e.code)
const seed = (memberId: string, asset: 'HOUR' | 'POINT', amount: string) =>
  t.ledger.earn({
    tenantId: t.tenantId,
    id: uid('seed'),
    to: `member:${memberId}:${asset}`,
    amount,
    evidence: { activity: 'seed', reviewer: 't' },
  })
const policy = (p: object) => t.community.changePolicy({ tenantId: t.tenantId, policy: p, actor: 'key_admin' })

describe('a storage cap on hours at approval', () => {
  it('credits the hours above the cap to the pool in the same batch, lifetime hours counting all, records in one call counted on', async () => {
    const member = uid('ana')
    await activeMembers(t, [member])
    await t.ledger.earn({
      tenantId: t.tenantId,
      id: uid('seed'),
      to: `member:${member}:HOUR`,
      amount: '8',
      evidence: { activity: 'seed', reviewer: 't' },
    })
    const version = await policy({ storageCap: { HOUR: { limit: '10', excess: 'donate' } } })
    const before = Number(await pool())
    const [a, b] = [await pendingRecord(member, '1.5'), await pendingRecord(member, '2')]
    const decisions = await approve([a, b])
    expect(decisions.map((d) => d.ok)).toEqual([true, true])
    expect(await posted(t, member, 'HOUR')).toBe('10.00')
    expect(Number(await pool()) - before).toBe(1.5)
    expect(await posted(t, member, 'LIFETIME_HOUR')).toBe('3.50')
    expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])
    const excess = await t.ledger.getTransfer({ tenantId: t.tenantId, transferId: `excess:${b}` })
    expect(excess).toMatchObject({ to: 'pool:HOUR', amount: '1.50' })
    expect(version.version).toBeGreaterThan(1)

    // A substantiated complaint takes back what was credited: the member's part and the pool's.
    await t.community.complain({ tenantId: t.tenantId, recordId: b, reason: 'did not happen', actor: 'staff-b' })
    expect(await posted(t, member, 'HOUR')).toBe('9.50')
    expect(Number(await pool()) - before).toBe(0)
    expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])
  })

  it('refuses a record above the cap when the excess is refused, naming the rule; the record stays pending', async () => {
    const member = uid('bo')
    await activeMembers(t, [member])
    await t.ledger.earn({
      tenantId: t.tenantId,
      id: uid('seed'),
      to: `member:${member}:HOUR`,
      amount: '9.5',
      evidence: { activity: 'seed', reviewer: 't' },
    })
    await policy({ storageCap: { HOUR: { limit: '10', excess: 'refuse' } } })
    const [fits, over] = [await pendingRecord(member, '0.5'), await pendingRecord(member, '0.25')]
    const [first, second] = await approve([fits, over])
    expect(first?.ok).toBe(true)
    expect(second).toMatchObject({ ok: false, error: { code: 'POLICY_VIOLATION', details: { rule: 'storageCap', limit: '10' } } })
    expect((await t.community.getRecord(t.tenantId, over)).status).toBe('pending')
    expect(await posted(t, member, 'HOUR')).toBe('10.00')
    // Spent below the cap, the same record fits.
    await t.ledger.transfer({ tenantId: t.tenantId, id: uid('spend'), from: `member:${member}:HOUR`, to: 'pool:HOUR', amount: '1' })
    expect((await approve([over]))[0]?.ok).toBe(true)
    expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])
  })
})

describe('a storage cap on points at approval', () => {
  beforeAll(async () => {
    // Two points an hour: 1.5 h make 3 points, 2 h make 4.
    await t.community.addRule({
      tenantId: t.tenantId,
      rule: { pointsPerHour: '2', roleMultipliers: { member: '1', leader: '1.4', organiser: '1.2' }, rounding: 'half-up' },
      actor: 'key_admin',
    })
  })

  it('credits the points above the cap to the points pool in the same batch, records of one bulk approval counted on', async () => {
    const member = uid('cy')
    await activeMembers(t, [member])
    await seed(member, 'POINT', '8')
    await policy({ storageCap: { POINT: { limit: '10', excess: 'donate' } } })
    const before = Number(await pool('POINT'))
    const [a, b] = [await pendingRecord(member, '1.5'), await pendingRecord(member, '2')]
    const decisions = await approve([a, b])
    // The record keeps the points it earned; what went to the pool is on the ledger under its own step.
    expect(decisions).toMatchObject([
      { ok: true, record: { points: '3' } },
      { ok: true, record: { points: '4' } },
    ])
    expect(await posted(t, member, 'POINT')).toBe('10')
    expect(Number(await pool('POINT')) - before).toBe(5)
    expect([await posted(t, member, 'HOUR'), await posted(t, member, 'LIFETIME_HOUR')]).toEqual(['3.50', '3.50'])
    expect(await transfer(`points:${a}`)).toMatchObject({ to: `member:${member}:POINT`, amount: '2' })
    expect(await transfer(`excess-points:${a}`)).toMatchObject({ to: 'pool:POINT', amount: '1' })
    expect(await transfer(`points:${b}`)).toBe('TRANSFER_NOT_FOUND')
    expect(await transfer(`excess-points:${b}`)).toMatchObject({ to: 'pool:POINT', amount: '4' })
    const [stored] = await t.db
      .select({ excessPoints: hourRecords.excessPoints })
      .from(hourRecords)
      .where(and(eq(hourRecords.tenantId, t.tenantId), eq(hourRecords.id, b)))
    expect(stored?.excessPoints).toBe(4n)
    expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])

    // A complaint takes back what each record credited, the pool's part too.
    await t.community.complain({ tenantId: t.tenantId, recordId: b, reason: 'did not happen', actor: 'staff-b' })
    expect([await posted(t, member, 'POINT'), Number(await pool('POINT')) - before]).toEqual(['10', 1])
    expect(await transfer(`excess-points:${b}:reversal`)).toMatchObject({ from: 'pool:POINT', amount: '4' })
    await t.community.complain({ tenantId: t.tenantId, recordId: a, reason: 'did not happen', actor: 'staff-b' })
    expect([await posted(t, member, 'POINT'), Number(await pool('POINT')) - before]).toEqual(['8', 0])
    expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])
  })

  it('refuses a record whose points would cross the cap when the excess is refused, naming the rule; nothing of it is credited', async () => {
    const member = uid('di')
    await activeMembers(t, [member])
    await seed(member, 'POINT', '8')
    const version = await policy({ storageCap: { POINT: { limit: '10', excess: 'refuse' } } })
    const [fits, over] = [await pendingRecord(member, '1'), await pendingRecord(member, '0.5')]
    const [first, second] = await approve([fits, over])
    expect(first?.ok).toBe(true)
    expect(second).toMatchObject({
      ok: false,
      error: { code: 'POLICY_VIOLATION', details: { rule: 'storageCap', policyVersion: version.version, asset: 'POINT', limit: '10' } },
    })
    expect((await t.community.getRecord(t.tenantId, over)).status).toBe('pending')
    expect([await posted(t, member, 'POINT'), await posted(t, member, 'HOUR')]).toEqual(['10', '1.00'])
    expect(await transfer(`lifetime:${over}`)).toBe('TRANSFER_NOT_FOUND')
    expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])
  })

  it('lets a record earning no points through a cap the balance is above, and counts on nothing for a record either cap refuses', async () => {
    const member = uid('ed')
    await activeMembers(t, [member])
    await seed(member, 'POINT', '12')
    await seed(member, 'HOUR', '9')
    await policy({ storageCap: { HOUR: { limit: '10', excess: 'donate' }, POINT: { limit: '10', excess: 'refuse' } } })
    const none = await pendingRecord(member, '0')
    expect((await approve([none]))[0]).toMatchObject({ ok: true, record: { points: '0' } })
    await t.ledger.transfer({ tenantId: t.tenantId, id: uid('spend'), from: `member:${member}:POINT`, to: 'pool:POINT', amount: '3' })
    // x (1 h, 2 points) is refused by the points cap; y (0.5 h, 1 point) then has the whole hour of room it left.
    const [x, y] = [await pendingRecord(member, '1'), await pendingRecord(member, '0.5')]
    const [refused, approved] = await approve([x, y])
    expect(refused).toMatchObject({ ok: false, error: { code: 'POLICY_VIOLATION', details: { asset: 'POINT' } } })
    expect(approved?.ok).toBe(true)
    expect([await posted(t, member, 'HOUR'), await posted(t, member, 'POINT')]).toEqual(['9.50', '10'])
    expect(await transfer(`excess:${y}`)).toBe('TRANSFER_NOT_FOUND')
    expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])
  })

  it('heals an approval a crash left after the ledger wrote its split: the pool gets the excess once', async () => {
    const member = uid('fa')
    await activeMembers(t, [member])
    await seed(member, 'POINT', '9')
    await policy({ storageCap: { POINT: { limit: '10', excess: 'donate' } } })
    const before = Number(await pool('POINT'))
    const id = await pendingRecord(member, '2')
    // Claimed with its split fixed, posted by the ledger, then the process died before marking it.
    await t.db
      .update(hourRecords)
      .set({ status: 'approving', points: 4n, excessPoints: 3n, ruleVersion: 2, decidedBy: 'staff-b', decidedAt: t.clock.now })
      .where(and(eq(hourRecords.tenantId, t.tenantId), eq(hourRecords.id, id)))
    const [row] = await t.db
      .select()
      .from(hourRecords)
      .where(and(eq(hourRecords.tenantId, t.tenantId), eq(hourRecords.id, id)))
    expect((await t.ledger.batch({ tenantId: t.tenantId, operations: approvalOps(row as RecordRow) })).committed).toBe(true)
    expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([{ recordId: id, status: 'approving', kind: 'unfinished' }])
    expect(await t.community.heal({ tenantId: t.tenantId, actor: 'reconcile' })).toEqual({ approved: 1, reversed: 0, refused: 0 })
    expect(await t.community.getRecord(t.tenantId, id)).toMatchObject({ status: 'approved', points: '4' })
    expect([await posted(t, member, 'POINT'), Number(await pool('POINT')) - before]).toEqual(['10', 3])
    expect(await t.community.reconcile({ tenantId: t.tenantId })).toEqual([])
  })
})
