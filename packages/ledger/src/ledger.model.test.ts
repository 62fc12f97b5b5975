/**
 * Stateful, model-based property test of the ledger on PGlite.
 *
 * fast-check generates sequences of commands (every operation, valid and not,
 * retries with reused ids, holds with timeouts and a clock, post/void, reversals,
 * account status changes, limit changes, sweeps, atomic batches with items referring to earlier
 * items) and runs each against the real ledger and the reference model in
 * `src/testing/model.ts`, which predicts every outcome: the exact transfer on
 * success, the refusal code(s) otherwise. After every step the ledger is read back
 * and checked against the model and the invariants: every asset sums to zero,
 * balances, holds, statuses and histories match, history sums to the balance, no
 * account is outside its limits unless they changed, and none goes further outside
 * them than a limit change put it (a balance above a lowered ceiling may stay, but
 * only a limit change widens the gap), open holds equal the pending totals, and a
 * refused request changed nothing at all. `getBalance({ at })` and the limits of
 * `getAccount({ at })` are checked against the model's timeline by a dedicated command.
 *
 * Every balance and the totals are read after every step; the history of every
 * account a step named or reached and every transfer it named are read in full,
 * and the whole ledger (all histories, all transfers, statuses) at the end of each run,
 * when every entry chain must also verify (`verifyJournal`).
 *
 * One PGlite per file, one fresh tenant per run (tenants share nothing), an
 * injected clock that only the advance commands move.
 *
 * Knobs: LEDGER_MODEL_RUNS (default 50), LEDGER_MODEL_COMMANDS (max per run, default 40).
 * Replay a failure with the seed and path fast-check prints:
 *   LEDGER_MODEL_SEED=<seed> LEDGER_MODEL_PATH=<path> npx vitest run --project ledger src/ledger.model.test.ts
 */
import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AssetTotals,
  type Balance,
  type BatchResult,
  type Entry,
  type Ledger,
  type LedgerDatabase,
  type Operation,
  type OperationResult,
  type Transfer,
  createLedger,
  isLedgerError,
  migrate,
} from './index.js'
import { ACCOUNT_POOL, type CmdSpec, buildOp, cmdSpecArb, mutate, reorder } from './testing/arbitraries.js'
import {
  ALL_ACCOUNT_IDS,
  ASSET_CODES,
  type Code,
  LedgerModel,
  type Outcome,
  SCALES,
  type TransferView,
  WORLD,
  formatMinor,
  issuanceOf,
} from './testing/model.js'

const NUM_RUNS = Number(process.env.LEDGER_MODEL_RUNS ?? 50)
const MAX_COMMANDS = Number(process.env.LEDGER_MODEL_COMMANDS ?? 40)
const REPLAY =
  process.env.LEDGER_MODEL_SEED !== undefined
    ? { seed: Number(process.env.LEDGER_MODEL_SEED), path: process.env.LEDGER_MODEL_PATH, endOnFailure: true }
    : {}
const DAY = 86_400_000

// ------------------------------------------------------------------ harness

interface Snapshot {
  totals: AssetTotals[]
  balances: Record<string, Balance>
}

interface Real {
  ledger: Ledger
  tenantId: string
  clock: { ms: number }
  /** The last snapshot read back and verified. */
  snap: Snapshot | null
}

interface Sim {
  m: LedgerModel
  /** Every request sent, for retries. */
  log: { ops: Operation[]; mode: 'single' | 'batch'; committed: boolean }[]
}

/** What a step may have changed: whose history and which transfers to read back in full, and whether statuses. */
interface Scope {
  accounts: Set<string> | 'all'
  transfers: Set<string> | 'all'
  statuses?: boolean
  /** The step changed limits: a balance may now lie outside them. */
  limitsChanged?: boolean
}

const FULL: Scope = { accounts: 'all', transfers: 'all', statuses: true }

/** Signed decimal string → minor units of `scale` (reads the ledger's formatted output). */
function minorOf(text: string, scale: number): bigint {
  const negative = text.startsWith('-')
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.')
  if (fraction.length !== scale) throw new Error(`${text} is not formatted to scale ${scale}`)
  const v = BigInt(whole + fraction)
  return negative ? -v : v
}

