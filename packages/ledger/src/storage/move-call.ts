/**
 * The one-round-trip write of a plain move: one call of the `tb_move` SQL
 * function (migration 0003), which locks, checks the planned move's guard and
 * writes it, or writes nothing and says why. Autocommitted, so a single
 * earn/transfer/redeem costs one round trip instead of four.
 */
import { sql } from 'drizzle-orm'
import type { PlannedMove } from '../domain/index.js'
import { type Executor, rows } from './driver.js'
import { SHARDS } from './schema.js'

/**
 * - `ok`: written, stamped `at`.
 * - `check`: an account is not open or a bound may not hold: the full path decides.
 * - `missing`: an account has no balance row (the full path reports it).
 * - `exists`: the id is taken: a replay or a conflict, for the full path to tell.
 */
export type MoveOutcome = { outcome: 'ok'; at: Date } | { outcome: 'check' | 'missing' | 'exists' }

export async function callMove(ex: Executor, tenantId: string, move: PlannedMove, hash: string, now: Date): Promise<MoveOutcome> {
  const { row, guard } = move
  const bound = (v: bigint | null) => (v === null ? null : v.toString())
  const [r] = await rows<{ o_outcome: string; o_at: Date | string | null }>(
    ex,
    sql`select o_outcome, o_at from tb_move(
          ${tenantId}::text, ${row.id}::text, ${row.type}::text, ${row.from}::text, ${row.to}::text, ${row.asset}::text,
          ${row.amount.toString()}::int8, ${guard.from.sharded}::boolean, ${bound(guard.from.floor)}::int8,
          ${guard.to.sharded}::boolean, ${bound(guard.to.ceiling)}::int8, ${hash}::text, ${JSON.stringify(row.metadata)}::jsonb, ${now.toISOString()}::timestamptz,
          ${Math.floor(Math.random() * SHARDS)}::int)`,
  )
  if (r?.o_outcome === 'ok' && r.o_at !== null) return { outcome: 'ok', at: r.o_at instanceof Date ? r.o_at : new Date(r.o_at) }
  if (r?.o_outcome === 'check' || r?.o_outcome === 'missing' || r?.o_outcome === 'exists') return { outcome: r.o_outcome }
  throw new Error(`tb_move answered ${JSON.stringify(r)}`)
}
