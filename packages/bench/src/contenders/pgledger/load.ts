/**
 * pgledger as a bench contender: its vendored SQL loaded into a fresh schema of
 * its own (never the ledger's), a postgres.js pool on that schema with the same
 * settings as the bench's own pools, and the same accounts as the write-side
 * fixture: one per member (not allowed below zero, funded with 100,000 like the
 * ledger's members) plus an issuance account allowed below zero (the hot account).
 *
 * @example
 * const p = await openPgledger(url, { members: community.members, max: 32 })
 * await p.transfer(p.members[0], p.members[1], '0.01')
 * await p.close() // drops the schema
 */
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import postgres from 'postgres'
import { countConn } from '../../env/counting.js'
import { type Conn, pgArray, postgresConn } from '../../sql/conn.js'

/** Upstream's install order (its justfile): the ULID helpers, then pgledger itself. */
const FILES = ['vendor/scoville-pgsql-ulid/ulid-to-uuid.sql', 'vendor/scoville-pgsql-ulid/uuid-to-ulid.sql', 'pgledger.sql']
const CURRENCY = 'HOUR'
const FUNDING = '100000'
/** Funding transfers per pgledger_create_transfers call (setup only). */
const FUND_CHUNK = 1024

export interface Pgledger {
  schema: string
  conn: Conn
  /** pgledger account ids, index-aligned with the members they were opened for. */
  members: string[]
  /** The account every member was funded from, allowed below zero. */
  issuance: string
  /** One `pgledger_create_transfer` call. */
  transfer(from: string, to: string, amount: string): Promise<void>
  /** One `pgledger_create_transfers` call: all or nothing, in one statement. */
  transfers(items: readonly { from: string; to: string }[], amount: string): Promise<void>
  /** The current balance as upstream reads it: one row of `pgledger_accounts_view`. */
  balance(account: string): Promise<string>
  close(): Promise<void>
}

/** Its own schema name, so two runs (or a crashed one) never meet. */
const schemaName = () => `tb_bench_pgl_${randomBytes(4).toString('hex')}`

export async function openPgledger(url: string, o: { members: readonly string[]; max: number }): Promise<Pgledger> {
  const schema = schemaName()
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create schema ${schema}`)
  // The same client settings as the bench's own pools (env/pool.ts).
  const client = postgres(url, { max: o.max, onnotice: () => {}, connection: { search_path: schema } })
  const close = async () => {
    await client.end({ timeout: 5 })
    await admin.unsafe(`drop schema if exists ${schema} cascade`)
    await admin.end({ timeout: 5 })
  }
  try {
    const sql = await Promise.all(FILES.map((f) => readFile(new URL(f, import.meta.url), 'utf8')))
    // The files name nothing by schema: the connection's search_path puts every object in `schema`.
    await client.begin(async (tx) => {
      for (const text of sql) await tx.unsafe(text).simple()
    })
    const conn = countConn(postgresConn(client))
    const [iss] = await conn.query<{ id: string }>(`select id from pgledger_create_account('issuance', $1, true, true)`, [CURRENCY])
    if (!iss) throw new Error('pgledger: no issuance account')
    const rows = await conn.query<{ id: string }>(
      `select a.id from unnest($1::text[]) with ordinality as n(name, i),
         lateral pgledger_create_account(n.name, $2, false, true) as a
       order by n.i`,
      [pgArray(o.members), CURRENCY],
    )
    const members = rows.map((r) => r.id)
    if (members.length !== o.members.length) throw new Error(`pgledger: opened ${members.length} of ${o.members.length} accounts`)
    const transfers: Pgledger['transfers'] = async (items, amount) => {
      const [r] = await conn.query<{ n: number }>(
        `select count(*)::int as n from pgledger_create_transfers(
           array(select row(f, t, $3::numeric)::transfer_request from unnest($1::text[], $2::text[]) as u(f, t)))`,
        [pgArray(items.map((x) => x.from)), pgArray(items.map((x) => x.to)), amount],
      )
      if (r?.n !== items.length) throw new Error(`pgledger: ${r?.n} of ${items.length} transfers`)
    }
    for (let i = 0; i < members.length; i += FUND_CHUNK) {
      await transfers(
        members.slice(i, i + FUND_CHUNK).map((to) => ({ from: iss.id, to })),
        FUNDING,
      )
    }
    await conn.query('analyze pgledger_accounts, pgledger_transfers, pgledger_entries')
    return {
      schema,
      conn,
      members,
      issuance: iss.id,
      async transfer(from, to, amount) {
        await conn.query('select id from pgledger_create_transfer($1, $2, $3::numeric)', [from, to, amount])
      },
      transfers,
      async balance(account) {
        const [r] = await conn.query<{ balance: string }>('select balance from pgledger_accounts_view where id = $1', [account])
        if (!r) throw new Error(`pgledger: no account ${account}`)
        return r.balance
      },
      close,
    }
  } catch (e) {
    await close()
    throw e
  }
}
