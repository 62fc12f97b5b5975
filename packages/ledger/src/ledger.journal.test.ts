/**
 * `verifyJournal` on PGlite: a ledger written only through its API verifies;
 * each kind of change made around it with raw SQL (an amount edited, an entry
 * deleted, two entries reordered, the last entry cut) is found and named.
 */
import { PGlite } from '@electric-sql/pglite'
import { type SQL, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Ledger, type LedgerDatabase, createLedger, migrate } from './index.js'
import { rows } from './storage/driver.js'
import { EVIDENCE, smallBooks } from './testing/books.js'
import { codeOf } from './testing/contract.js'

let client: PGlite
let db: LedgerDatabase
let ledger: Ledger
let tenants = 0

beforeAll(async () => {
  client = new PGlite()
  db = drizzle(client) as unknown as LedgerDatabase
  await migrate(db)
  ledger = createLedger({ db })
})
afterAll(async () => {
  await client.close()
})

/** A fresh tenant with some history: twelve entries, six of them ana's, through both write paths. */
async function books(): Promise<string> {
  const tenantId = await smallBooks(ledger, `books-${++tenants}`)
  await ledger.transfer({ tenantId, id: 'h1', from: 'ana', to: 'ben', amount: '2', pending: true })
  await ledger.post({ tenantId, id: 'p1', pendingId: 'h1' })
  await ledger.batch({
    tenantId,
    operations: [
      { type: 'transfer', id: 't3', from: 'ana', to: 'ben', amount: '0.25' },
      { type: 'transfer', id: 't4', from: 'ben', to: 'ana', amount: '0.75' },
    ],
  })
  return tenantId
}

/** The sequence numbers of an account's entries, in order. */
async function seqs(tenantId: string, accountId: string): Promise<string[]> {
  const r = await rows<{ seq: string }>(
    db,
    sql`select seq::text as seq from tb_entries where tenant_id = ${tenantId} and account_id = ${accountId} order by tb_entries.seq`,
  )
  return r.map((x) => x.seq)
}

const tamper = (query: SQL) => db.execute(query)

describe('verifyJournal', () => {
  it('verifies books written only through the ledger', async () => {
    const tenantId = await books()
    expect(await ledger.verifyJournal({ tenantId })).toEqual({ ok: true, checked: 12, chains: 34 }) // 2 members, 16 shards of each issuance account
  })

  it('names the entry whose amount was edited', async () => {
    const tenantId = await books()
    const [, second] = await seqs(tenantId, 'ana')
    await tamper(
      sql`update tb_entries set amount = amount - 50 where tenant_id = ${tenantId} and account_id = 'ana' and seq = ${second}::int8`,
    )
    expect(await ledger.verifyJournal({ tenantId })).toMatchObject({
      ok: false,
      firstBroken: { accountId: 'ana', shard: 0, seq: second, reason: 'hash' },
    })
  })

  it('names the entry after one that was deleted', async () => {
    const tenantId = await books()
    const [, second, third] = await seqs(tenantId, 'ana')
    await tamper(sql`delete from tb_entries where tenant_id = ${tenantId} and account_id = 'ana' and seq = ${second}::int8`)
    expect((await ledger.verifyJournal({ tenantId })).firstBroken).toEqual({ accountId: 'ana', shard: 0, seq: third, reason: 'hash' })
  })

  it('names the first of two entries whose order was swapped', async () => {
    const tenantId = await books()
    const [, second, third] = await seqs(tenantId, 'ana')
    // seq is generated: swap everything else between the two rows.
    await tamper(sql`
      update tb_entries e set transfer_id = o.transfer_id, amount = o.amount, balance_after = o.balance_after,
                              created_at = o.created_at, hash = o.hash
      from (select seq, transfer_id, amount, balance_after, created_at, hash from tb_entries
            where tenant_id = ${tenantId} and account_id = 'ana' and seq in (${second}::int8, ${third}::int8)) o
      where e.tenant_id = ${tenantId} and e.account_id = 'ana' and e.seq in (${second}::int8, ${third}::int8) and o.seq <> e.seq`)
    expect((await ledger.verifyJournal({ tenantId })).firstBroken).toEqual({ accountId: 'ana', shard: 0, seq: second, reason: 'hash' })
  })

  it('notices the last entry cut from a chain by the head its balance row keeps', async () => {
    const tenantId = await books()
    const last = (await seqs(tenantId, 'ana')).at(-1)
    await tamper(sql`delete from tb_entries where tenant_id = ${tenantId} and account_id = 'ana' and seq = ${last}::int8`)
    expect((await ledger.verifyJournal({ tenantId })).firstBroken).toEqual({ accountId: 'ana', shard: 0, seq: null, reason: 'head' })
  })

  it('notices an entry written around the ledger', async () => {
    const tenantId = await books()
    await tamper(
      sql`insert into tb_entries (tenant_id, account_id, transfer_id, amount, balance_after, created_at) values (${tenantId}, 'ben', 'forged', 100, null, now())`,
    )
    const seq = (await seqs(tenantId, 'ben')).at(-1)
    expect((await ledger.verifyJournal({ tenantId })).firstBroken).toEqual({ accountId: 'ben', shard: 0, seq, reason: 'unchained' })
  })

  it('walks chains page by page as it walks them all at once', async () => {
    const tenantId = await books()
    for (let i = 0; i < 20; i++) {
      await ledger.openAccount({ tenantId, id: `m${i}`, asset: 'POINT', owner: { type: 'member', id: `m${i}` } })
      await ledger.earn({ tenantId, id: `pe${i}`, to: `m${i}`, amount: '3', evidence: EVIDENCE })
    }
    const { verifyJournal } = await import('./storage/journal.js')
    const { runnerFor } = await import('./storage/driver.js')
    const whole = await ledger.verifyJournal({ tenantId })
    expect(whole).toMatchObject({ ok: true, checked: 52 })
    expect(await verifyJournal(runnerFor(db), tenantId, { pageSize: 16 })).toEqual(whole)
    await tamper(sql`update tb_entries set amount = 4 where tenant_id = ${tenantId} and account_id = 'm17'`)
    expect((await verifyJournal(runnerFor(db), tenantId, { pageSize: 16 })).firstBroken).toMatchObject({ accountId: 'm17', reason: 'hash' })
  })

  it('refuses an unknown tenant and a malformed request with typed errors', async () => {
    expect(await codeOf(ledger.verifyJournal({ tenantId: 'nobody' }))).toBe('TENANT_NOT_FOUND')
    expect(await codeOf(ledger.verifyJournal({ tenantId: '' }))).toBe('VALIDATION')
  })
})
