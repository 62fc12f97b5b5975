/**
 * Signed checkpoints on PGlite: a checkpoint taken with the tenant's Ed25519
 * key vouches for every chain's head; a chain rewritten whole through raw SQL
 * (amount changed, every hash recomputed, the balance row's head updated),
 * which the chains alone cannot tell, fails against it; an altered checkpoint
 * or the wrong key is not authentic.
 */
import { generateKeyPairSync } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { entryHash } from './domain/chain.js'
import { type Ledger, type LedgerDatabase, createLedger, migrate } from './index.js'
import { rows } from './storage/driver.js'
import { smallBooks } from './testing/books.js'
import { codeOf } from './testing/contract.js'

let client: PGlite
let db: LedgerDatabase
let ledger: Ledger
let tenants = 0
const keys = generateKeyPairSync('ed25519')
// As the community keeps them: DER, base64.
const privateKey = keys.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')
const publicKey = keys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64')

beforeAll(async () => {
  client = new PGlite()
  db = drizzle(client) as unknown as LedgerDatabase
  await migrate(db)
  ledger = createLedger({ db })
})
afterAll(async () => {
  await client.close()
})

const books = () => smallBooks(ledger, `signed-${++tenants}`)

/** What someone with write access to the tables and this source could do: change an amount and re-chain everything after it. */
async function rewrite(tenantId: string, accountId: string): Promise<string[]> {
  const entries = await rows<{
    seq: string
    shard: number
    transfer_id: string
    amount: string
    balance_after: string | null
    at_us: string
  }>(
    db,
    sql`select seq::text as seq, shard, transfer_id, amount::text as amount, balance_after::text as balance_after,
               (extract(epoch from created_at) * 1000000)::int8::text as at_us
        from tb_entries e where tenant_id = ${tenantId} and account_id = ${accountId} order by e.seq`,
  )
  let prev: string | null = null
  for (const [i, e] of entries.entries()) {
    const amount = i === 0 ? BigInt(e.amount) + 100n : BigInt(e.amount)
    const after = e.balance_after === null ? null : BigInt(e.balance_after) + 100n
    const content = { tenantId, accountId, shard: Number(e.shard), transferId: e.transfer_id, amount, balanceAfter: after }
    prev = entryHash({ ...content, atMicros: BigInt(e.at_us) }, prev)
    await db.execute(
      sql`update tb_entries set amount = ${amount.toString()}::int8, balance_after = ${after?.toString() ?? null}::int8, hash = decode(${prev}, 'hex')
          where tenant_id = ${tenantId} and account_id = ${accountId} and seq = ${e.seq}::int8`,
    )
  }
  await db.execute(
    sql`update tb_balances set chain_head = decode(${prev}, 'hex'), posted = posted + 100
        where tenant_id = ${tenantId} and account_id = ${accountId} and shard = 0`,
  )
  return entries.map((e) => e.seq)
}