function expectTransfer(actual: Transfer, view: TransferView, statuses: string[], what: string): void {
  expect(
    {
      id: actual.id,
      type: actual.type,
      from: actual.from,
      to: actual.to,
      asset: actual.asset,
      amount: actual.amount,
      pendingId: actual.pendingId,
      reversesId: actual.reversesId,
      expiresAt: actual.expiresAt?.getTime() ?? null,
      createdAt: actual.createdAt.getTime(),
    },
    what,
  ).toEqual({
    id: view.id,
    type: view.type,
    from: view.from,
    to: view.to,
    asset: view.asset,
    amount: view.amount,
    pendingId: view.pendingId,
    reversesId: view.reversesId,
    expiresAt: view.expiresAt,
    createdAt: view.createdAt,
  })
  expect(statuses, `${what}: status ${actual.status}`).toContain(actual.status)
}

/**
 * Read the ledger back and check it against the model and the invariants:
 * totals and every balance always; histories, transfers and statuses in `scope`
 * (what a step could have changed; everything at the end of a run).
 */
async function verify(sim: Sim, real: Real, scope: Scope, before: Snapshot | null = null): Promise<Snapshot> {
  const { m } = sim
  const { ledger, tenantId } = real
  const [totals, listed, read] = await Promise.all([
    ledger.totals({ tenantId }),
    scope.statuses ? ledger.listAccounts({ tenantId, limit: 500 }) : null,
    Promise.all(ALL_ACCOUNT_IDS.map((id) => ledger.getBalance({ tenantId, accountId: id }))),
  ])

  for (const asset of ASSET_CODES) {
    const scale = SCALES[asset] ?? 0
    const t = totals.find((x) => x.asset === asset)
    expect(t, `totals for ${asset}`).toBeDefined()
    if (!t) continue
    expect(t.total, `${asset} sums to zero`).toBe(formatMinor(0n, scale))
    expect(t.pending, `${asset} pending = open holds`).toBe(formatMinor(m.pendingByAsset(asset), scale))
    const byKind = m.postedByKind(asset)
    const kinds = new Set([...byKind.keys(), ...Object.keys(t.byKind)])
    for (const kind of kinds) {
      expect(t.byKind[kind] ?? formatMinor(0n, scale), `${asset} ${kind} total`).toBe(formatMinor(byKind.get(kind) ?? 0n, scale))
    }
  }

  const balances: Snapshot['balances'] = {}
  ALL_ACCOUNT_IDS.forEach((id, i) => {
    const a = m.account(id)
    const balance = read[i]
    if (!a || !balance) throw new Error(`account ${id} missing`)
    balances[id] = balance
    const fmt = (v: bigint) => formatMinor(v, a.scale)
    if (listed) {
      const listing = listed.find((x) => x.id === id)
      expect(listing?.status, `${id} status`).toBe(a.status)
      expect({ floor: listing?.floor, ceiling: listing?.ceiling }, `${id} limits`).toEqual({
        floor: a.floor === null ? null : fmt(a.floor),
        ceiling: a.ceiling === null ? null : fmt(a.ceiling),
      })
    }
    const pd = m.pendingDebits(id)
    const pc = m.pendingCredits(id)
    expect(
      {
        posted: balance.posted,
        pendingDebits: balance.pendingDebits,
        pendingCredits: balance.pendingCredits,
        available: balance.available,
      },
      `${id} balance`,
    ).toEqual({ posted: fmt(a.posted), pendingDebits: fmt(pd), pendingCredits: fmt(pc), available: fmt(a.posted - pd) })
    // Limits hold on what the ledger reports: how far an account lies below its floor or above its
    // ceiling is zero while its limits never changed, and only a limit change makes it grow (a balance
    // already outside new limits stays, but no step takes it further out).
    const shortfall = (b: Balance) => {
      const available = minorOf(b.posted, a.scale) - minorOf(b.pendingDebits, a.scale)
      return a.floor === null || available >= a.floor ? 0n : a.floor - available
    }
    const excess = (b: Balance) => {
      const reserved = minorOf(b.posted, a.scale) + minorOf(b.pendingCredits, a.scale)
      return a.ceiling === null || reserved <= a.ceiling ? 0n : reserved - a.ceiling
    }
    if (a.limits.length === 1) {
      expect(shortfall(balance), `${id} within floor`).toBe(0n)
      expect(excess(balance), `${id} within ceiling`).toBe(0n)
    }
    const prior = before?.balances[id]
    if (prior && !scope.limitsChanged) {
      expect(shortfall(balance) <= shortfall(prior), `${id} no further below its floor`).toBe(true)
      expect(excess(balance) <= excess(prior), `${id} no further above its ceiling`).toBe(true)
    }
  })

  // History: the model's entries, newest first; they sum to the posted balance.
  const historyIds = scope.accounts === 'all' ? ALL_ACCOUNT_IDS : ALL_ACCOUNT_IDS.filter((id) => (scope.accounts as Set<string>).has(id))
  const histories = await Promise.all(historyIds.map((id) => ledger.getHistory({ tenantId, accountId: id, limit: 1000 })))
  historyIds.forEach((id, i) => {
    const a = m.account(id)
    const page = histories[i]
    if (!a || !page) throw new Error(`account ${id} missing`)
    const fmt = (v: bigint) => formatMinor(v, a.scale)
    expect(page.nextCursor, `${id}: history fits one page`).toBeNull()
    expect(
      page.entries.map((e) => ({
        transferId: e.transferId,
        type: e.type,
        counterparty: e.counterparty,
        amount: e.amount,
        balanceAfter: e.balanceAfter,
        at: e.createdAt.getTime(),
      })),
      `${id} history`,
    ).toEqual(
      [...a.entries].reverse().map((e) => ({
        transferId: e.transferId,
        type: e.type,
        counterparty: e.counterparty,
        amount: fmt(e.amount),
        balanceAfter: e.balanceAfter === null ? null : fmt(e.balanceAfter),
        at: e.at,
      })),
    )
    const sum = page.entries.reduce((acc, e) => acc + minorOf(e.amount, a.scale), 0n)
    expect(fmt(sum), `${id} history sums to its balance`).toBe(balances[id]?.posted)
    const seqs = page.entries.map((e) => BigInt(e.seq))
    for (let k = 1; k < seqs.length; k++) expect((seqs[k] as bigint) < (seqs[k - 1] as bigint), `${id} history newest first`).toBe(true)
  })

  const transferIds = m
    .transfers()
    .map((t) => t.id)
    .filter((id) => scope.transfers === 'all' || scope.transfers.has(id))
  const transfers = await Promise.all(transferIds.map((id) => ledger.getTransfer({ tenantId, transferId: id })))
  transferIds.forEach((id, i) => {
    const t = m.transfer(id)
    const actual = transfers[i]
    if (!t || !actual) throw new Error(`transfer ${id} missing`)
    const view = m.view(t)
    expectTransfer(actual, view, [view.status], `transfer ${id}`)
  })
  return { totals, balances }
}

