/**
 * The entry chain on the write paths (PGlite): the SQL hash agrees with the
 * domain's, every way the ledger writes entries leaves every chain whole, and
 * the migration chains entries written before it.
 */
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EntryContent, entryHash, entryHashOf } from '../domain/chain.js'
import { createLedger } from '../ledger.js'
import { type LedgerDatabase, pgArray, rows, runnerFor } from './driver.js'
import { verifyJournal } from './journal.js'
import { applyMigrations, migrate, migrationsFolder, readMigrationFolder } from './migrate.js'

let client: PGlite
let db: LedgerDatabase
beforeAll(async () => {
  client = new PGlite()
  db = drizzle(client) as unknown as LedgerDatabase
  await migrate(db)
})
afterAll(async () => {
  await client.close()
})

/** Ids as PostgreSQL text holds them: anything but NUL, often beyond ASCII. */
const id = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter((s) => !s.includes('\u0000')),
  fc.constantFrom('é', 'ana:hours', '東京', 'ü|1:x', '👩‍👩‍👧', ' '),
)
const int8 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
/** Signed minor units, with zero and the small values of everyday books among them. */
const amount = fc.oneof(int8, fc.bigInt({ min: -1000n, max: 1000n }), fc.constant(0n))
const entry = fc.record({
  tenantId: id,
  accountId: id,
  shard: fc.integer({ min: 0, max: 15 }),
  transferId: id,
  amount,
  balanceAfter: fc.option(amount),
  // Whole milliseconds, as the ledger stamps them, from 1900 to 2200.
  atMicros: fc.bigInt({ min: -2_208_988_800_000n, max: 7_258_118_400_000n }).map((ms) => ms * 1000n),
})
const prevHash = fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')))
const instant = (e: EntryContent) => new Date(Number(e.atMicros / 1000n)).toISOString()
const nullable = (n: bigint | null) => (n === null ? null : n.toString())

