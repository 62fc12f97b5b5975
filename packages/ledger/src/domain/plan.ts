/**
 * The ledger's rules as one pure function: given the locked state of the
 * accounts and transfers an atomic batch touches, decide every row it writes,
 * or refuse it. No SQL here; storage loads the state and persists the plan.
 *
 * @example
 * const plan = planBatch({ ops, accounts, transfers, issuance, scales, now })
 * if (!plan.ok) throw plan.error
 */
import { formatAmount, parseAmount } from './amount.js'
import { movementRefusal } from './accounts.js'
import { ErrorCode, LedgerError } from './errors.js'
import type { Operation } from './schemas.js'
import type { AccountKind, AccountStatus } from './schemas.js'
import type { Transfer, TransferStatus } from './types.js'

const INT8_MAX = 9223372036854775807n
const INT8_MIN = -9223372036854775808n

/** An account as locked for writing, with its balances in minor units. */
export interface AccountState {
  id: string
  asset: string
  kind: AccountKind
  floor: bigint | null
  ceiling: bigint | null
  status: AccountStatus
  /**
   * Unbounded accounts (no floor, no ceiling) keep their balance split over
   * several rows so concurrent writers do not queue; posted/pending are then
   * unknown here and only deltas are written.
   */
  sharded: boolean
  posted: bigint
  pendingOut: bigint
  pendingIn: bigint
  /** Open holds past their timeout, not yet swept: they no longer reserve anything. */
  expiredOut: bigint
  expiredIn: bigint
}

/** A stored transfer the batch refers to (a hold to post/void, an original to reverse). */
export interface TransferState {
  id: string
  type: Operation['type']
  from: string
  to: string
  asset: string
  amount: bigint
  /** True for holds (created with `pending`). */
  pending: boolean
  status: TransferStatus
  expiresAt: Date | null
  /** Sum already reversed. */
  reversed: bigint
}

export interface NewTransferRow {
  id: string
  type: Operation['type']
  from: string
  to: string
  asset: string
  amount: bigint
  pending: boolean
  status: TransferStatus
  pendingId: string | null
  reversesId: string | null
  expiresAt: Date | null
  metadata: Record<string, unknown>
}

export interface EntryRow {
  transferId: string
  accountId: string
  amount: bigint
  balanceAfter: bigint | null
}

export interface BalanceWrite {
  accountId: string
  sharded: boolean
  /** Absolute values for unsharded accounts, deltas for sharded ones. */
  posted: bigint
  pendingOut: bigint
  pendingIn: bigint
}

export interface HoldResolution {
  id: string
  status: Exclude<TransferStatus, 'pending'>
}

export interface Plan {
  transfers: NewTransferRow[]
  entries: EntryRow[]
  balances: BalanceWrite[]
  holds: HoldResolution[]
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; index: number; error: LedgerError }

export interface PlanInput {
  ops: readonly Operation[]
  /** Every account the ops name (missing ones are reported ACCOUNT_NOT_FOUND). */
  accounts: ReadonlyMap<string, AccountState>
  /** Every stored transfer the ops name. */
  transfers: ReadonlyMap<string, TransferState>
  /** Issuance account id per asset code. */
  issuance: ReadonlyMap<string, string>
  /** Decimal places per asset code. */
  scales: ReadonlyMap<string, number>
  now: Date
}

/** A hold past its timeout: expired whether or not the sweep has marked it yet, so both read the same. */
export function holdExpired(h: { status: TransferStatus; expiresAt: Date | null }, now: Date): boolean {
  return h.status === 'expired' || (h.status === 'pending' && h.expiresAt !== null && h.expiresAt.getTime() <= now.getTime())
}

const fail = (code: ErrorCode, message: string, details?: Record<string, unknown>) => new LedgerError(code, message, details)

/**
 * A fresh AccountState from an account's facts and balances, written out field
 * by field: a spread of objects holding bigints is ~30x slower in V8, and
 * planning copies every account of a batch.
 */
function stateOf(f: AccountFacts, b: LockedState): AccountState {
  return {
    id: f.id,
    asset: f.asset,
    kind: f.kind,
    floor: b.floor,
    ceiling: b.ceiling,
    sharded: f.sharded,
    status: b.status,
    posted: b.posted,
    pendingOut: b.pendingOut,
    pendingIn: b.pendingIn,
    expiredOut: b.expiredOut,
    expiredIn: b.expiredIn,
  }
}