describe('signed checkpoints', () => {
  it('vouch for every chain, also as the chains grow past them, each naming the root before it', async () => {
    const tenantId = await books()
    const first = await ledger.checkpoint({ tenantId, privateKey })
    expect(first).toMatchObject({ tenantId, number: '1', previousRoot: null, chains: 34, entries: '6' })
    await ledger.transfer({ tenantId, id: 't3', from: 'ana', to: 'ben', amount: '2' })
    expect(await ledger.verifyJournal({ tenantId, publicKey })).toEqual({
      ok: true,
      checked: 8,
      chains: 34,
      checkpoint: { number: '1', at: first.at, root: first.root, authentic: true },
    })
    const second = await ledger.checkpoint({ tenantId, privateKey: keys.privateKey })
    expect(second).toMatchObject({ number: '2', previousRoot: first.root, entries: '8' })
    expect(second.root).not.toBe(first.root)
  })

  it('catch a chain rewritten whole, hashes and head included, which the chains alone cannot tell', async () => {
    const tenantId = await books()
    await ledger.checkpoint({ tenantId, privateKey })
    await ledger.transfer({ tenantId, id: 't3', from: 'ana', to: 'ben', amount: '2' })
    const seqs = await rewrite(tenantId, 'ana')
    expect(await ledger.verifyJournal({ tenantId })).toMatchObject({ ok: true })
    // ana had three entries at the checkpoint: the third must still hash to what it signed.
    expect(await ledger.verifyJournal({ tenantId, publicKey })).toMatchObject({
      ok: false,
      firstBroken: { accountId: 'ana', shard: 0, seq: seqs[2], reason: 'checkpoint' },
      checkpoint: { authentic: true },
    })
  })

  it('catch a chain cut short of the head they recorded', async () => {
    const tenantId = await books()
    await ledger.checkpoint({ tenantId, privateKey })
    const seqs = await rewrite(tenantId, 'ben')
    // Drop ben's last entry and point the balance row at the one before: consistent, but shorter than signed.
    const [{ hash } = { hash: '' }] = await rows<{ hash: string }>(
      db,
      sql`select encode(hash, 'hex') as hash from tb_entries where tenant_id = ${tenantId} and account_id = 'ben' and seq = ${seqs[0]}::int8`,
    )
    await db.execute(sql`delete from tb_entries where tenant_id = ${tenantId} and account_id = 'ben' and seq = ${seqs[1]}::int8`)
    await db.execute(
      sql`update tb_balances set chain_head = decode(${hash}, 'hex'), chain_count = 1 where tenant_id = ${tenantId} and account_id = 'ben' and shard = 0`,
    )
    expect(await ledger.verifyJournal({ tenantId })).toMatchObject({ ok: true })
    expect((await ledger.verifyJournal({ tenantId, publicKey })).firstBroken).toEqual({
      accountId: 'ben',
      shard: 0,
      seq: null,
      reason: 'checkpoint',
    })
  })

  it('catch a chain removed whole, entries and balance row', async () => {
    const tenantId = await books()
    await ledger.checkpoint({ tenantId, privateKey })
    await db.execute(sql`delete from tb_entries where tenant_id = ${tenantId} and account_id = 'ben'`)
    await db.execute(sql`delete from tb_balances where tenant_id = ${tenantId} and account_id = 'ben'`)
    expect((await ledger.verifyJournal({ tenantId, publicKey })).firstBroken).toEqual({
      accountId: 'ben',
      shard: 0,
      seq: null,
      reason: 'checkpoint',
    })
  })

  it('are not authentic once their leaves are altered, nor under another key', async () => {
    const tenantId = await books()
    await ledger.checkpoint({ tenantId, privateKey })
    const other = generateKeyPairSync('ed25519').publicKey
    expect(await ledger.verifyJournal({ tenantId, publicKey: other })).toMatchObject({ ok: false, checkpoint: { authentic: false } })
    await db.execute(sql`update tb_checkpoint_heads set count = count + 1 where tenant_id = ${tenantId} and account_id = 'ana'`)
    expect(await ledger.verifyJournal({ tenantId, publicKey })).toMatchObject({ ok: false, checkpoint: { authentic: false } })
  })

  it('answer null for a tenant that has none yet, and refuse keys that are not Ed25519', async () => {
    const tenantId = await books()
    expect(await ledger.verifyJournal({ tenantId, publicKey })).toMatchObject({ ok: true, checkpoint: null })
    expect(await codeOf(ledger.checkpoint({ tenantId, privateKey: publicKey }))).toBe('VALIDATION')
    expect(await codeOf(ledger.checkpoint({ tenantId, privateKey: 'bm90IGEga2V5' }))).toBe('VALIDATION')
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey
    expect(await codeOf(ledger.checkpoint({ tenantId, privateKey: rsa }))).toBe('VALIDATION')
    expect(await codeOf(ledger.verifyJournal({ tenantId, publicKey: privateKey }))).toBe('VALIDATION')
    expect(await codeOf(ledger.checkpoint({ tenantId: 'nobody', privateKey }))).toBe('TENANT_NOT_FOUND')
  })
})