describe('entry chain in storage', () => {
  it('hashes in SQL form 2 (tb_chain_seed, tb_entry_stamp, tb_entry_hash2), as tb_move calls them, exactly as the domain does (entryHash)', async () => {
    await fc.assert(
      fc.asyncProperty(entry, prevHash, async (e, prev) => {
        const [r] = await rows<{ h: string }>(
          db,
          sql`select encode(tb_entry_hash2(tb_entry_stamp((extract(epoch from ${instant(e)}::timestamptz) * 1000000)::int8),
                  coalesce(decode(${prev}, 'hex'), tb_chain_seed(${e.tenantId}, ${e.accountId}, ${e.shard}::int)),
                  ${e.amount.toString()}::int8, ${nullable(e.balanceAfter)}::int8, convert_to(${e.transferId}, 'UTF8')), 'hex') as h`,
        )
        expect(r?.h).toBe(entryHash(e, prev))
      }),
      { numRuns: 300 },
    )
  })

  it('hashes in SQL form 1 (tb_chain_prefix, tb_entry_hash of 0006), which wrote the older entries, as the domain reads it', async () => {
    await fc.assert(
      fc.asyncProperty(entry, prevHash, async (e, prev) => {
        const [r] = await rows<{ h: string }>(
          db,
          sql`select encode(tb_entry_hash(tb_chain_prefix(${e.tenantId}, ${e.accountId}, ${e.shard}::int), ${e.transferId},
                ${e.amount.toString()}::int8, ${nullable(e.balanceAfter)}::int8,
                (extract(epoch from ${instant(e)}::timestamptz) * 1000000)::int8, decode(${prev}, 'hex')), 'hex') as h`,
        )
        expect(r?.h).toBe(entryHashOf(1, e, prev))
      }),
      { numRuns: 200 },
    )
  })

  it('leaves every chain whole whichever path wrote the entries', async () => {
    const ledger = createLedger({ db })
    const tenantId = 'paths'
    await ledger.createTenant({ id: tenantId, name: 'Paths' })
    for (const a of ['ana', 'ben', 'cy']) {
      await ledger.openAccount({ tenantId, id: a, asset: 'HOUR', owner: { type: 'member', id: a } })
    }
    await ledger.openAccount({ tenantId, id: 'shop', asset: 'HOUR', owner: { type: 'organisation', id: 'c' }, kind: 'redemption' })
    const evidence = { activity: 'visit', reviewer: 'staff:li' }
    // One round trip: a single move, a batch of moves with several entries per account.
    await ledger.earn({ tenantId, id: 'e1', to: 'ana', amount: '10', evidence })
    await ledger.transfer({ tenantId, id: 't1', from: 'ana', to: 'ben', amount: '2' })
    await ledger.batch({
      tenantId,
      operations: [
        { type: 'earn', id: 'e2', to: 'ben', amount: '3', evidence },
        { type: 'transfer', id: 't2', from: 'ben', to: 'cy', amount: '4' },
        { type: 'transfer', id: 't3', from: 'ana', to: 'cy', amount: '1.5' },
        { type: 'redeem', id: 'r1', from: 'cy', to: 'shop', amount: '1', item: { ref: 'lunch' } },
      ],
    })
    // The full path: holds posted and voided, a reversal, a batch mixing them with moves.
    await ledger.transfer({ tenantId, id: 'h1', from: 'ana', to: 'cy', amount: '2', pending: true })
    await ledger.post({ tenantId, id: 'p1', pendingId: 'h1', amount: '1.25' })
    await ledger.transfer({ tenantId, id: 'h2', from: 'ben', to: 'ana', amount: '1', pending: true })
    await ledger.void({ tenantId, id: 'v1', pendingId: 'h2' })
    await ledger.reverse({ tenantId, id: 'x1', transferId: 't2', amount: '1', reason: 'typo' })
    await ledger.batch({
      tenantId,
      operations: [
        { type: 'transfer', id: 'h3', from: 'cy', to: 'ana', amount: '1', pending: true },
        { type: 'post', id: 'p3', pendingId: 'h3' },
        { type: 'earn', id: 'e3', to: 'cy', amount: '1', evidence },
        { type: 'transfer', id: 't4', from: 'cy', to: 'ben', amount: '0.5' },
      ],
    })
    const [{ n, unchained } = { n: '', unchained: '' }] = await rows<{ n: string; unchained: string }>(
      db,
      sql`select count(*)::text as n, count(*) filter (where hash is null)::text as unchained from tb_entries where tenant_id = ${tenantId}`,
    )
    expect(unchained).toBe('0')
    expect(await verifyJournal(runnerFor(db), tenantId)).toMatchObject({ ok: true, checked: Number(n) })
  })

  it('chains the entries a database held before the chain existed, in the order they were written', async () => {
    const old = new PGlite()
    try {
      const oldDb = drizzle(old) as unknown as LedgerDatabase
      const bundled = readMigrationFolder(migrationsFolder())
      const before = bundled.findIndex((m) => m.tag === '0006_entry_chain')
      await applyMigrations(oldDb, { scope: 'ledger', migrations: bundled.slice(0, before) })
      const tenantId = 'old'
      // The tenant and its accounts as that schema held them (the ledger of today writes columns it lacked).
      await oldDb.execute(sql`insert into tb_tenants (id, name) values (${tenantId}, 'Old')`)
      await oldDb.execute(sql`insert into tb_assets (tenant_id, code, scale, name) values (${tenantId}, 'HOUR', 2, 'HOUR')`)
      for (const [a, floor, shards] of [
        ['sys:issuance:HOUR', null, 16],
        ['ana', '0', 1],
        ['ben', '0', 1],
      ] as const) {
        await oldDb.execute(
          sql`insert into tb_accounts (tenant_id, id, asset, owner_type, owner_id, kind, floor, ceiling, shards)
              values (${tenantId}, ${a}, 'HOUR', 'member', ${a}, ${shards > 1 ? 'issuance' : 'member'}, ${floor}::int8, null, ${shards})`,
        )
        await oldDb.execute(
          sql`insert into tb_balances (tenant_id, account_id, shard, status)
              select ${tenantId}, ${a}, s, 'open' from generate_series(0, ${shards - 1}::int) as s`,
        )
      }
      // Entries as tb_move of 0005 wrote them (floor and ceiling still its arguments): no hash, no shard.
      const move = async (mid: string, from: string, to: string, amount: bigint, hot = false) => {
        const [r] = await rows<{ o_outcome: string }>(
          oldDb,
          sql`select o_outcome from tb_move(
                '2026-01-05T08:00:00.000Z'::timestamptz, 0,
                ${pgArray([tenantId, tenantId])}::text[], ${pgArray([from, to])}::text[], ${pgArray([hot, false])}::boolean[],
                ${pgArray([hot ? null : 0n, 0n])}::int8[], ${pgArray([null, null])}::int8[],
                ${pgArray([mid])}::text[], ${pgArray([hot ? 'earn' : 'transfer'])}::text[], ${pgArray([1])}::int[], ${pgArray([2])}::int[],
                ${pgArray(['HOUR'])}::text[], ${pgArray([amount])}::int8[], ${pgArray(['h'])}::text[], ${pgArray(['{}'])}::jsonb[])`,
        )
        return { outcome: r?.o_outcome }
      }
      expect((await move('e1', 'sys:issuance:HOUR', 'ana', 500n, true)).outcome).toBe('ok')
      expect((await move('t1', 'ana', 'ben', 200n)).outcome).toBe('ok')
      expect((await move('t2', 'ben', 'ana', 50n)).outcome).toBe('ok')

      expect(await migrate(oldDb)).toEqual(bundled.slice(before).map((m) => m.tag))
      const runner = runnerFor(oldDb)
      expect(await verifyJournal(runner, tenantId)).toMatchObject({ ok: true, checked: 6 })
      const ledger = createLedger({ db: oldDb })
      // The limits moved onto the balance rows (0008) still hold: ana cannot go below her floor of 0.
      expect(await ledger.getAccount({ tenantId, accountId: 'ana' })).toMatchObject({ floor: '0.00', ceiling: null })
      await expect(ledger.transfer({ tenantId, id: 'over', from: 'ben', to: 'ana', amount: '2' })).rejects.toMatchObject({
        code: 'INSUFFICIENT_FUNDS',
      })
      // New entries extend the migrated chains.
      await ledger.transfer({ tenantId, id: 't3', from: 'ana', to: 'ben', amount: '1' })
      expect(await verifyJournal(runner, tenantId)).toMatchObject({ ok: true, checked: 8 })
    } finally {
      await old.close()
    }
  })
})