const OPEN_AND_EMPTY = {
  status: 'open',
  floor: null,
  ceiling: null,
  posted: 0n,
  pendingOut: 0n,
  pendingIn: 0n,
  expiredOut: 0n,
  expiredIn: 0n,
} as const

/** Apply the ops in order to copies of the state; all or nothing. */
export function planBatch(input: PlanInput): PlanResult {
  const accounts = new Map<string, AccountState>()
  for (const [id, a] of input.accounts) accounts.set(id, stateOf(a, a))
  const deltas = new Map<string, BalanceWrite>()
  const transfers = new Map<string, TransferState>(input.transfers)
  const plan: Plan = { transfers: [], entries: [], balances: [], holds: [] }
  const { now } = input

  const account = (id: string): AccountState => {
    const a = accounts.get(id)
    if (!a) throw fail(ErrorCode.ACCOUNT_NOT_FOUND, `account ${id} not found`, { accountId: id })
    return a
  }
  const scaleOf = (asset: string): number => {
    const s = input.scales.get(asset)
    if (s === undefined) throw fail(ErrorCode.ASSET_NOT_FOUND, `asset ${asset} not found`, { asset })
    return s
  }
  const touch = (a: AccountState): BalanceWrite => {
    let w = deltas.get(a.id)
    if (!w) {
      w = { accountId: a.id, sharded: a.sharded, posted: 0n, pendingOut: 0n, pendingIn: 0n }
      deltas.set(a.id, w)
    }
    return w
  }
  const change = (a: AccountState, field: 'posted' | 'pendingOut' | 'pendingIn', by: bigint) => {
    const next = a[field] + by
    if (!a.sharded && (next > INT8_MAX || next < INT8_MIN)) {
      throw fail(ErrorCode.BALANCE_OVERFLOW, `balance of ${a.id} would overflow`, { accountId: a.id })
    }
    a[field] = next
    touch(a)[field] += by
  }
  const usable = (a: AccountState, action: 'send' | 'receive' | 'correct') => {
    if (a.status === 'closed') throw fail(ErrorCode.ACCOUNT_CLOSED, `account ${a.id} is closed`, { accountId: a.id })
    if (a.status === 'frozen' && action !== 'correct') {
      throw fail(ErrorCode.ACCOUNT_FROZEN, `account ${a.id} is frozen`, { accountId: a.id })
    }
  }
  const entry = (transferId: string, a: AccountState, amount: bigint) => {
    change(a, 'posted', amount)
    plan.entries.push({ transferId, accountId: a.id, amount, balanceAfter: a.sharded ? null : a.posted })
  }

  const allowed = (type: 'earn' | 'transfer' | 'redeem', from: AccountState, to: AccountState) => {
    const refusal = movementRefusal(type, from, to)
    if (refusal) throw refusal
  }

  /** Debit `from`, credit `to`: checks status, asset, floor and ceiling; holds or posts. */
  const move = (
    op: { id: string; type: Operation['type']; metadata: Record<string, unknown> },
    from: AccountState,
    to: AccountState,
    amountText: string,
    opts: { pending?: boolean | undefined; timeoutSeconds?: number | undefined; reversesId?: string; correction?: boolean },
  ): NewTransferRow => {
    if (from.id === to.id) throw fail(ErrorCode.VALIDATION, 'from and to must be different accounts', { accountId: from.id })
    if (from.asset !== to.asset) {
      throw fail(ErrorCode.ASSET_MISMATCH, `${from.id} holds ${from.asset} but ${to.id} holds ${to.asset}`, {
        from: from.asset,
        to: to.asset,
      })
    }
    usable(from, opts.correction ? 'correct' : 'send')
    usable(to, opts.correction ? 'correct' : 'receive')
    const amount = parseAmount(amountText, scaleOf(from.asset))
    if (opts.timeoutSeconds !== undefined && !opts.pending) {
      throw fail(ErrorCode.VALIDATION, 'timeoutSeconds only applies to pending transfers')
    }
    if (!from.sharded && from.floor !== null) {
      const available = from.posted - (from.pendingOut - from.expiredOut)
      if (available - amount < from.floor) {
        const scale = scaleOf(from.asset)
        throw fail(ErrorCode.INSUFFICIENT_FUNDS, `${from.id} has ${formatAmount(available, scale)} available`, {
          accountId: from.id,
          available: formatAmount(available, scale),
          floor: formatAmount(from.floor, scale),
        })
      }
    }
    if (!to.sharded && to.ceiling !== null) {
      const reserved = to.posted + (to.pendingIn - to.expiredIn)
      if (reserved + amount > to.ceiling) {
        const scale = scaleOf(to.asset)
        throw fail(ErrorCode.CEILING_EXCEEDED, `${to.id} would exceed its ceiling of ${formatAmount(to.ceiling, scale)}`, {
          accountId: to.id,
          ceiling: formatAmount(to.ceiling, scale),
          reserved: formatAmount(reserved, scale),
        })
      }
    }
    const pending = opts.pending === true
    const row: NewTransferRow = {
      id: op.id,
      type: op.type,
      from: from.id,
      to: to.id,
      asset: from.asset,
      amount,
      pending,
      status: pending ? 'pending' : 'posted',
      pendingId: null,
      reversesId: opts.reversesId ?? null,
      expiresAt: pending && opts.timeoutSeconds !== undefined ? new Date(now.getTime() + opts.timeoutSeconds * 1000) : null,
      metadata: op.metadata,
    }
    if (pending) {
      change(from, 'pendingOut', amount)
      change(to, 'pendingIn', amount)
    } else {
      entry(op.id, from, -amount)
      entry(op.id, to, amount)
    }
    return row
  }

  const hold = (pendingId: string): TransferState => {
    const h = transfers.get(pendingId)
    if (!h || !h.pending) throw fail(ErrorCode.PENDING_NOT_FOUND, `no pending transfer ${pendingId}`, { pendingId })
    const expired = holdExpired(h, now)
    if (h.status !== 'pending' && !expired) {
      throw fail(ErrorCode.PENDING_ALREADY_RESOLVED, `pending transfer ${pendingId} is already ${h.status}`, {
        pendingId,
        status: h.status,
      })
    }
    if (expired) {
      const at = h.expiresAt?.toISOString() ?? null
      throw fail(ErrorCode.PENDING_EXPIRED, `pending transfer ${pendingId} expired${at ? ` at ${at}` : ''}`, { pendingId, expiresAt: at })
    }
    return h
  }

  const release = (h: TransferState, status: 'posted' | 'voided') => {
    change(account(h.from), 'pendingOut', -h.amount)
    change(account(h.to), 'pendingIn', -h.amount)
    transfers.set(h.id, { ...h, status })
    plan.holds.push({ id: h.id, status })
  }

  const apply = (op: Operation): NewTransferRow => {
    const metadata = { ...(op.metadata ?? {}) }
    switch (op.type) {
      case 'earn': {
        const to = account(op.to)
        const source = input.issuance.get(to.asset)
        if (source === undefined) throw fail(ErrorCode.ASSET_NOT_FOUND, `asset ${to.asset} has no issuance account`)
        const from = account(source)
        allowed(op.type, from, to)
        metadata.evidence = op.evidence
        return move({ id: op.id, type: op.type, metadata }, from, to, op.amount, op)
      }
      case 'transfer': {
        const from = account(op.from)
        const to = account(op.to)
        allowed(op.type, from, to)
        if (op.memo !== undefined) metadata.memo = op.memo
        return move({ id: op.id, type: op.type, metadata }, from, to, op.amount, op)
      }
      case 'redeem': {
        const from = account(op.from)
        const to = account(op.to)
        allowed(op.type, from, to)
        metadata.item = op.item
        return move({ id: op.id, type: op.type, metadata }, from, to, op.amount, op)
      }
      case 'reverse': {
        const original = transfers.get(op.transferId)
        if (!original) throw fail(ErrorCode.TRANSFER_NOT_FOUND, `no transfer ${op.transferId}`, { transferId: op.transferId })
        if (original.pending || original.type === 'void') {
          throw fail(
            ErrorCode.NOT_REVERSIBLE,
            original.pending
              ? `${op.transferId} is a hold: void it, or reverse the transfer that posted it`
              : `${op.transferId} moved no value`,
            { transferId: op.transferId },
          )
        }
        const scale = scaleOf(original.asset)
        const remaining = original.amount - original.reversed
        const amountText = op.amount ?? formatAmount(remaining, scale)
        const amount = remaining > 0n ? parseAmount(amountText, scale) : 0n
        if (remaining === 0n || amount > remaining) {
          throw fail(ErrorCode.REVERSAL_EXCEEDS_ORIGINAL, `only ${formatAmount(remaining, scale)} of ${op.transferId} is left to reverse`, {
            transferId: op.transferId,
            remaining: formatAmount(remaining, scale),
          })
        }
        metadata.reason = op.reason
        const row = move({ id: op.id, type: op.type, metadata }, account(original.to), account(original.from), amountText, {
          reversesId: original.id,
          correction: true,
        })
        transfers.set(original.id, { ...original, reversed: original.reversed + amount })
        return row
      }
      case 'post': {
        const h = hold(op.pendingId)
        const from = account(h.from)
        const to = account(h.to)
        usable(from, 'send')
        usable(to, 'receive')
        const scale = scaleOf(h.asset)
        const amount = op.amount === undefined ? h.amount : parseAmount(op.amount, scale)
        if (amount > h.amount) {
          throw fail(ErrorCode.PENDING_AMOUNT_EXCEEDED, `cannot post more than the ${formatAmount(h.amount, scale)} held`, {
            pendingId: h.id,
            held: formatAmount(h.amount, scale),
          })
        }
        release(h, 'posted')
        entry(op.id, from, -amount)
        entry(op.id, to, amount)
        return {
          id: op.id,
          type: 'post',
          from: h.from,
          to: h.to,
          asset: h.asset,
          amount,
          pending: false,
          status: 'posted',
          pendingId: h.id,
          reversesId: null,
          expiresAt: null,
          metadata,
        }
      }
      case 'void': {
        const h = hold(op.pendingId)
        release(h, 'voided')
        return {
          id: op.id,
          type: 'void',
          from: h.from,
          to: h.to,
          asset: h.asset,
          amount: h.amount,
          pending: false,
          status: 'voided',
          pendingId: h.id,
          reversesId: null,
          expiresAt: null,
          metadata,
        }
      }
    }
  }

  for (let i = 0; i < input.ops.length; i++) {
    const op = input.ops[i] as Operation
    try {
      const row = apply(op)
      plan.transfers.push(row)
      // Later ops in the same batch may post, void or reverse this one.
      transfers.set(row.id, {
        id: row.id,
        type: row.type,
        from: row.from,
        to: row.to,
        asset: row.asset,
        amount: row.amount,
        pending: row.pending,
        status: row.status,
        expiresAt: row.expiresAt,
        reversed: 0n,
      })
    } catch (e) {
      if (e instanceof LedgerError) return { ok: false, index: i, error: e }
      throw e
    }
  }
  for (const w of deltas.values()) {
    if (w.sharded) {
      plan.balances.push(w)
    } else {
      const a = accounts.get(w.accountId) as AccountState
      plan.balances.push({ accountId: a.id, sharded: false, posted: a.posted, pendingOut: a.pendingOut, pendingIn: a.pendingIn })
    }
  }
  return { ok: true, plan }
}

