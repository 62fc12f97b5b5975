/**
 * The one-round-trip path for plain moves (earns, transfers and redemptions
 * that post at once): planned before any lock (planMoves), then locked,
 * checked and written by one call of the `tb_move` SQL function (migrations
 * 0003, 0005), autocommitted. When its guard cannot vouch for a move, tb_move
 * returns the state it locked, and the pure rules decide on it: a refusal is
 * final in that same round trip. Concurrent single moves share a call while
 * every write slot is busy (see coalesce.ts). What this path cannot settle
 * (an id already taken, a move the rules would accept but the guard could not
 * vouch for, an unknown account) is left to the full path (full-path.ts).
 *
 * @example
 * const oneTrip = createOneTrip({ db, facts })
 * const answer = await oneTrip.single({ tenantId, op, hash, now }) // a BatchResult, or null: take the full path
 */
import { sql } from 'drizzle-orm'
import {
  type AccountFacts,
  type AccountState,
  type AccountStatus,
  type LockedState,
  type BatchItemResult,
  type BatchResult,
  type Operation,
  type PlanResult,
  type PlannedMoves,
  isPlainMove,
  planBatch,
  planMoves,
  toTransfer,
} from '../domain/index.js'
import { coalesce } from './coalesce.js'
import { type Executor, type Runner, pgArray, rows, sqlState } from './driver.js'
import type { Facts } from './facts.js'
import { failedBatch } from './full-path.js'
import { toDate } from './rows.js'
import { SHARDS } from './schema.js'

/** Most moves one coalesced call carries. */
const MAX_GROUP = 1000

/** An account as tb_move locked it: what the rules need beyond its fixed facts, its limits in force included. */
type Locked = LockedState

/**
 * - `ok`: written, stamped `at`.
 * - `check`: an account is not open or a bound may not hold; `locked` holds every
 *   account's state as locked (per part, by id), as of `at`.
 * - `missing`: an account has no balance row (the full path reports it).
 * - `exists`: a move's id is taken: a replay or a conflict, for the full path to tell.
 * `failed` is the move (0-based, in call order) the answer is about. An id taken
 * concurrently fails with the primary key's unique violation (23505) instead.
 */
export type MoveOutcome =
  | { outcome: 'ok'; at: Date }
  | { outcome: 'check'; failed: number; at: Date; locked: Map<string, Locked>[] }
  | { outcome: 'missing' | 'exists'; failed: number }

/** One tenant's planned moves, with the request hash of each move's id. */
export interface TenantMoves {
  tenantId: string
  moves: PlannedMoves
  hashOf: (id: string) => string
}

interface MoveRow {
  o_outcome: string
  o_at: Date | string | null
  o_failed: number | null
  o_status: string[] | string | null
  o_posted: string[] | string | null
  o_out: string[] | string | null
  o_in: string[] | string | null
  o_expired_out: string[] | string | null
  o_expired_in: string[] | string | null
  o_floor: (string | null)[] | string | null
  o_ceiling: (string | null)[] | string | null
}

/**
 * A PostgreSQL array as text (`{a,b}`: postgres.js leaves arrays of a record's fields unparsed) or parsed.
 * A NULL element (a limit not set) arrives as null or, from postgres.js, as the text NULL; no element
 * of these arrays (numbers, statuses) is ever that text otherwise.
 */
const elements = (v: (string | null)[] | string | null): (string | null)[] => {
  const list = v === null ? [] : Array.isArray(v) ? v : v === '{}' ? [] : v.slice(1, -1).split(',')
  return list.map((x) => (x === null || x === 'NULL' ? null : String(x)))
}

