import { rows } from '@timebank/ledger/kit'
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { isCommunityError } from './domain/errors.js'
import { communityPerTest, grids, member, served } from './recognition/fixtures.js'

const fresh = communityPerTest()

/** A community where ana served twice, approved into the ledger. */
async function books() {
  const t = await fresh({ start: '2026-03-01T00:00:00Z' })
  await grids(t, [['root']])
  await member(t, 'ana', { gridId: 'root' })
  await served(t, { id: 'r1', memberId: 'ana', hours: '2', at: '2026-03-08T02:00:00Z' })
  await served(t, { id: 'r2', memberId: 'ana', hours: '1.5', at: '2026-03-10T02:00:00Z' })
  return t
}

describe('the journal with the community key', () => {
  it('signs checkpoints with the certificate key and verifies the books against the latest', async () => {
    const t = await books()
    const first = await t.community.checkpointJournal({ tenantId: t.tenantId })
    expect(first).toMatchObject({ tenantId: t.tenantId, number: '1', previousRoot: null })
    const verdict = await t.community.verifyJournal({ tenantId: t.tenantId })
    expect(verdict).toMatchObject({ ok: true, checkpoint: { number: '1', root: first.root, authentic: true } })
    expect(verdict.checked).toBeGreaterThan(0)
  })

  it('finds a whole chain rewritten after a checkpoint, which the chain alone cannot show', async () => {
    const t = await books()
    await t.community.checkpointJournal({ tenantId: t.tenantId })
    // Drop every entry of ana's hours and its chain head: an empty chain, consistent in itself.
    const gone = await rows(
      t.db,
      sql`delete from tb_entries where tenant_id = ${t.tenantId} and account_id like 'member:ana:%' returning seq`,
    )
    expect(gone.length).toBeGreaterThan(0)
    await t.db.execute(
      sql`update tb_balances set chain_head = null, chain_count = 0, posted = 0 where tenant_id = ${t.tenantId} and account_id like 'member:ana:%'`,
    )
    const chainsOnly = await t.ledger.verifyJournal({ tenantId: t.tenantId })
    expect(chainsOnly.ok).toBe(true)
    const verdict = await t.community.verifyJournal({ tenantId: t.tenantId })
    expect(verdict.ok).toBe(false)
    expect(verdict.firstBroken).toMatchObject({ reason: 'checkpoint' })
  })

  it('checks only the chains of a tenant without a community, and refuses a checkpoint for it', async () => {
    const t = await books()
    await t.ledger.createTenant({ id: `${t.tenantId}-plain`, name: 'Ledger only' })
    const verdict = await t.community.verifyJournal({ tenantId: `${t.tenantId}-plain` })
    expect(verdict.ok).toBe(true)
    expect(verdict.checkpoint).toBeUndefined()
    await expect(t.community.checkpointJournal({ tenantId: `${t.tenantId}-plain` })).rejects.toSatisfy(
      (e: unknown) => isCommunityError(e) && e.code === 'COMMUNITY_NOT_FOUND',
    )
  })

  it('checkpoints every community in one pass', async () => {
    const a = await books()
    const outcomes = await a.community.checkpointAllJournals()
    const mine = outcomes.find((o) => o.tenantId === a.tenantId)
    expect(mine?.checkpoint?.number).toBe('1')
    expect(outcomes.every((o) => o.error === undefined)).toBe(true)
  })
})
