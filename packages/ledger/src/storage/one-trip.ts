/**
 * The one-round-trip path for plain moves (earns, transfers and redemptions
 * that post at once): planned before any lock (planMoves), then locked,
 * checked and written by one call of the `tb_move` SQL function (migration
 * 0003), autocommitted. Concurrent single moves share a call while every
 * write slot is busy (see coalesce.ts). Whatever tb_move cannot vouch for is
 * left to the full path (full-path.ts), which gives the precise answer.
 *
 * @example
 * const oneTrip = createOneTrip({ db, facts })
 * const answer = await oneTrip.single({ tenantId, op, hash, now }) // a BatchResult, or what the full path must do
 */
import { sql } from 'drizzle-orm'
import {
  type BatchItemResult,
  type BatchResult,
  type Operation,
  type PlannedMoves,
  isPlainMove,
  planMoves,
  toTransfer,
} from '../domain/index.js'
import { coalesce } from './coalesce.js'
import { type Executor, type Runner, pgArray, rows, sqlState } from './driver.js'
import type { Facts } from './facts.js'
import { SHARDS } from './schema.js'

/** Most moves one coalesced call carries. */
const MAX_GROUP = 1000

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

export interface OneTripOptions {
  db: Runner
  facts: Facts
  /** Single plain moves sent to storage at once; more concurrent ones wait and go together (default 4; 1 on PGlite). */
  writeConcurrency?: number | undefined
}