export async function callMove(ex: Executor, parts: readonly TenantMoves[], now: Date): Promise<MoveOutcome> {
  const accounts: { part: number; tenantId: string; id: string; sharded: boolean }[] = []
  const moves: { row: PlannedMoves['rows'][number]; from: number; to: number; hash: string }[] = []
  for (const [part, { tenantId, moves: planned, hashOf }] of parts.entries()) {
    const position = new Map<string, number>()
    for (const a of planned.accounts) {
      accounts.push({ part, tenantId, ...a })
      position.set(a.id, accounts.length)
    }
    for (const row of planned.rows)
      moves.push({ row, from: position.get(row.from) ?? 0, to: position.get(row.to) ?? 0, hash: hashOf(row.id) })
  }
  const [r] = await rows<MoveRow>(
    ex,
    sql`select o_outcome, o_at, o_failed, o_status, o_posted::text[], o_out::text[], o_in::text[],
               o_expired_out::text[], o_expired_in::text[], o_floor::text[], o_ceiling::text[]
        from tb_move(
          ${now.toISOString()}::timestamptz, ${Math.floor(Math.random() * SHARDS)}::int,
          ${pgArray(accounts.map((x) => x.tenantId))}::text[], ${pgArray(accounts.map((x) => x.id))}::text[],
          ${pgArray(accounts.map((x) => x.sharded))}::boolean[],
          ${pgArray(moves.map((x) => x.row.id))}::text[], ${pgArray(moves.map((x) => x.row.type))}::text[],
          ${pgArray(moves.map((x) => x.from))}::int[], ${pgArray(moves.map((x) => x.to))}::int[],
          ${pgArray(moves.map((x) => x.row.asset))}::text[], ${pgArray(moves.map((x) => x.row.amount))}::int8[],
          ${pgArray(moves.map((x) => x.hash))}::text[], ${pgArray(moves.map((x) => JSON.stringify(x.row.metadata)))}::jsonb[])`,
  )
  if (r?.o_outcome === 'ok' && r.o_at !== null) return { outcome: 'ok', at: toDate(r.o_at) }
  if (r?.o_outcome === 'check' && r.o_failed !== null && r.o_at !== null) {
    const [status, posted, out, inn, expiredOut, expiredIn, floor, ceiling] = [
      r.o_status,
      r.o_posted,
      r.o_out,
      r.o_in,
      r.o_expired_out,
      r.o_expired_in,
      r.o_floor,
      r.o_ceiling,
    ].map(elements) as (string | null)[][]
    const big = (v: string | null | undefined): bigint | null => (v === null || v === undefined ? null : BigInt(v))
    const locked = parts.map(() => new Map<string, Locked>())
    for (const [i, a] of accounts.entries()) {
      locked[a.part]?.set(a.id, {
        status: status?.[i] as AccountStatus,
        floor: big(floor?.[i]),
        ceiling: big(ceiling?.[i]),
        posted: BigInt(posted?.[i] ?? 0),
        pendingOut: BigInt(out?.[i] ?? 0),
        pendingIn: BigInt(inn?.[i] ?? 0),
        expiredOut: BigInt(expiredOut?.[i] ?? 0),
        expiredIn: BigInt(expiredIn?.[i] ?? 0),
      })
    }
    return { outcome: 'check', failed: Number(r.o_failed) - 1, at: toDate(r.o_at), locked }
  }
  if ((r?.o_outcome === 'missing' || r?.o_outcome === 'exists') && r.o_failed !== null) {
    return { outcome: r.o_outcome, failed: Number(r.o_failed) - 1 }
  }
  throw new Error(`tb_move answered ${JSON.stringify(r)}`)
}

/** One tenant's moves as planned, with what deciding them on locked state needs. */
interface PlannedPart {
  part: TenantMoves
  ops: Operation[]
  accounts: Map<string, AccountFacts>
  issuance: Map<string, string>
  scales: Map<string, number>
}

/** The rules' answer for `ops` on the state tb_move locked. */
function decide(planned: PlannedPart, ops: readonly Operation[], locked: Map<string, Locked>, at: Date): PlanResult {
  const accounts = new Map<string, AccountState>()
  for (const [id, f] of planned.accounts) {
    const s = locked.get(id)
    if (!s) continue
    accounts.set(id, {
      id,
      asset: f.asset,
      kind: f.kind,
      floor: s.floor,
      ceiling: s.ceiling,
      sharded: f.sharded,
      status: s.status,
      posted: s.posted,
      pendingOut: s.pendingOut,
      pendingIn: s.pendingIn,
      expiredOut: s.expiredOut,
      expiredIn: s.expiredIn,
    })
  }
  return planBatch({ ops, accounts, transfers: new Map(), issuance: planned.issuance, scales: planned.scales, now: at })
}

export interface OneTripOptions {
  db: Runner
  facts: Facts
  /** Single plain moves sent to storage at once; more concurrent ones wait and go together (default 4; 1 on PGlite). */
  writeConcurrency?: number | undefined
}