/** The public view of a planned or stored transfer. */
export function toTransfer(tenantId: string, row: NewTransferRow, scale: number, createdAt: Date): Transfer {
  return {
    tenantId,
    id: row.id,
    type: row.type,
    from: row.from,
    to: row.to,
    asset: row.asset,
    amount: formatAmount(row.amount, scale),
    status: row.status,
    pendingId: row.pendingId,
    reversesId: row.reversesId,
    expiresAt: row.expiresAt,
    metadata: row.metadata,
    createdAt,
  }
}

/** What a plain move needs to know of an account without locking it: the facts that never change. */
export type AccountFacts = Pick<AccountState, 'id' | 'asset' | 'kind' | 'sharded'>

/**
 * What is read of an account under its lock: status, balances, and the limits in force
 * (they can change, see changeLimits, so they are never taken from memory).
 */
export type LockedState = Pick<
  AccountState,
  'status' | 'floor' | 'ceiling' | 'posted' | 'pendingOut' | 'pendingIn' | 'expiredOut' | 'expiredIn'
>

/**
 * Plain earns, transfers and redemptions planned before any lock, for storage
 * that can lock, check and write them in one step. The guard storage must find
 * on the locked rows to write them: every account open, and after each move in
 * order, each bounded account's posted balance minus every open hold out of it
 * at or above its `floor`, plus every open hold into it at or below its
 * `ceiling` (expired holds counted too: they can only free more). When the
 * guard holds, planBatch would write exactly these transfers (see movesFit and
 * its property test); when it does not, storage must take the full path.
 */