/** Accounts and transfers a request names or reaches (to read back after it). */
function scopeOf(sim: Sim, ops: Operation[]): Scope {
  const accounts = new Set<string>()
  const transfers = new Set<string>()
  const sides = (id: string) => {
    const t = sim.m.transfer(id)
    transfers.add(id)
    if (t) {
      accounts.add(t.from)
      accounts.add(t.to)
    }
  }
  for (const op of ops) {
    transfers.add(op.id)
    switch (op.type) {
      case 'earn': {
        accounts.add(op.to)
        const asset = sim.m.account(op.to)?.asset
        if (asset !== undefined) accounts.add(issuanceOf(asset))
        break
      }
      case 'transfer':
      case 'redeem':
        accounts.add(op.from)
        accounts.add(op.to)
        break
      case 'post':
      case 'void':
        sides(op.pendingId)
        break
      case 'reverse':
        sides(op.transferId)
        break
    }
    sides(op.id)
  }
  return { accounts, transfers }
}

const liveHolds = (sim: Sim): Set<string> =>
  new Set(
    sim.m
      .holds()
      .filter((h) => h.hold === 'open')
      .map((h) => h.id),
  )

type Actual =
  | { kind: 'thrown'; code: string; message: string }
  | { kind: 'single'; result: OperationResult }
  | { kind: 'batch'; result: BatchResult }

function callSingle(ledger: Ledger, tenantId: string, op: Operation): Promise<OperationResult> {
  const { type, ...rest } = op
  const input = { tenantId, ...rest }
  switch (type) {
    case 'earn':
      return ledger.earn(input as Parameters<Ledger['earn']>[0])
    case 'transfer':
      return ledger.transfer(input as Parameters<Ledger['transfer']>[0])
    case 'redeem':
      return ledger.redeem(input as Parameters<Ledger['redeem']>[0])
    case 'post':
      return ledger.post(input as Parameters<Ledger['post']>[0])
    case 'void':
      return ledger.void(input as Parameters<Ledger['void']>[0])
    case 'reverse':
      return ledger.reverse(input as Parameters<Ledger['reverse']>[0])
  }
}