/** A single plain move, as the coalescer takes it. */
export interface Single {
  tenantId: string
  op: Operation
  hash: string
  now: Date
}

/** What the one-trip path answers: the result, 'alone' (send it again on its own), or null (take the full path). */
export type OneTripAnswer = BatchResult | 'alone' | null

export function createOneTrip({ db, facts, writeConcurrency }: OneTripOptions) {
  /** One tenant's ops planned as plain moves (see planMoves), or null when they are not all plain moves or the full path must decide. */
  async function planTenantMoves(tenantId: string, ops: Operation[], hashes: string[], now: Date): Promise<PlannedPart | null> {
    const ids = new Set<string>()
    for (const op of ops) {
      if (!isPlainMove(op)) return null
      if (op.type !== 'earn') ids.add(op.from)
      ids.add(op.to)
    }
    const { meta, issuance, scales } = await facts.forBatch(db, tenantId, ops, ids)
    const accounts = new Map<string, AccountFacts>(
      [...meta].map(([id, m]) => [id, { id, asset: m.asset, kind: m.kind, sharded: m.shards > 1 }]),
    )
    const moves = planMoves({ ops, accounts, issuance, scales, now })
    if (!moves) return null
    const hashOf = new Map(ops.map((op, i) => [op.id, hashes[i] ?? '']))
    return { part: { tenantId, moves, hashOf: (id) => hashOf.get(id) ?? '' }, ops, accounts, issuance, scales }
  }

  type Written =
    | { ok: true; results: BatchItemResult[][] }
    | { ok: false; outcome: 'check'; part: number; row: number; locked: Map<string, Locked>; at: Date }
    | { ok: false; outcome: 'missing' | 'exists'; part: number; row: number }
    | null

  /**
   * Write planned moves (of one or several tenants) in one round trip: one
   * result list per part; or which move stopped it and why; or null when the
   * full path must decide it all (a data exception such as a balance past int8,
   * a conflict, an id taken concurrently).
   */
  async function writeMoves(planned: PlannedPart[], now: Date): Promise<Written> {
    let outcome: MoveOutcome
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
        if (row < p.part.moves.rows.length) {
          return outcome.outcome === 'check'
            ? { ok: false, outcome: 'check', part, row, locked: outcome.locked[part] ?? new Map(), at: outcome.at }
            : { ok: false, outcome: outcome.outcome, part, row }
        }
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
   * round trip: the result (written, or refused on the locked state), or null
   * when the full path must decide.
   */
  async function movesAtOnce(tenantId: string, ops: Operation[], hashes: string[], now: Date): Promise<BatchResult | null> {
    const planned = await planTenantMoves(tenantId, ops, hashes, now)
    if (!planned) return null
    const written = await writeMoves([planned], now)
    if (written?.ok) return { committed: true, results: written.results[0] ?? [] }
    if (written?.outcome === 'check') {
      const decided = decide(planned, ops, written.locked, written.at)
      if (!decided.ok) return failedBatch(ops.length, decided.index, decided.error)
    }
    return null
  }

  /**
   * Concurrent single plain moves go to storage together while every write
   * slot is busy: one statement, one commit for the group, whatever their
   * tenants. Each is valid after the ones before it (the guard checks them in
   * order), as if they had arrived in that order. A move that cannot go with
   * the others is set aside with its own answer and the rest are sent again,
   * so one request never fails another: refused on the state locked for it
   * (as if it had come first, alone), or left to the full path.
   */
  const single = coalesce<Single, OneTripAnswer>(
    async (group) => {
      const out: OneTripAnswer[] = group.map(() => null)
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
        const planned: PlannedPart[] = []
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
          // Alone, the full path decides; together, each tries alone.
          for (const i of members) out[i] = members.length === 1 ? null : 'alone'
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
        const part = planned[written.part]
        if (failed === undefined || !part) {
          for (const i of members) out[i] = 'alone'
          return out
        }
        out[failed] = null
        if (written.outcome === 'check') {
          const op = group[failed]?.op as Operation
          const decided = decide(part, [op], written.locked, written.at)
          if (!decided.ok) out[failed] = failedBatch(1, 0, decided.error)
        }
        members = members.filter((m) => m !== failed)
      }
      return out
    },
    { limit: writeConcurrency ?? (db.concurrent ? 4 : 1), maxGroup: MAX_GROUP },
  )

  return { single, movesAtOnce }
}
