/**
 * Checkpoints in storage: taking one (every balance row's chain head read in
 * one statement, so all from one instant; the root signed; the leaves kept for
 * later verification) and reading back the latest with its leaves.
 *
 * @example
 * const taken = await takeCheckpoint(db, 'maple', privateKeyOf(key), new Date())
 * const latest = await latestCheckpoint(db, 'maple') // { body, signature, leaves } or null
 */
import { sql } from 'drizzle-orm'
import { type ChainLeaf, type CheckpointBody, merkleRoot, signCheckpoint, sortLeaves } from '../domain/checkpoint.js'
import { type Executor, type Runner, pgArray, rows } from './driver.js'
import { toDate } from './rows.js'

export interface StoredCheckpoint {
  body: CheckpointBody
  at: Date
  signature: string
  leaves: ChainLeaf[]
}

/** Leaves inserted per statement. */
const CHUNK = 5000

interface LeafRow {
  account_id: string
  shard: number
  head: string | null
  count: string
}

const leafOf = (r: LeafRow): ChainLeaf => ({ accountId: r.account_id, shard: Number(r.shard), head: r.head, count: BigInt(r.count) })

/** Sign every chain's head of the tenant as it stands now; returns the stored checkpoint. */
export async function takeCheckpoint(db: Runner, tenantId: string, privateKey: Parameters<typeof signCheckpoint>[1], now: Date) {
  return db.transaction(async (tx): Promise<StoredCheckpoint> => {
    // One checkpointer per tenant at a time, so numbers and previous roots follow each other.
    await tx.execute(sql`select 1 from tb_tenants where id = ${tenantId} for update`)
    const [previous] = await rows<{ number: string; root: string }>(
      tx,
      sql`select number::text as number, encode(root, 'hex') as root from tb_checkpoints
          where tenant_id = ${tenantId} order by number desc limit 1`,
    )
    // One statement: every head as of one snapshot, while writers go on.
    const leaves = sortLeaves(
      (
        await rows<LeafRow>(
          tx,
          sql`select account_id, shard, encode(chain_head, 'hex') as head, chain_count::text as count
              from tb_balances where tenant_id = ${tenantId}`,
        )
      ).map(leafOf),
    )
    const body: CheckpointBody = {
      tenantId,
      number: BigInt(previous?.number ?? '0') + 1n,
      atMicros: BigInt(now.getTime()) * 1000n,
      root: merkleRoot(leaves),
      chains: leaves.length,
      entries: leaves.reduce((n, l) => n + l.count, 0n),
      previousRoot: previous?.root ?? null,
    }
    const signature = signCheckpoint(body, privateKey)
    await tx.execute(
      sql`insert into tb_checkpoints (tenant_id, number, at, root, previous_root, chains, entries, signature)
          values (${tenantId}, ${body.number.toString()}::int8, ${now.toISOString()}::timestamptz, decode(${body.root}, 'hex'),
                  decode(${body.previousRoot}, 'hex'), ${body.chains}, ${body.entries.toString()}::int8, ${signature})`,
    )
    for (let i = 0; i < leaves.length; i += CHUNK) {
      const part = leaves.slice(i, i + CHUNK)
      await tx.execute(
        sql`insert into tb_checkpoint_heads (tenant_id, checkpoint, account_id, shard, head, count)
            select ${tenantId}, ${body.number.toString()}::int8, u.a, u.s, decode(u.h, 'hex'), u.n
            from unnest(${pgArray(part.map((l) => l.accountId))}::text[], ${pgArray(part.map((l) => l.shard))}::int2[],
                        ${pgArray(part.map((l) => l.head))}::text[], ${pgArray(part.map((l) => l.count))}::int8[]) as u(a, s, h, n)`,
      )
    }
    return { body, at: now, signature, leaves }
  })
}

/** The tenant's latest checkpoint with its leaves, or null when it has none. */
export async function latestCheckpoint(ex: Executor, tenantId: string): Promise<StoredCheckpoint | null> {
  const [c] = await rows<{
    number: string
    at: Date | string
    at_us: string
    root: string
    previous_root: string | null
    chains: string
    entries: string
    signature: string
  }>(
    ex,
    sql`select number::text as number, at, (extract(epoch from at) * 1000000)::int8::text as at_us, encode(root, 'hex') as root,
               encode(previous_root, 'hex') as previous_root, chains::text as chains, entries::text as entries, signature
        from tb_checkpoints where tenant_id = ${tenantId} order by number desc limit 1`,
  )
  if (!c) return null
  const leaves = await rows<LeafRow>(
    ex,
    sql`select account_id, shard, encode(head, 'hex') as head, count::text as count
        from tb_checkpoint_heads where tenant_id = ${tenantId} and checkpoint = ${c.number}::int8`,
  )
  return {
    body: {
      tenantId,
      number: BigInt(c.number),
      atMicros: BigInt(c.at_us),
      root: c.root,
      chains: Number(c.chains),
      entries: BigInt(c.entries),
      previousRoot: c.previous_root,
    },
    at: toDate(c.at),
    signature: c.signature,
    leaves: leaves.map(leafOf),
  }
}