async function attempt<T>(fn: () => Promise<T>, wrap: (r: T) => Actual): Promise<Actual> {
  try {
    return wrap(await fn())
  } catch (e) {
    if (!isLedgerError(e)) throw e
    return { kind: 'thrown', code: e.code, message: e.message }
  }
}

const describeActual = (a: unknown): string =>
  JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Set ? [...(v as Set<unknown>)] : v))

/** Send a request to both, compare outcomes. Returns whether it was refused. */
async function submit(sim: Sim, real: Real, ops: Operation[], mode: 'single' | 'batch'): Promise<Step> {
  const { ledger, tenantId } = real
  const knownBefore = new Set(ops.filter((o) => sim.m.transfer(o.id)).map((o) => o.id))
  const expected: Outcome = sim.m.submit(ops, mode)
  sim.log.push({ ops, mode, committed: expected.kind === 'committed' })
  const op0 = ops[0] as Operation
  const actual =
    mode === 'single'
      ? await attempt(
          () => callSingle(ledger, tenantId, op0),
          (result): Actual => ({ kind: 'single', result }),
        )
      : await attempt(
          () => ledger.batch({ tenantId, operations: ops }),
          (result): Actual => ({ kind: 'batch', result }),
        )
  const what = `${mode} ${JSON.stringify(ops)} → expected ${describeActual(expected)}, got ${describeActual(actual)}`

  switch (expected.kind) {
    case 'thrown':
      expect(actual.kind, what).toBe('thrown')
      if (actual.kind === 'thrown') expect([...expected.codes], what).toContain(actual.code as Code)
      break
    case 'refused': {
      expect(actual.kind, what).toBe('batch')
      if (actual.kind !== 'batch') break
      expect(actual.result.committed, what).toBe(false)
      expect(actual.result.results.length, what).toBe(ops.length)
      actual.result.results.forEach((r, i) => {
        expect(r.ok, what).toBe(false)
        if (r.ok) return
        if (i === expected.index) expect([...expected.codes], what).toContain(r.error.code)
        else expect(r.error.code, what).toBe('LINKED_EVENT_FAILED')
      })
      break
    }
    case 'committed': {
      if (mode === 'single') {
        expect(actual.kind, what).toBe('single')
        const item = expected.items[0]
        if (actual.kind !== 'single' || !item) break
        expect(actual.result.replayed, what).toBe(item.replayed)
        expectTransfer(actual.result.transfer, item.view, item.statuses, what)
      } else {
        expect(actual.kind, what).toBe('batch')
        if (actual.kind !== 'batch') break
        expect(actual.result.committed, what).toBe(true)
        expect(actual.result.results.length, what).toBe(ops.length)
        actual.result.results.forEach((r, i) => {
          const item = expected.items[i]
          expect(r.ok, what).toBe(true)
          if (!r.ok || !item) return
          expect(r.replayed, what).toBe(item.replayed)
          expectTransfer(r.transfer, item.view, item.statuses, `${what} item ${i}`)
        })
      }
      break
    }
  }

  const refused = expected.kind !== 'committed'
  const scope = scopeOf(sim, ops)
  if (refused) {
    // Nothing recorded: the fresh ids are still unknown.
    for (const op of ops) {
      if (knownBefore.has(op.id)) continue
      const got = await attempt(
        () => ledger.getTransfer({ tenantId, transferId: op.id }),
        (t): Actual => ({ kind: 'thrown', code: `FOUND ${t.id}`, message: '' }),
      )
      expect(got.kind === 'thrown' ? got.code : 'returned', `${what}: refused id ${op.id} left no transfer`).toBe('TRANSFER_NOT_FOUND')
    }
  }
  return { refused, scope }
}

/** What a step did: refused (must have changed nothing) and what to read back. */
interface Step {
  refused: boolean
  scope: Scope
}

/** Earned at the start of every run (the rest of the world starts at zero). */
const OPENING: [string, string][] = [
  ['ana:h', '10'],
  ['ben:h', '5.5'],
  ['esc:h', '4'],
  ['org:h', '6.25'],
  ['ana:p', '50'],
  ['ben:p', '20'],
]

