/**
 * Chains that change form at migration 0009 (PGlite): books written before it
 * (tb_move of 0008 hashes in form 1) and after it (form 2), with a checkpoint
 * signed before it, verify; each kind of change made around the ledger is
 * found on either side of the switch and across it.
 */
import { generateKeyPairSync } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ChainEntry, type ChainForm, type ChainHead, GENESIS, advance, entryHash } from '../domain/chain.js'
import { type Ledger, createLedger } from '../ledger.js'
import { smallBooks } from '../testing/books.js'
import { type LedgerDatabase, rows } from './driver.js'
import { applyMigrations, migrate, migrationsFolder, readMigrationFolder } from './migrate.js'

const keys = generateKeyPairSync('ed25519')
const privateKey = keys.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')
const publicKey = keys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64')

let client: PGlite
let db: LedgerDatabase
let ledger: Ledger
const TENANTS = ['whole', 'edit-1', 'edit-2', 'delete', 'swap', 'rewrite'] as const
let checkpointRoots: Map<string, string>

beforeAll(async () => {
  client = new PGlite()
  db = drizzle(client) as unknown as LedgerDatabase
  const bundled = readMigrationFolder(migrationsFolder())
  const v2 = bundled.findIndex((m) => m.tag === '0009_entry_chain_v2')
  await applyMigrations(db, { scope: 'ledger', migrations: bundled.slice(0, v2) })
  ledger = createLedger({ db })
  // Before 0009: three entries on ana's chain (an earn, two transfers; tb_move, form 1), then a checkpoint.
  checkpointRoots = new Map()
  for (const tenantId of TENANTS) {
    await smallBooks(ledger, tenantId)
    checkpointRoots.set(tenantId, (await ledger.checkpoint({ tenantId, privateKey })).root)
  }
  expect(await migrate(db)).toEqual(['0009_entry_chain_v2'])
  // After it: two more through tb_move and a hold posted through the full path (form 2).
  for (const tenantId of TENANTS) {
    await ledger.batch({
      tenantId,
      operations: [
        { type: 'transfer', id: 't3', from: 'ana', to: 'ben', amount: '0.25' },
        { type: 'transfer', id: 't4', from: 'ben', to: 'ana', amount: '0.75' },
      ],
    })
    await ledger.transfer({ tenantId, id: 'h1', from: 'ana', to: 'ben', amount: '2', pending: true })
    await ledger.post({ tenantId, id: 'p1', pendingId: 'h1' })
  }
})
afterAll(async () => {
  await client.close()
})

interface Row {
  seq: string
  shard: number
  transfer_id: string
  amount: string
  balance_after: string | null
  at_us: string
  hash: string | null
}

/** An account's entries on shard 0, in order, as the chain reads them. */
async function entriesOf(tenantId: string, accountId: string): Promise<ChainEntry[]> {
  const r = await rows<Row>(
    db,
    sql`select seq::text as seq, shard, transfer_id, amount::text as amount, balance_after::text as balance_after,
               (extract(epoch from created_at) * 1000000)::int8::text as at_us, encode(hash, 'hex') as hash
        from tb_entries e where tenant_id = ${tenantId} and account_id = ${accountId} and shard = 0 order by e.seq`,
  )
  return r.map((e) => ({
    tenantId,
    accountId,
    shard: Number(e.shard),
    seq: BigInt(e.seq),
    transferId: e.transfer_id,
    amount: BigInt(e.amount),
    balanceAfter: e.balance_after === null ? null : BigInt(e.balance_after),
    atMicros: BigInt(e.at_us),
    hash: e.hash,
  }))
}

/** The form of each entry of a whole chain. */
function formsOf(entries: ChainEntry[]): ChainForm[] {
  let head: ChainHead = GENESIS
  return entries.map((e) => {
    const step = advance(head, e)
    if ('reason' in step) throw new Error(`entry ${e.seq} breaks the chain: ${step.reason}`)
    head = step.head
    return step.form
  })
}

const seqsOf = async (tenantId: string) => (await entriesOf(tenantId, 'ana')).map((e) => e.seq.toString())

