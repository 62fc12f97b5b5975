/**
 * The policy's storage cap on hours at approval: hours above it are refused (the record stays pending, the
 * refusal naming the rule), or credited to the community pool in the same batch as the rest (Nanjing), the
 * lifetime hours counting all of them; a complaint reverses both parts, and reconcile agrees throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { activeMembers, posted } from '../testing/members.js'
import { type TestCommunity, pgliteCommunity } from '../testing/pglite.js'

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
const pool = async () => (await t.ledger.getBalance({ tenantId: t.tenantId, accountId: 'pool:HOUR' })).posted
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