export function createOneTrip({ db, facts, writeConcurrency }: OneTripOptions) {
  /** One tenant's ops planned as plain moves (see planMoves), or null when they are not all plain moves or the full path must decide. */
  async function planTenantMoves(tenantId: string, ops: Operation[], hashes: string[], now: Date) {
    const ids = new Set<string>()
    for (const op of ops) {
      if (!isPlainMove(op)) return null
      if (op.type !== 'earn') ids.add(op.from)
      ids.add(op.to)
    }
    const { meta, issuance, scales } = await facts.forBatch(db, tenantId, ops, ids)
    const accounts = new Map(
      [...meta].map(([id, m]) => [id, { id, asset: m.asset, kind: m.kind, floor: m.floor, ceiling: m.ceiling, sharded: m.shards > 1 }]),
    )
    const moves = planMoves({ ops, accounts, issuance, scales, now })
    if (!moves) return null
    const hashOf = new Map(ops.map((op, i) => [op.id, hashes[i] ?? '']))
    const part: TenantMoves = { tenantId, moves, hashOf: (id) => hashOf.get(id) ?? '' }
    return { part, scales }
  }

  type Written =
    | { ok: true; results: BatchItemResult[][] }
    | { ok: false; outcome: 'check' | 'missing' | 'exists'; part: number; row: number }
    | null

  /**
   * Write planned moves (of one or several tenants) in one round trip (see
   * move-call.ts): one result list per part; or which move stopped it and why;
   * or null when the full path must decide it all (a data exception such as a
   * balance past int8, a conflict, an id taken concurrently).
   */
  async function writeMoves(planned: { part: TenantMoves; scales: Map<string, number> }[], now: Date): Promise<Written> {
    let outcome: Awaited<ReturnType<typeof callMove>>
    try {
      outcome = await callMove(
        db,
        planned.map((p) => p.part),
        now,
      )
    } catch (e) {
      const state = sqlState(e)
      if (state === '23505' || state?.startsWith('22') || state?.startsWith('40')) return null
      throw e
    }
    if (outcome.outcome !== 'ok') {
      let row = outcome.failed
      for (const [part, p] of planned.entries()) {
        if (row < p.part.moves.rows.length) return { ok: false, outcome: outcome.outcome, part, row }
        row -= p.part.moves.rows.length
      }
      return null
    }
    for (const { part } of planned) facts.rememberSides(part.tenantId, part.moves.rows)
    return {
      ok: true,
      results: planned.map(({ part, scales }) =>
        part.moves.rows.map((row) => ({
          ok: true,
          transfer: toTransfer(part.tenantId, row, scales.get(row.asset) ?? 0, outcome.at),
          replayed: false,
        })),
      ),
    }
  }

  /**
   * Plain earns/transfers/redeems of one tenant (one, or an atomic batch) in one
   * round trip. Null when the full path must decide; 'exists' when an id is
   * taken, for the full path to replay or refuse.
   */
  async function movesAtOnce(tenantId: string, ops: Operation[], hashes: string[], now: Date): Promise<BatchResult | 'exists' | null> {
    const planned = await planTenantMoves(tenantId, ops, hashes, now)
    if (!planned) return null
    const written = await writeMoves([planned], now)
    if (written?.ok) return { committed: true, results: written.results[0] ?? [] }
    // An id taken (perhaps concurrently), or anything doubtful: the full path looks with the id check first.
    if (written === null || written.outcome === 'exists') return 'exists'
    return null
  }

  interface Single {
    tenantId: string
    op: Operation
    hash: string
    now: Date
  }

  /**
   * Concurrent single plain moves go to storage together while every write
   * slot is busy: one statement, one commit for the group, whatever their
   * tenants. Each is valid after the ones before it (the guard checks them in
   * order), as if they had arrived in that order. A move that cannot go with
   * the others (refused on its facts, stopped by the guard, its id taken) is set
   * aside with its own answer (null: the full path decides; 'exists') and the
   * rest are sent again, so one request never fails another.
   */
  const single = coalesce<Single, BatchResult | 'exists' | 'alone' | null>(
    async (group) => {
      const out: (BatchResult | 'exists' | 'alone' | null)[] = group.map(() => null)
      let members = group.map((_, i) => i)
      const now = new Date(Math.max(...group.map((g) => g.now.getTime())))
      const plan = (tenantId: string, idx: number[]) =>
        planTenantMoves(
          tenantId,
          idx.map((i) => group[i]?.op as Operation),
          idx.map((i) => group[i]?.hash ?? ''),
          now,
        )
      while (members.length > 0) {
        const byTenant = new Map<string, number[]>()
        for (const i of members) {
          const tenantId = group[i]?.tenantId ?? ''
          byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), i])
        }
        const planned: NonNullable<Awaited<ReturnType<typeof plan>>>[] = []
        const tenantMembers: number[][] = []
        let setAside = false
        for (const [tenantId, idx] of byTenant) {
          const p = await plan(tenantId, idx)
          if (p) {
            planned.push(p)
            tenantMembers.push(idx)
            continue
          }
          // Some move of this tenant cannot go as a plain move: find it (them) and leave them to the full path.
          for (const i of idx) {
            if (idx.length === 1 || !(await plan(tenantId, [i]))) {
              out[i] = null
              members = members.filter((m) => m !== i)
              setAside = true
            }
          }
          if (!setAside) {
            // Their combination failed though none fails alone: each of those left goes alone.
            for (const i of members) out[i] = 'alone'
            return out
          }
        }
        if (setAside) continue
        let written: Written
        try {
          written = await writeMoves(planned, now)
        } catch (e) {
          // Whatever stopped the whole group (a timeout behind one busy account, say) may not stop each alone.
          if (members.length === 1) throw e
          for (const i of members) out[i] = 'alone'
          return out
        }
        if (written === null) {
          // Alone, the full path decides (looking for a taken id first); together, each tries alone.
          for (const i of members) out[i] = members.length === 1 ? 'exists' : 'alone'
          return out
        }
        if (written.ok) {
          for (const [t, idx] of tenantMembers.entries()) {
            for (const [j, i] of idx.entries()) {
              const r = written.results[t]?.[j]
              if (r) out[i] = { committed: true, results: [r] }
            }
          }
          return out
        }
        const failed = tenantMembers[written.part]?.[written.row]
        if (failed === undefined) {
          for (const i of members) out[i] = 'alone'
          return out
        }
        out[failed] = written.outcome === 'exists' ? 'exists' : null
        members = members.filter((m) => m !== failed)
      }
      return out
    },
    { limit: writeConcurrency ?? (db.concurrent ? 4 : 1), maxGroup: MAX_GROUP },
  )

  return { single, movesAtOnce }
}