const NOTHING: Scope = { accounts: new Set(), transfers: new Set() }

// ------------------------------------------------------------------ commands

class LedgerCommand implements fc.AsyncCommand<Sim, Real, false> {
  /** What this command resolved to when it ran (for assertion messages). */
  private resolved = ''

  constructor(readonly spec: CmdSpec) {}

  check(): boolean {
    return true
  }

  async run(sim: Sim, real: Real): Promise<void> {
    const { refused, scope } = await this.step(sim, real)
    const before = real.snap
    const after = await verify(sim, real, scope, before)
    // A refused request changed nothing: the totals and every balance read the same as before it
    // (and, through the model, so do the histories, transfers and statuses it reached).
    if (refused && before) expect(after, `refused ${this.resolved} changed nothing`).toEqual(before)
    real.snap = after
  }

  /** Whether the step was a refusal (which must leave the ledger unchanged), and what it may have changed. */
  private async step(sim: Sim, real: Real): Promise<Step> {
    const { m } = sim
    const { ledger, tenantId } = real
    const spec = this.spec
    switch (spec.c) {
      case 'op': {
        const op = buildOp(m, spec.op)
        this.resolved = JSON.stringify(op)
        return submit(sim, real, [op], 'single')
      }
      case 'batch': {
        const ops: Operation[] = []
        for (const item of spec.items) ops.push(buildOp(m, item, ops))
        const last = ops[ops.length - 1]
        const first = ops[0]
        if (spec.dupIds && last && first && last !== first) ops[ops.length - 1] = { ...last, id: first.id }
        this.resolved = JSON.stringify(ops)
        return submit(sim, real, ops, 'batch')
      }
      case 'retry': {
        const committed = sim.log.filter((e) => e.committed)
        const pool = spec.committed && committed.length > 0 ? committed : sim.log
        const entry = pool[spec.idx % Math.max(1, pool.length)]
        if (!entry) {
          this.resolved = 'nothing to retry'
          return { refused: false, scope: NOTHING }
        }
        const k = spec.item % entry.ops.length
        let ops = entry.ops
        let mode = entry.mode
        switch (spec.how) {
          case 'same':
            break
          case 'reordered':
            ops = ops.map((o) => reorder(o))
            break
          case 'metadata':
          case 'amount':
            ops = ops.map((o, i) => (i === k ? mutate(o, spec.how === 'amount' ? 'amount' : 'metadata') : o))
            break
          case 'itemAsSingle':
            ops = [ops[k] as Operation]
            mode = 'single'
            break
        }
        this.resolved = `${mode} ${JSON.stringify(ops)}`
        return submit(sim, real, ops, mode)
      }
      case 'status': {
        const id = ACCOUNT_POOL[spec.account % ACCOUNT_POOL.length] as string
        this.resolved = `${id} → ${spec.status}`
        const expected = m.setStatus(id, spec.status)
        const actual = await attempt(
          () => ledger.setAccountStatus({ tenantId, accountId: id, status: spec.status }),
          (a): Actual => ({ kind: 'thrown', code: `OK ${a.status}`, message: '' }),
        )
        const got = actual.kind === 'thrown' ? actual.code : '?'
        if (expected === null) expect(got, `setAccountStatus ${this.resolved}`).toBe(`OK ${spec.status}`)
        else expect([...expected], `setAccountStatus ${this.resolved}: got ${got}`).toContain(got)
        return { refused: expected !== null, scope: { accounts: new Set([id]), transfers: new Set(), statuses: true } }
      }
      case 'limits': {
        const id = ACCOUNT_POOL[spec.account % ACCOUNT_POOL.length] as string
        const prior = m.limitChangeIds()
        const changeId = spec.reuse !== null && prior.length > 0 ? (prior[spec.reuse % prior.length] as string) : m.nextId('limits')
        const input = {
          id: changeId,
          accountId: id,
          ...(spec.floor !== undefined ? { floor: spec.floor } : {}),
          ...(spec.ceiling !== undefined ? { ceiling: spec.ceiling } : {}),
          ...(spec.actor !== undefined ? { actor: spec.actor } : {}),
        }
        this.resolved = `changeLimits ${JSON.stringify(input)}`
        const expected = m.changeLimits(input)
        const actual = await attempt(
          () => ledger.changeLimits({ tenantId, ...input }),
          (r): Actual => ({ kind: 'thrown', code: 'OK', message: JSON.stringify(r) }),
        )
        if (expected instanceof Set) {
          expect(actual.kind === 'thrown' ? [...expected] : [], `${this.resolved}: got ${describeActual(actual)}`).toContain(
            actual.kind === 'thrown' ? actual.code : '?',
          )
          return { refused: true, scope: NOTHING }
        }
        expect(actual.kind === 'thrown' ? actual.code : '?', `${this.resolved}: got ${describeActual(actual)}`).toBe('OK')
        const got = actual.kind === 'thrown' ? (JSON.parse(actual.message) as { change: Record<string, unknown>; replayed: boolean }) : null
        const scale = m.account(expected.change.accountId)?.scale ?? 0
        const fmt = (v: bigint | null) => (v === null ? null : formatMinor(v, scale))
        expect(
          got && { ...got.change, replayed: got.replayed, at: new Date(got.change.at as string).getTime() },
          this.resolved,
        ).toMatchObject({
          id: changeId,
          accountId: expected.change.accountId,
          before: { floor: fmt(expected.change.before.floor), ceiling: fmt(expected.change.before.ceiling) },
          after: { floor: fmt(expected.change.after.floor), ceiling: fmt(expected.change.after.ceiling) },
          at: expected.change.at,
          replayed: expected.replayed,
        })
        return { refused: false, scope: { accounts: new Set([id]), transfers: new Set(), statuses: true, limitsChanged: true } }
      }
      case 'advance':
        m.advance(spec.ms)
        real.clock.ms = m.now
        this.resolved = `+${spec.ms}ms`
        return { refused: false, scope: { accounts: new Set(), transfers: liveHolds(sim) } }
      case 'advanceToExpiry': {
        const holds = m.openHolds().filter((h) => h.expiresAt !== null)
        const h = holds[spec.idx % Math.max(1, holds.length)]
        const target = h?.expiresAt === null || h === undefined ? m.now : h.expiresAt + spec.delta
        if (target > m.now) m.advance(target - m.now)
        real.clock.ms = m.now
        this.resolved = h ? `to ${h.id} expiry ${spec.delta >= 0 ? '+' : ''}${spec.delta}ms` : 'no hold to expire'
        return { refused: false, scope: { accounts: new Set(), transfers: liveHolds(sim) } }
      }
      case 'expire': {
        const live = liveHolds(sim)
        const expected = m.expirePending()
        const released = await ledger.expirePending({ tenantId })
        this.resolved = `expected ${expected}`
        expect(released, 'expirePending count').toBe(expected)
        return { refused: false, scope: { accounts: new Set(), transfers: live } }
      }
      case 'checkAt': {
        const instants = [real.clock.ms - 3 * DAY, ...m.interestingInstants()].map((t) => t + spec.delta).filter((t) => t < m.now)
        const at = instants[spec.idx % Math.max(1, instants.length)]
        this.resolved = at === undefined ? 'no past instant' : new Date(at).toISOString()
        if (at === undefined) return { refused: false, scope: NOTHING }
        for (const id of ALL_ACCOUNT_IDS) {
          const a = m.account(id)
          if (!a) continue
          const fmt = (v: bigint) => formatMinor(v, a.scale)
          // The limits in force then.
          const then = m.limitsAt(id, at)
          const account = await ledger.getAccount({ tenantId, accountId: id, at: new Date(at) })
          expect({ floor: account.floor, ceiling: account.ceiling }, `${id} limits at ${this.resolved}`).toEqual({
            floor: then.floor === null ? null : fmt(then.floor),
            ceiling: then.ceiling === null ? null : fmt(then.ceiling),
          })
          const b = m.balanceAt(id, at)
          const got = await ledger.getBalance({ tenantId, accountId: id, at: new Date(at) })
          expect(
            {
              posted: got.posted,
              pendingDebits: got.pendingDebits,
              pendingCredits: got.pendingCredits,
              available: got.available,
              at: got.at.getTime(),
            },
            `${id} balance at ${this.resolved}`,
          ).toEqual({
            posted: fmt(b.posted),
            pendingDebits: fmt(b.pendingDebits),
            pendingCredits: fmt(b.pendingCredits),
            available: fmt(b.posted - b.pendingDebits),
            at,
          })
        }
        return { refused: false, scope: NOTHING }
      }
      case 'history': {
        const id = ACCOUNT_POOL[spec.account % ACCOUNT_POOL.length] as string
        this.resolved = `${id} by ${spec.limit}`
        const all: Entry[] = []
        let cursor: string | undefined
        for (let page = 0; page < 500; page++) {
          const p = await ledger.getHistory({ tenantId, accountId: id, limit: spec.limit, ...(cursor !== undefined ? { cursor } : {}) })
          expect(p.entries.length, `${id} page size`).toBeLessThanOrEqual(spec.limit)
          all.push(...p.entries)
          if (p.nextCursor === null) break
          cursor = p.nextCursor
        }
        const whole = await ledger.getHistory({ tenantId, accountId: id, limit: 1000 })
        expect(all, `${id} paged history = whole history`).toEqual(whole.entries)
        // A time window [from, to): the model's entries in it, newest first.
        const instants = [m.now - DAY, ...m.interestingInstants(), m.now + 1]
        const from = instants[spec.from % instants.length] as number
        const to = instants[spec.to % instants.length] as number
        const window = await ledger.getHistory({ tenantId, accountId: id, limit: 1000, from: new Date(from), to: new Date(to) })
        const a = m.account(id)
        expect(
          window.entries.map((e) => e.transferId),
          `${id} history from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}`,
        ).toEqual(
          a
            ? [...a.entries]
                .reverse()
                .filter((e) => e.at >= from && e.at < to)
                .map((e) => e.transferId)
            : [],
        )
        return { refused: false, scope: NOTHING }
      }
    }
  }

