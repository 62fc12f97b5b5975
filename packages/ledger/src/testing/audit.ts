/**
 * An auditor that reads a tenant's books straight from the tables and lists
 * every broken invariant: each asset sums to zero, each balance equals the
 * sum of its entries (and its last running balance), limits hold (where they
 * never changed; each account's limits match on its rows), stored
 * holds match the open pending transfers, every entry chain is whole
 * (storage/journal.ts). An empty list means the books balance.
 */
import { sql } from 'drizzle-orm'
import { type LedgerDatabase, rows, runnerFor } from '../storage/driver.js'
import { verifyJournal } from '../storage/journal.js'

/** `now`: holds whose timeout passed by then no longer count against limits (as the ledger treats them). */
export async function auditLedger(db: LedgerDatabase, tenantId: string, now: Date = new Date()): Promise<string[]> {
  const problems: string[] = []
  const sums = await rows<{ asset: string; posted: string; pending_out: string; pending_in: string }>(
    db,
    sql`select a.asset, sum(b.posted)::text as posted, sum(b.pending_out)::text as pending_out, sum(b.pending_in)::text as pending_in
        from tb_balances b join tb_accounts a on a.tenant_id = b.tenant_id and a.id = b.account_id
        where b.tenant_id = ${tenantId} group by a.asset`,
  )
  for (const s of sums) {
    if (s.posted !== '0') problems.push(`asset ${s.asset} sums to ${s.posted}, not 0`)
    if (s.pending_out !== s.pending_in) problems.push(`asset ${s.asset} holds out ${s.pending_out} != in ${s.pending_in}`)
  }
  const accounts = await rows<{
    id: string
    shards: number
    floor: string | null
    ceiling: string | null
    posted: string
    pending_out: string
    pending_in: string
    entries: string
    last_after: string | null
    open_out: string
    open_in: string
    live_out: string
    live_in: string
    locked_floor: string | null
    locked_ceiling: string | null
    changed: boolean
  }>(
    db,
    sql`select a.id, a.shards, a.floor::text as floor, a.ceiling::text as ceiling,
               b.posted::text as posted, b.pending_out::text as pending_out, b.pending_in::text as pending_in,
               coalesce((select sum(e.amount) from tb_entries e where e.tenant_id = a.tenant_id and e.account_id = a.id), 0)::text as entries,
               (select e.balance_after::text from tb_entries e where e.tenant_id = a.tenant_id and e.account_id = a.id order by e.seq desc limit 1) as last_after,
               coalesce((select sum(t.amount) from tb_transfers t where t.tenant_id = a.tenant_id and t.pending and t.status = 'pending' and t.from_account = a.id), 0)::text as open_out,
               coalesce((select sum(t.amount) from tb_transfers t where t.tenant_id = a.tenant_id and t.pending and t.status = 'pending' and t.to_account = a.id), 0)::text as open_in,
               coalesce((select sum(t.amount) from tb_transfers t where t.tenant_id = a.tenant_id and t.pending and t.status = 'pending' and t.from_account = a.id
                          and (t.expires_at is null or t.expires_at > ${now.toISOString()}::timestamptz)), 0)::text as live_out,
               coalesce((select sum(t.amount) from tb_transfers t where t.tenant_id = a.tenant_id and t.pending and t.status = 'pending' and t.to_account = a.id
                          and (t.expires_at is null or t.expires_at > ${now.toISOString()}::timestamptz)), 0)::text as live_in,
               l.floor::text as locked_floor, l.ceiling::text as locked_ceiling,
               exists (select 1 from tb_account_limit_changes c where c.tenant_id = a.tenant_id and c.account_id = a.id) as changed
        from tb_accounts a
        join (select account_id, sum(posted) as posted, sum(pending_out) as pending_out, sum(pending_in) as pending_in
              from tb_balances where tenant_id = ${tenantId} group by account_id) b on b.account_id = a.id
        join tb_balances l on l.tenant_id = a.tenant_id and l.account_id = a.id and l.shard = 0
        where a.tenant_id = ${tenantId}`,
  )
  for (const a of accounts) {
    if (a.posted !== a.entries) problems.push(`${a.id}: balance ${a.posted} but entries sum to ${a.entries}`)
    if (Number(a.shards) === 1 && a.last_after !== null && a.last_after !== a.posted) {
      problems.push(`${a.id}: balance ${a.posted} but last running balance ${a.last_after}`)
    }
    if (a.pending_out !== a.open_out || a.pending_in !== a.open_in) {
      problems.push(`${a.id}: stored holds ${a.pending_out}/${a.pending_in} but open holds ${a.open_out}/${a.open_in}`)
    }
    if (a.floor !== a.locked_floor || a.ceiling !== a.locked_ceiling) {
      problems.push(`${a.id}: limits ${a.floor}/${a.ceiling} but ${a.locked_floor}/${a.locked_ceiling} on its balance row`)
    }
    // A balance may rightly lie outside limits changed after it was reached (only later moves are held to them).
    if (a.changed) continue
    if (a.floor !== null && BigInt(a.posted) - BigInt(a.live_out) < BigInt(a.floor)) {
      problems.push(`${a.id}: available ${BigInt(a.posted) - BigInt(a.live_out)} below floor ${a.floor}`)
    }
    if (a.ceiling !== null && BigInt(a.posted) + BigInt(a.live_in) > BigInt(a.ceiling)) {
      problems.push(`${a.id}: ${a.posted} + holds ${a.live_in} above ceiling ${a.ceiling}`)
    }
  }
  const transfers = await rows<{ unbalanced: string }>(
    db,
    sql`select count(*)::text as unbalanced from (
          select transfer_id from tb_entries where tenant_id = ${tenantId}
          group by transfer_id having sum(amount) <> 0 or count(*) <> 2) x`,
  )
  if (transfers[0]?.unbalanced !== '0') problems.push(`${transfers[0]?.unbalanced} transfers whose entries do not balance`)
  const journal = await verifyJournal(runnerFor(db), tenantId)
  if (journal.firstBroken) problems.push(`entry chain broken: ${JSON.stringify(journal.firstBroken)}`)
  return problems
}
