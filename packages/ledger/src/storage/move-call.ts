/**
 * The one-round-trip write of plain moves: one call of the `tb_move` SQL
 * function (migration 0003), which locks, checks the planned moves' guard and
 * writes them, or writes nothing and says why. Autocommitted, so a single
 * earn/transfer/redeem costs one round trip instead of four. One call may
 * carry moves of several tenants, each planned on its own.
 */
import { sql } from 'drizzle-orm'
import type { PlannedMoves } from '../domain/index.js'
import { type Executor, pgArray, rows } from './driver.js'
import { SHARDS } from './schema.js'

/**
 * - `ok`: written, stamped `at`.
 * - `check`: an account is not open or a bound may not hold: the full path decides.
 * - `missing`: an account has no balance row (the full path reports it).
 * - `exists`: a move's id is taken: a replay or a conflict, for the full path to tell.
 * `failed` is the move (0-based, in call order) the answer is about. An id taken
 * concurrently fails with the primary key's unique violation (23505) instead.
 */
export type MoveOutcome = { outcome: 'ok'; at: Date } | { outcome: 'check' | 'missing' | 'exists'; failed: number }

/** One tenant's planned moves, with the request hash of each move's id. */
export interface TenantMoves {
  tenantId: string
  moves: PlannedMoves
  hashOf: (id: string) => string
}

export async function callMove(ex: Executor, parts: readonly TenantMoves[], now: Date): Promise<MoveOutcome> {
  const accounts: { tenantId: string; id: string; sharded: boolean; floor: bigint | null; ceiling: bigint | null }[] = []
  const moves: { row: PlannedMoves['rows'][number]; from: number; to: number; hash: string }[] = []
  for (const { tenantId, moves: planned, hashOf } of parts) {
    const position = new Map<string, number>()
    for (const a of planned.accounts) {
      accounts.push({ tenantId, ...a })
      position.set(a.id, accounts.length)
    }
    for (const row of planned.rows)
      moves.push({ row, from: position.get(row.from) ?? 0, to: position.get(row.to) ?? 0, hash: hashOf(row.id) })
  }
  const [r] = await rows<{ o_outcome: string; o_at: Date | string | null; o_failed: number | null }>(
    ex,
    sql`select o_outcome, o_at, o_failed from tb_move(
          ${now.toISOString()}::timestamptz, ${Math.floor(Math.random() * SHARDS)}::int,
          ${pgArray(accounts.map((x) => x.tenantId))}::text[], ${pgArray(accounts.map((x) => x.id))}::text[],
          ${pgArray(accounts.map((x) => x.sharded))}::boolean[],
          ${pgArray(accounts.map((x) => x.floor))}::int8[], ${pgArray(accounts.map((x) => x.ceiling))}::int8[],
          ${pgArray(moves.map((x) => x.row.id))}::text[], ${pgArray(moves.map((x) => x.row.type))}::text[],
          ${pgArray(moves.map((x) => x.from))}::int[], ${pgArray(moves.map((x) => x.to))}::int[],
          ${pgArray(moves.map((x) => x.row.asset))}::text[], ${pgArray(moves.map((x) => x.row.amount))}::int8[],
          ${pgArray(moves.map((x) => x.hash))}::text[], ${pgArray(moves.map((x) => JSON.stringify(x.row.metadata)))}::jsonb[])`,
  )
  if (r?.o_outcome === 'ok' && r.o_at !== null) return { outcome: 'ok', at: r.o_at instanceof Date ? r.o_at : new Date(r.o_at) }
  if ((r?.o_outcome === 'check' || r?.o_outcome === 'missing' || r?.o_outcome === 'exists') && r.o_failed !== null) {
    return { outcome: r.o_outcome, failed: Number(r.o_failed) - 1 }
  }
  throw new Error(`tb_move answered ${JSON.stringify(r)}`)
}