export interface PlannedMoves {
  /** The transfers, in order. */
  rows: NewTransferRow[]
  /** Every account the moves touch, once, in order of first use. (Their limits are read under the lock.) */
  accounts: { id: string; sharded: boolean }[]
}

/** An earn, transfer or redeem that posts at once: no hold, no reference to another transfer. */
export function isPlainMove(op: Operation): op is Extract<Operation, { type: 'earn' | 'transfer' | 'redeem' }> {
  return (op.type === 'earn' || op.type === 'transfer' || op.type === 'redeem') && op.pending !== true && op.timeoutSeconds === undefined
}

/**
 * Plan `ops` as plain moves, or return null when any is something else (a hold,
 * a reference to another transfer) or the batch is refused on facts alone:
 * planBatch then decides it with the locked state, and gives the refusal its
 * precise error.
 */
export function planMoves(input: {
  ops: readonly Operation[]
  accounts: ReadonlyMap<string, AccountFacts>
  issuance: ReadonlyMap<string, string>
  scales: ReadonlyMap<string, number>
  now: Date
}): PlannedMoves | null {
  if (!input.ops.every(isPlainMove)) return null
  // The same rules, on accounts assumed open and unbounded: only the balance checks are left to the guard.
  const assumed = new Map<string, AccountState>()
  for (const [id, a] of input.accounts) {
    const state = stateOf(a, OPEN_AND_EMPTY)
    state.sharded = true
    assumed.set(id, state)
  }
  const planned = planBatch({
    ops: input.ops,
    accounts: assumed,
    transfers: new Map(),
    issuance: input.issuance,
    scales: input.scales,
    now: input.now,
  })
  if (!planned.ok) return null
  const accounts: PlannedMoves['accounts'] = []
  const seen = new Set<string>()
  for (const row of planned.plan.transfers) {
    for (const id of [row.from, row.to]) {
      const a = input.accounts.get(id)
      if (!a) return null
      if (seen.has(id)) continue
      seen.add(id)
      accounts.push({ id, sharded: a.sharded })
    }
  }
  return { rows: planned.plan.transfers, accounts }
}