  toString(): string {
    return JSON.stringify(this.spec)
  }
}

// ------------------------------------------------------------------ suite

describe('ledger model-based property', () => {
  let pg: PGlite
  let db: LedgerDatabase
  let runs = 0

  beforeAll(async () => {
    pg = new PGlite()
    db = drizzle(pg) as unknown as LedgerDatabase
    await migrate(db)
  })

  afterAll(async () => {
    await pg.close()
  })

  async function setup(): Promise<{ model: Sim; real: Real }> {
    runs += 1
    const start = Date.UTC(2031, 0, 1) + runs * DAY
    const clock = { ms: start }
    const ledger = createLedger({ db, clock: () => new Date(clock.ms) })
    const tenantId = `model-${runs}`
    await ledger.createTenant({ id: tenantId, name: `Model run ${runs}` })
    for (const a of WORLD) {
      await ledger.openAccount({
        tenantId,
        id: a.id,
        asset: a.asset,
        owner: a.owner,
        kind: a.kind,
        ...(a.floor !== undefined ? { floor: a.floor } : {}),
        ...(a.ceiling !== undefined ? { ceiling: a.ceiling } : {}),
      })
    }
    const sim: Sim = { m: new LedgerModel(start), log: [] }
    const real: Real = { ledger, tenantId, clock, snap: null }
    // Opening balances, so that most runs can move value from their first command.
    const opening: Operation[] = OPENING.map(([to, amount], i) => ({
      type: 'earn',
      id: `opening-${i}`,
      to,
      amount,
      evidence: { activity: 'opening balance', reviewer: 'staff:li' },
    }))
    await submit(sim, real, opening, 'batch')
    real.snap = await verify(sim, real, { accounts: 'all', transfers: new Set(), statuses: true })
    return { model: sim, real }
  }

  it(
    'agrees with the reference model and keeps every invariant',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.commands([cmdSpecArb.map((s) => new LedgerCommand(s))], { maxCommands: MAX_COMMANDS, size: 'max' }),
          async (cmds) => {
            const initial = await setup()
            await fc.asyncModelRun(() => initial, cmds)
            // Everything, once more, at the end of the run; and every entry chain recomputes.
            await verify(initial.model, initial.real, FULL)
            const { ledger, tenantId } = initial.real
            expect(await ledger.verifyJournal({ tenantId }), 'journal').toMatchObject({ ok: true })
          },
        ),
        { numRuns: NUM_RUNS, ...REPLAY },
      )
    },
    // About 1-2 s a run on PGlite; generous so that deeper runs (LEDGER_MODEL_RUNS) are not cut short.
    Math.max(600_000, NUM_RUNS * 10_000),
  )
})