describe('a chain that changes form at migration 0009', () => {
  it('verifies, against the checkpoint signed before the migration too', async () => {
    const tenantId = 'whole'
    expect(formsOf(await entriesOf(tenantId, 'ana'))).toEqual([1, 1, 1, 2, 2, 2])
    expect(await ledger.verifyJournal({ tenantId })).toEqual({ ok: true, checked: 12, chains: 34 })
    expect(await ledger.verifyJournal({ tenantId, publicKey })).toMatchObject({
      ok: true,
      checked: 12,
      checkpoint: { number: '1', root: checkpointRoots.get(tenantId), authentic: true },
    })
  })

  it('names a form-1 entry whose amount was edited', async () => {
    const tenantId = 'edit-1'
    const [, second] = await seqsOf(tenantId)
    await db.execute(
      sql`update tb_entries set amount = amount - 50 where tenant_id = ${tenantId} and account_id = 'ana' and seq = ${second}::int8`,
    )
    expect((await ledger.verifyJournal({ tenantId })).firstBroken).toEqual({ accountId: 'ana', shard: 0, seq: second, reason: 'hash' })
  })

  it('names a form-2 entry whose amount was edited', async () => {
    const tenantId = 'edit-2'
    const fifth = (await seqsOf(tenantId))[4]
    await db.execute(
      sql`update tb_entries set amount = amount + 1 where tenant_id = ${tenantId} and account_id = 'ana' and seq = ${fifth}::int8`,
    )
    expect((await ledger.verifyJournal({ tenantId })).firstBroken).toEqual({ accountId: 'ana', shard: 0, seq: fifth, reason: 'hash' })
  })

  it('names the first form-2 entry once the last form-1 entry is deleted', async () => {
    const tenantId = 'delete'
    const [, , third, fourth] = await seqsOf(tenantId)
    await db.execute(sql`delete from tb_entries where tenant_id = ${tenantId} and account_id = 'ana' and seq = ${third}::int8`)
    expect((await ledger.verifyJournal({ tenantId })).firstBroken).toEqual({ accountId: 'ana', shard: 0, seq: fourth, reason: 'hash' })
  })

  it('names the first of the entries on either side of the switch once swapped', async () => {
    const tenantId = 'swap'
    const [, , third, fourth] = await seqsOf(tenantId)
    await db.execute(sql`
      update tb_entries e set transfer_id = o.transfer_id, amount = o.amount, balance_after = o.balance_after,
                              created_at = o.created_at, hash = o.hash
      from (select seq, transfer_id, amount, balance_after, created_at, hash from tb_entries
            where tenant_id = ${tenantId} and account_id = 'ana' and seq in (${third}::int8, ${fourth}::int8)) o
      where e.tenant_id = ${tenantId} and e.account_id = 'ana' and e.seq in (${third}::int8, ${fourth}::int8) and o.seq <> e.seq`)
    expect((await ledger.verifyJournal({ tenantId })).firstBroken).toEqual({ accountId: 'ana', shard: 0, seq: third, reason: 'hash' })
  })

  it('catches, by the checkpoint signed in form 1, a chain rewritten whole in form 2', async () => {
    const tenantId = 'rewrite'
    const entries = await entriesOf(tenantId, 'ana')
    let prev: string | null = null
    for (const [i, e] of entries.entries()) {
      const amount = i === 0 ? e.amount + 100n : e.amount
      const balanceAfter = e.balanceAfter === null ? null : e.balanceAfter + 100n
      prev = entryHash({ ...e, amount, balanceAfter }, prev)
      await db.execute(
        sql`update tb_entries set amount = ${amount.toString()}::int8, balance_after = ${balanceAfter?.toString() ?? null}::int8,
                                  hash = decode(${prev}, 'hex')
            where tenant_id = ${tenantId} and account_id = 'ana' and seq = ${e.seq.toString()}::int8`,
      )
    }
    await db.execute(
      sql`update tb_balances set chain_head = decode(${prev}, 'hex'), posted = posted + 100
          where tenant_id = ${tenantId} and account_id = 'ana' and shard = 0`,
    )
    expect(formsOf(await entriesOf(tenantId, 'ana'))).toEqual([2, 2, 2, 2, 2, 2])
    expect(await ledger.verifyJournal({ tenantId })).toMatchObject({ ok: true })
    // ana had three entries at the checkpoint: the third must still hash to what it signed.
    expect(await ledger.verifyJournal({ tenantId, publicKey })).toMatchObject({
      ok: false,
      firstBroken: { accountId: 'ana', shard: 0, seq: entries[2]?.seq.toString(), reason: 'checkpoint' },
      checkpoint: { authentic: true },
    })
  })
})