/**
 * The guard of planned moves on locked state, as storage checks it in SQL,
 * stated here for the property test: the entries it would write when it holds
 * (each move's debit then credit, with running balances on unsharded
 * accounts), or null when it does not.
 */
export function movesFit(moves: PlannedMoves, states: ReadonlyMap<string, AccountState>): EntryRow[] | null {
  const posted = new Map<string, bigint>()
  for (const a of moves.accounts) {
    const s = states.get(a.id)
    if (!s || s.status !== 'open') return null
    posted.set(a.id, s.posted)
  }
  const entries: EntryRow[] = []
  for (const row of moves.rows) {
    const from = states.get(row.from) as AccountState
    const to = states.get(row.to) as AccountState
    const fromAfter = (posted.get(row.from) as bigint) - row.amount
    const toAfter = (posted.get(row.to) as bigint) + row.amount
    posted.set(row.from, fromAfter)
    posted.set(row.to, toAfter)
    // The limits as locked; a sharded account has none.
    const floor = from.sharded ? null : from.floor
    const ceiling = to.sharded ? null : to.ceiling
    if (floor !== null && fromAfter - from.pendingOut < floor) return null
    if (ceiling !== null && toAfter + to.pendingIn > ceiling) return null
    entries.push({ transferId: row.id, accountId: row.from, amount: -row.amount, balanceAfter: from.sharded ? null : fromAfter })
    entries.push({ transferId: row.id, accountId: row.to, amount: row.amount, balanceAfter: to.sharded ? null : toAfter })
  }
  return entries
}
