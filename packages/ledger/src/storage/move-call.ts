/**
 * The one-round-trip write of plain moves (one, or an atomic batch): one call
 * of the `tb_move` SQL function (migration 0003), which locks, checks the
 * planned moves' guard and writes them, or writes nothing and says why.
 * Autocommitted, so a single earn/transfer/redeem costs one round trip
 * instead of four.
 */
import { sql } from 'drizzle-orm'
import type { PlannedMoves } from '../domain/index.js'
import { type Executor, pgArray, rows } from './driver.js'
import { SHARDS } from './schema.js'

/**
 * - `ok`: written, stamped `at`.
 * - `check`: an account is not open or a bound may not hold: the full path decides.
 * - `missing`: an account has no balance row (the full path reports it).
 * A transfer id already taken fails with the primary key's unique violation (23505).
 */
export type MoveOutcome = { outcome: 'ok'; at: Date } | { outcome: 'check' | 'missing' }

export async function callMove(ex: Executor, tenantId: string, moves: PlannedMoves, hashOf: (id: string) => string, now: Date): Promise<MoveOutcome> {
  const position = new Map(moves.accounts.map((a, i) => [a.id, i + 1]))
  const at = (id: string) => position.get(id) ?? 0
  const a = moves.accounts
  const m = moves.rows
  const [r] = await rows<{ o_outcome: string; o_at: Date | string | null }>(
    ex,
    sql`select o_outcome, o_at from tb_move(
          ${tenantId}::text, ${now.toISOString()}::timestamptz, ${Math.floor(Math.random() * SHARDS)}::int,
          ${pgArray(a.map((x) => x.id))}::text[], ${pgArray(a.map((x) => x.sharded))}::boolean[],
          ${pgArray(a.map((x) => x.floor))}::int8[], ${pgArray(a.map((x) => x.ceiling))}::int8[],
          ${pgArray(m.map((x) => x.id))}::text[], ${pgArray(m.map((x) => x.type))}::text[],
          ${pgArray(m.map((x) => at(x.from)))}::int[], ${pgArray(m.map((x) => at(x.to)))}::int[],
          ${pgArray(m.map((x) => x.asset))}::text[], ${pgArray(m.map((x) => x.amount))}::int8[],
          ${pgArray(m.map((x) => hashOf(x.id)))}::text[], ${pgArray(m.map((x) => JSON.stringify(x.metadata)))}::jsonb[])`,
  )
  if (r?.o_outcome === 'ok' && r.o_at !== null) return { outcome: 'ok', at: r.o_at instanceof Date ? r.o_at : new Date(r.o_at) }
  if (r?.o_outcome === 'check' || r?.o_outcome === 'missing') return { outcome: r.o_outcome }
  throw new Error(`tb_move answered ${JSON.stringify(r)}`)
}
