/**
 * An in-memory reference model of the ledger, for the model-based property test
 * (`src/ledger.model.test.ts`).
 *
 * It is written from the ledger's specification, not from `src/domain/plan.ts`:
 * amounts are bigint minor units, holds are transfers with a state, balances are
 * recomputed from the model's own entries. Where the specification does not fix
 * which refusal wins when several apply, the model answers with the *set* of
 * codes that would be correct, and the test accepts any of them. Success is
 * always predicted exactly (amounts, sides, statuses, entries).
 *
 * Decisions taken where the specification is silent (checked against the
 * implementation, see the test's header):
 * - decimals are counted as written: "1.500" for HOUR or "3.0" for POINT has more
 *   decimals than the scale and is INVALID_AMOUNT, though no rounding would be needed;
 * - amounts whose minor-unit integer needs more than 18 digits are INVALID_AMOUNT;
 * - `timeoutSeconds` without `pending` is refused (VALIDATION);
 * - a `void` transfer carries the hold's amount and reads `voided`;
 * - `redeem` draws only from member, organisation or escrow accounts (not issuance, not another sink);
 * - reversing with nothing left to reverse is REVERSAL_EXCEEDS_ORIGINAL;
 * - a batch with an id already used for another request is refused at the first such item;
 * - closing a closed account again is accepted (it stays closed);
 * - a limit change is refused in this order: no limit given or a system account (VALIDATION),
 *   unknown account, more decimals than the asset (INVALID_AMOUNT), its id used for another change
 *   (a replay when the same), closed account, a limit on an account opened with neither (kept in
 *   shards: ACCOUNT_UNBOUNDED), floor above ceiling after the change (VALIDATION);
 * - a limit change holds from its instant on, later moves only: balances and holds already there stay,
 *   and a hold made before it can still be posted.
 */
import type { ErrorCode } from '../domain/errors.js'
import type { Operation } from '../domain/schemas.js'

export type Code = ErrorCode
export type Kind = 'member' | 'organisation' | 'redemption' | 'escrow' | 'issuance'
export type Status = 'open' | 'frozen' | 'closed'
export type HoldState = 'open' | 'posted' | 'voided' | 'expired'
export type TransferStatus = 'posted' | 'pending' | 'voided' | 'expired'

// ------------------------------------------------------------------ world

export const SCALES: Readonly<Record<string, number>> = { HOUR: 2, POINT: 0 }
export const ASSET_CODES = ['HOUR', 'POINT'] as const

export interface WorldAccount {
  id: string
  asset: (typeof ASSET_CODES)[number]
  kind: 'member' | 'organisation' | 'redemption' | 'escrow'
  owner: { type: 'member' | 'organisation' | 'system'; id: string }
  /** Absent: the default ("0", or none for redemption sinks). */
  floor?: string | null
  ceiling?: string | null
}

/** The fixed world every run starts from (besides the two issuance accounts). */
export const WORLD: readonly WorldAccount[] = [
  { id: 'ana:h', asset: 'HOUR', kind: 'member', owner: { type: 'member', id: 'ana' } },
  { id: 'ben:h', asset: 'HOUR', kind: 'member', owner: { type: 'member', id: 'ben' }, ceiling: '20' },
  { id: 'cy:h', asset: 'HOUR', kind: 'member', owner: { type: 'member', id: 'cy' }, floor: '-5' },
  { id: 'org:h', asset: 'HOUR', kind: 'organisation', owner: { type: 'organisation', id: 'org' }, floor: null },
  { id: 'esc:h', asset: 'HOUR', kind: 'escrow', owner: { type: 'organisation', id: 'org' } },
  { id: 'shop:h', asset: 'HOUR', kind: 'redemption', owner: { type: 'organisation', id: 'shop' } },
  { id: 'care:h', asset: 'HOUR', kind: 'redemption', owner: { type: 'organisation', id: 'care' }, floor: '0' },
  { id: 'ana:p', asset: 'POINT', kind: 'member', owner: { type: 'member', id: 'ana' } },
  { id: 'ben:p', asset: 'POINT', kind: 'member', owner: { type: 'member', id: 'ben' }, ceiling: '100' },
  { id: 'shop:p', asset: 'POINT', kind: 'redemption', owner: { type: 'organisation', id: 'shop' }, floor: '0', ceiling: '1000' },
]

export const issuanceOf = (asset: string): string => `sys:issuance:${asset}`
/** Every account id the world has, issuance included. */
export const ALL_ACCOUNT_IDS: readonly string[] = [...WORLD.map((a) => a.id), ...ASSET_CODES.map(issuanceOf)]
/** An id that never names an account. */
export const UNKNOWN_ACCOUNT = 'ghost:h'

// ------------------------------------------------------------------ amounts

const AMOUNT_SHAPE = /^(0|[1-9]\d*)(\.\d+)?$/
const LIMIT_SHAPE = /^-?(0|[1-9]\d*)(\.\d+)?$/
const MINOR_LIMIT = 10n ** 18n

/** The request-level shape of an amount (a schema refusal when wrong). */
export function amountShapeOk(text: string): boolean {
  return text.length <= 64 && AMOUNT_SHAPE.test(text)
}

/** Minor units of a well-shaped, strictly positive amount, or null when the ledger must refuse it (INVALID_AMOUNT). */
export function amountToMinor(text: string, scale: number): bigint | null {
  if (!amountShapeOk(text)) return null
  const [whole = '0', fraction = ''] = text.split('.')
  if (fraction.length > scale) return null
  const minor = BigInt(whole + fraction.padEnd(scale, '0'))
  if (minor <= 0n || minor >= MINOR_LIMIT) return null
  return minor
}

/** Minor units of a signed limit (floor/ceiling) of the world. */
export function limitToMinor(text: string, scale: number): bigint {
  if (!LIMIT_SHAPE.test(text)) throw new Error(`bad limit ${text}`)
  const negative = text.startsWith('-')
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.')
  const value = BigInt(whole + fraction.padEnd(scale, '0').slice(0, scale))
  return negative ? -value : value
}

/** Format minor units with exactly `scale` decimals, as the ledger prints amounts. */
export function formatMinor(minor: bigint, scale: number): string {
  const negative = minor < 0n
  let digits = (negative ? -minor : minor).toString()
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0')
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
  }
  return negative ? `-${digits}` : digits
}

/** Same request = same fields and values whatever their order (undefined fields ignored). */
export function canonicalRequest(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalRequest).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalRequest((value as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return JSON.stringify(value)
}

// ------------------------------------------------------------------ state

export interface ModelEntry {
  transferId: string
  type: Operation['type']
  counterparty: string
  /** Signed: credits positive, debits negative. */
  amount: bigint
  balanceAfter: bigint | null
  at: number
}

export interface ModelAccount {
  id: string
  asset: string
  scale: number
  kind: Kind
  floor: bigint | null
  ceiling: bigint | null
  /** No floor and no ceiling: the ledger keeps no running balance per entry. */
  unbounded: boolean
  status: Status
  posted: bigint
  /** Oldest first. */
  entries: ModelEntry[]
  /** Posted balance after each change: (instant, posted), oldest first. */
  timeline: { at: number; posted: bigint }[]
  /** Limits as opened, then each change's: (instant, floor, ceiling), oldest first. */
  limits: { at: number; floor: bigint | null; ceiling: bigint | null }[]
}

/** A change of an account's limits as requested (decimal strings; undefined keeps a limit, null removes it). */
export interface LimitChangeRequest {
  id: string
  accountId: string
  floor?: string | null
  ceiling?: string | null
  actor?: string
  reason?: string
}

/** A change as kept, limits in minor units. */
export interface ModelLimitChange {
  id: string
  accountId: string
  request: string
  before: { floor: bigint | null; ceiling: bigint | null }
  after: { floor: bigint | null; ceiling: bigint | null }
  at: number
}

export interface ModelTransfer {
  id: string
  type: Operation['type']
  from: string
  to: string
  asset: string
  amount: bigint
  /** A hold (pending: true at creation). */
  pending: boolean
  /** For holds only. */
  hold: HoldState | null
  expiresAt: number | null
  createdAt: number
  /** When a hold stopped holding (post, void, or its expiry once swept). */
  resolvedAt: number | null
  pendingId: string | null
  reversesId: string | null
  /** Total reversed so far. */
  reversed: bigint
  /** Canonical request that created it (idempotency). */
  request: string
  /** Status in the result returned when it was created. */
  initialStatus: TransferStatus
}

interface State {
  accounts: Map<string, ModelAccount>
  transfers: Map<string, ModelTransfer>
  /** Limit changes by id. */
  limitChanges: Map<string, ModelLimitChange>
  /** Transfer ids in creation order. */
  order: string[]
}

/** What the ledger returns for a transfer, with amounts formatted and instants in ms. */
export interface TransferView {
  id: string
  type: Operation['type']
  from: string
  to: string
  asset: string
  amount: string
  status: TransferStatus
  pendingId: string | null
  reversesId: string | null
  expiresAt: number | null
  createdAt: number
}

export type ItemOutcome = {
  view: TransferView
  replayed: boolean
  /** Statuses acceptable in the result (a replay may show the status it had then or has now). */
  statuses: TransferStatus[]
}

export type Outcome =
  /** The whole request is refused before any item is looked at (schema), or a single operation is refused. */
  | { kind: 'thrown'; codes: ReadonlySet<Code> }
  /** A batch is refused: item `index` failed with one of `codes`, the others are LINKED_EVENT_FAILED. */
  | { kind: 'refused'; index: number; codes: ReadonlySet<Code> }
  | { kind: 'committed'; items: ItemOutcome[] }

type Refusal = Set<Code>

export class LedgerModel {
  now: number
  private state: State
  private counter = 0

  constructor(startMs: number) {
    this.now = startMs
    const accounts = new Map<string, ModelAccount>()
    const open = (id: string, asset: string, kind: Kind, floor: bigint | null, ceiling: bigint | null): void => {
      const scale = SCALES[asset]
      if (scale === undefined) throw new Error(`unknown asset ${asset}`)
      accounts.set(id, {
        id,
        asset,
        scale,
        kind,
        floor,
        ceiling,
        unbounded: floor === null && ceiling === null,
        status: 'open',
        posted: 0n,
        entries: [],
        timeline: [],
        limits: [{ at: Number.NEGATIVE_INFINITY, floor, ceiling }],
      })
    }
    for (const code of ASSET_CODES) open(issuanceOf(code), code, 'issuance', null, null)
    for (const a of WORLD) {
      const scale = SCALES[a.asset] ?? 0
      const floorText = a.floor === undefined ? (a.kind === 'redemption' ? null : '0') : a.floor
      const ceilingText = a.ceiling ?? null
      open(
        a.id,
        a.asset,
        a.kind,
        floorText === null ? null : limitToMinor(floorText, scale),
        ceilingText === null ? null : limitToMinor(ceilingText, scale),
      )
    }
    this.state = { accounts, transfers: new Map(), limitChanges: new Map(), order: [] }
  }

  /** A fresh operation id. */
  nextId(prefix = 'op'): string {
    this.counter += 1
    return `${prefix}-${this.counter}`
  }

  // ---------------------------------------------------------------- reads

  account(id: string): ModelAccount | undefined {
    return this.state.accounts.get(id)
  }

  accounts(): ModelAccount[] {
    return [...this.state.accounts.values()]
  }

  transfer(id: string): ModelTransfer | undefined {
    return this.state.transfers.get(id)
  }

  /** Every recorded transfer, oldest first. */
  transfers(): ModelTransfer[] {
    return this.state.order.map((id) => this.state.transfers.get(id) as ModelTransfer)
  }

  holds(): ModelTransfer[] {
    return this.transfers().filter((t) => t.pending)
  }

  /** Holds that still reserve value now. */
  openHolds(): ModelTransfer[] {
    return this.holds().filter((t) => isOpen(t, this.now))
  }

  /** Transfers that moved value (the reversible ones). */
  movements(): ModelTransfer[] {
    return this.transfers().filter((t) => !t.pending && t.type !== 'void')
  }

  pendingDebits(id: string): bigint {
    return pendingSum(this.state, id, 'from', this.now)
  }

  pendingCredits(id: string): bigint {
    return pendingSum(this.state, id, 'to', this.now)
  }

  /** Sum of open holds per asset. */
  pendingByAsset(asset: string): bigint {
    return this.openHolds()
      .filter((t) => t.asset === asset)
      .reduce((s, t) => s + t.amount, 0n)
  }

  /** Posted balances of an asset summed by kind (kinds with an account only). */
  postedByKind(asset: string): Map<string, bigint> {
    const out = new Map<string, bigint>()
    for (const a of this.state.accounts.values()) if (a.asset === asset) out.set(a.kind, (out.get(a.kind) ?? 0n) + a.posted)
    return out
  }

  /** How much more the account could send before reaching its floor (null when it has none). */
  debitHeadroom(id: string): bigint | null {
    const a = this.state.accounts.get(id)
    if (!a || a.floor === null) return null
    return a.posted - this.pendingDebits(id) - a.floor
  }

  /** How much more the account could receive before reaching its ceiling (null when it has none). */
  creditHeadroom(id: string): bigint | null {
    const a = this.state.accounts.get(id)
    if (!a || a.ceiling === null) return null
    return a.ceiling - a.posted - this.pendingCredits(id)
  }

  /** Posted balance and holds of an account as they stood at instant `at`. */
  balanceAt(id: string, at: number): { posted: bigint; pendingDebits: bigint; pendingCredits: bigint } {
    const a = this.state.accounts.get(id)
    if (!a) throw new Error(`no account ${id}`)
    let posted = 0n
    for (const p of a.timeline) if (p.at <= at) posted = p.posted
    let pendingDebits = 0n
    let pendingCredits = 0n
    for (const t of this.state.transfers.values()) {
      if (!t.pending || t.createdAt > at) continue
      if (t.resolvedAt !== null && t.resolvedAt <= at) continue
      if (t.expiresAt !== null && t.expiresAt <= at) continue
      if (t.from === id) pendingDebits += t.amount
      if (t.to === id) pendingCredits += t.amount
    }
    return { posted, pendingDebits, pendingCredits }
  }

  /** The floor and ceiling in force at instant `at` (a change counts from its own instant). */
  limitsAt(id: string, at: number): { floor: bigint | null; ceiling: bigint | null } {
    const a = this.state.accounts.get(id)
    if (!a) throw new Error(`no account ${id}`)
    let found = a.limits[0] as { floor: bigint | null; ceiling: bigint | null }
    for (const l of a.limits) if (l.at <= at) found = l
    return { floor: found.floor, ceiling: found.ceiling }
  }

  /** Ids of the limit changes made so far. */
  limitChangeIds(): string[] {
    return [...this.state.limitChanges.keys()]
  }

  /**
   * `changeLimits`: the change (the original on a replay) or the refusal codes. Applied when accepted.
   */
  changeLimits(c: LimitChangeRequest): { change: ModelLimitChange; replayed: boolean } | Refusal {
    const refuse = (code: Code) => new Set<Code>([code])
    if (c.floor === undefined && c.ceiling === undefined) return refuse('VALIDATION')
    if (c.accountId.startsWith('sys:')) return refuse('VALIDATION')
    const a = this.state.accounts.get(c.accountId)
    if (!a) return refuse('ACCOUNT_NOT_FOUND')
    const minor = (v: string | null | undefined): bigint | null | undefined | 'invalid' => {
      if (v === undefined || v === null) return v
      const fraction = (v.split('.')[1] ?? '').length
      return fraction > a.scale ? 'invalid' : limitToMinor(v, a.scale)
    }
    const floor = minor(c.floor)
    const ceiling = minor(c.ceiling)
    if (floor === 'invalid' || ceiling === 'invalid') return refuse('INVALID_AMOUNT')
    const text = (v: bigint | null | undefined) => (v === undefined ? undefined : v === null ? null : v.toString())
    const request = canonicalRequest({
      accountId: c.accountId,
      floor: text(floor),
      ceiling: text(ceiling),
      actor: c.actor,
      reason: c.reason,
    })
    const prior = this.state.limitChanges.get(c.id)
    if (prior) return prior.request === request ? { change: prior, replayed: true } : refuse('IDEMPOTENCY_CONFLICT')
    if (a.status === 'closed') return refuse('ACCOUNT_CLOSED')
    const after = { floor: floor === undefined ? a.floor : floor, ceiling: ceiling === undefined ? a.ceiling : ceiling }
    if (a.unbounded && (after.floor !== null || after.ceiling !== null)) return refuse('ACCOUNT_UNBOUNDED')
    if (after.floor !== null && after.ceiling !== null && after.floor > after.ceiling) return refuse('VALIDATION')
    const change: ModelLimitChange = {
      id: c.id,
      accountId: c.accountId,
      request,
      before: { floor: a.floor, ceiling: a.ceiling },
      after,
      at: this.now,
    }
    a.floor = after.floor
    a.ceiling = after.ceiling
    a.limits.push({ at: this.now, ...after })
    this.state.limitChanges.set(c.id, change)
    return { change, replayed: false }
  }

  /** Instants worth asking `getBalance({ at })` about: every change and every hold expiry. */
  interestingInstants(): number[] {
    const set = new Set<number>()
    for (const c of this.state.limitChanges.values()) set.add(c.at)
    for (const t of this.state.transfers.values()) {
      set.add(t.createdAt)
      if (t.expiresAt !== null) set.add(t.expiresAt)
      if (t.resolvedAt !== null) set.add(t.resolvedAt)
    }
    return [...set].sort((x, y) => x - y)
  }

  view(t: ModelTransfer): TransferView {
    return viewOf(t, this.now)
  }

  // ---------------------------------------------------------------- writes

  advance(ms: number): void {
    if (ms < 0) throw new Error('the clock only moves forward')
    this.now += ms
  }

  /** `expirePending()`: marks holds whose timeout passed as expired; returns how many. */
  expirePending(): number {
    let count = 0
    for (const t of this.state.transfers.values()) {
      if (t.pending && t.hold === 'open' && t.expiresAt !== null && t.expiresAt <= this.now) {
        t.hold = 'expired'
        t.resolvedAt = t.expiresAt
        count++
      }
    }
    return count
  }

  /** `setAccountStatus`: null on success, else the refusal codes. */
  setStatus(id: string, status: Status): Refusal | null {
    const a = this.state.accounts.get(id)
    if (!a) return new Set<Code>(['ACCOUNT_NOT_FOUND'])
    if (a.status === 'closed') return status === 'closed' ? null : new Set<Code>(['ACCOUNT_CLOSED'])
    if (status === 'closed' && (a.posted !== 0n || this.pendingDebits(id) !== 0n || this.pendingCredits(id) !== 0n)) {
      return new Set<Code>(['ACCOUNT_NOT_EMPTY'])
    }
    a.status = status
    return null
  }

  /**
   * Submit operations, as a single call (`mode: 'single'`) or an atomic batch.
   * Applies them to the model when they are accepted.
   */
  submit(ops: Operation[], mode: 'single' | 'batch'): Outcome {
    const refuse = (index: number, codes: Refusal): Outcome =>
      mode === 'single' ? { kind: 'thrown', codes } : { kind: 'refused', index, codes }

    // Request shape: a malformed amount or duplicate ids refuse the whole request.
    for (const op of ops) {
      const amount = 'amount' in op ? op.amount : undefined
      if (amount !== undefined && !amountShapeOk(amount)) return { kind: 'thrown', codes: new Set<Code>(['VALIDATION']) }
    }
    if (new Set(ops.map((o) => o.id)).size !== ops.length) return { kind: 'thrown', codes: new Set<Code>(['VALIDATION']) }

    // Idempotency: an id used before for another request refuses the whole request.
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as Operation
      const prior = this.state.transfers.get(op.id)
      if (prior && prior.request !== canonicalRequest(op)) return refuse(i, new Set<Code>(['IDEMPOTENCY_CONFLICT']))
    }

    const work = structuredClone(this.state)
    const items: ItemOutcome[] = []
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as Operation
      const prior = this.state.transfers.get(op.id)
      if (prior) {
        const view = viewOf(prior, this.now)
        items.push({ view, replayed: true, statuses: [...new Set([view.status, prior.initialStatus])] })
        continue
      }
      const result = applyOp(work, op, this.now)
      if (result instanceof Set) return refuse(i, result)
      items.push({ view: result, replayed: false, statuses: [result.status] })
    }
    this.state = work
    return { kind: 'committed', items }
  }
}

// ------------------------------------------------------------------ rules

function isOpen(t: ModelTransfer, now: number): boolean {
  return t.pending && t.hold === 'open' && (t.expiresAt === null || now < t.expiresAt)
}

function pendingSum(state: State, id: string, side: 'from' | 'to', now: number): bigint {
  let sum = 0n
  for (const t of state.transfers.values()) if (t[side] === id && isOpen(t, now)) sum += t.amount
  return sum
}

function statusOf(t: ModelTransfer, now: number): TransferStatus {
  if (t.type === 'void') return 'voided'
  if (!t.pending) return 'posted'
  switch (t.hold) {
    case 'posted':
      return 'posted'
    case 'voided':
      return 'voided'
    case 'expired':
      return 'expired'
    default:
      return t.expiresAt !== null && t.expiresAt <= now ? 'expired' : 'pending'
  }
}

function viewOf(t: ModelTransfer, now: number): TransferView {
  const scale = SCALES[t.asset] ?? 0
  return {
    id: t.id,
    type: t.type,
    from: t.from,
    to: t.to,
    asset: t.asset,
    amount: formatMinor(t.amount, scale),
    status: statusOf(t, now),
    pendingId: t.pendingId,
    reversesId: t.reversesId,
    expiresAt: t.expiresAt,
    createdAt: t.createdAt,
  }
}

interface MovementCheck {
  from: ModelAccount
  to: ModelAccount
  /** Null when the amount itself is invalid (limits cannot be checked). */
  amount: bigint | null
  /** Reversals may touch frozen accounts. */
  reversal: boolean
  /** For posting a hold: its own reservation no longer counts. */
  releasing?: ModelTransfer
}

/** Status, floor and ceiling checks of a movement (posted or held). */
function checkMovement(state: State, now: number, m: MovementCheck, errors: Refusal): void {
  for (const side of [m.from, m.to]) {
    if (side.status === 'closed') errors.add('ACCOUNT_CLOSED')
    else if (side.status === 'frozen' && !m.reversal) errors.add('ACCOUNT_FROZEN')
  }
  if (m.amount === null) return
  const released = m.releasing && isOpen(m.releasing, now) ? m.releasing.amount : 0n
  if (m.from.floor !== null) {
    const pd = pendingSum(state, m.from.id, 'from', now) - released
    if (m.from.posted - pd - m.amount < m.from.floor) errors.add('INSUFFICIENT_FUNDS')
  }
  if (m.to.ceiling !== null) {
    const pc = pendingSum(state, m.to.id, 'to', now) - released
    if (m.to.posted + pc + m.amount > m.to.ceiling) errors.add('CEILING_EXCEEDED')
  }
}

function post(state: State, now: number, transfer: ModelTransfer): void {
  const from = state.accounts.get(transfer.from) as ModelAccount
  const to = state.accounts.get(transfer.to) as ModelAccount
  for (const [account, signed, counterparty] of [
    [from, -transfer.amount, to.id],
    [to, transfer.amount, from.id],
  ] as const) {
    account.posted += signed
    account.entries.push({
      transferId: transfer.id,
      type: transfer.type,
      counterparty,
      amount: signed,
      balanceAfter: account.unbounded ? null : account.posted,
      at: now,
    })
    account.timeline.push({ at: now, posted: account.posted })
  }
}

function record(state: State, t: ModelTransfer): void {
  state.transfers.set(t.id, t)
  state.order.push(t.id)
}

type NewTransfer = Omit<ModelTransfer, 'reversed' | 'request' | 'initialStatus' | 'createdAt' | 'resolvedAt'>

/** Apply one fresh operation to `state`: the new transfer's view, or the codes refusing it (state untouched then). */
function applyOp(state: State, op: Operation, now: number): TransferView | Refusal {
  const errors: Refusal = new Set()
  const account = (id: string): ModelAccount | undefined => {
    const a = state.accounts.get(id)
    if (!a) errors.add('ACCOUNT_NOT_FOUND')
    return a
  }

  const finish = (t: NewTransfer, moves: boolean): TransferView | Refusal => {
    if (errors.size > 0) return errors
    const full: ModelTransfer = {
      ...t,
      createdAt: now,
      resolvedAt: null,
      reversed: 0n,
      request: canonicalRequest(op),
      initialStatus: 'posted',
    }
    full.initialStatus = statusOf(full, now)
    record(state, full)
    if (moves) post(state, now, full)
    return viewOf(full, now)
  }

  const holdFields = (pending: boolean | undefined, timeoutSeconds: number | undefined) => {
    if (timeoutSeconds !== undefined && pending !== true) errors.add('VALIDATION')
    const isHold = pending === true
    return {
      pending: isHold,
      hold: isHold ? ('open' as const) : null,
      expiresAt: isHold && timeoutSeconds !== undefined ? now + timeoutSeconds * 1000 : null,
    }
  }

  switch (op.type) {
    case 'earn':
    case 'transfer':
    case 'redeem': {
      let from: ModelAccount | undefined
      const to = account(op.to)
      if (op.type === 'earn') {
        if (!to) return errors
        if (!['member', 'organisation', 'escrow'].includes(to.kind)) errors.add('ACCOUNT_KIND_NOT_ALLOWED')
        from = state.accounts.get(issuanceOf(to.asset))
        if (!from) throw new Error('issuance account missing from the model')
        if (from.id === to.id) errors.add('VALIDATION')
      } else {
        from = account(op.from)
        if (!from || !to) return errors
        if (from.id === to.id) errors.add('VALIDATION')
        // Value enters only by earn and leaves only by redeem: neither side of a transfer is issuance or a sink.
        const circulating = (kind: string) => kind === 'member' || kind === 'organisation' || kind === 'escrow'
        if (!circulating(from.kind)) errors.add('ACCOUNT_KIND_NOT_ALLOWED')
        if (op.type === 'redeem' ? to.kind !== 'redemption' : !circulating(to.kind)) errors.add('ACCOUNT_KIND_NOT_ALLOWED')
      }
      let amount: bigint | null = amountToMinor(op.amount, from.scale)
      if (from.asset !== to.asset) {
        errors.add('ASSET_MISMATCH')
        if (amount === null || amountToMinor(op.amount, to.scale) === null) errors.add('INVALID_AMOUNT')
        amount = null
      } else if (amount === null) errors.add('INVALID_AMOUNT')
      const hold = holdFields(op.pending, op.timeoutSeconds)
      if (from.id !== to.id) checkMovement(state, now, { from, to, amount, reversal: false }, errors)
      return finish(
        {
          id: op.id,
          type: op.type,
          from: from.id,
          to: to.id,
          asset: to.asset,
          amount: amount ?? 0n,
          ...hold,
          pendingId: null,
          reversesId: null,
        },
        !hold.pending,
      )
    }

    case 'post':
    case 'void': {
      const h = state.transfers.get(op.pendingId)
      if (!h || !h.pending) return new Set<Code>(['PENDING_NOT_FOUND'])
      if (h.hold === 'posted' || h.hold === 'voided') return new Set<Code>(['PENDING_ALREADY_RESOLVED'])
      if (!isOpen(h, now)) return new Set<Code>(['PENDING_EXPIRED'])
      const from = state.accounts.get(h.from) as ModelAccount
      const to = state.accounts.get(h.to) as ModelAccount
      let amount: bigint | null = h.amount
      if (op.type === 'post') {
        if (op.amount !== undefined) {
          amount = amountToMinor(op.amount, from.scale)
          if (amount === null) errors.add('INVALID_AMOUNT')
          else if (amount > h.amount) errors.add('PENDING_AMOUNT_EXCEEDED')
        }
        // Statuses only: the hold reserved its room under the limits in force when it was made, and
        // keeps it when they change since (posting never needs more room than the hold held).
        checkMovement(state, now, { from, to, amount: null, reversal: false, releasing: h }, errors)
      } else {
        // Releasing a hold moves nothing: no status or limit checks beyond the hold's own.
        for (const side of [from, to]) if (side.status === 'closed') errors.add('ACCOUNT_CLOSED')
      }
      if (errors.size > 0) return errors
      h.hold = op.type === 'post' ? 'posted' : 'voided'
      h.resolvedAt = now
      return finish(
        {
          id: op.id,
          type: op.type,
          from: h.from,
          to: h.to,
          asset: h.asset,
          amount: op.type === 'post' ? (amount as bigint) : h.amount,
          pending: false,
          hold: null,
          expiresAt: null,
          pendingId: h.id,
          reversesId: null,
        },
        op.type === 'post',
      )
    }

    case 'reverse': {
      const o = state.transfers.get(op.transferId)
      if (!o) return new Set<Code>(['TRANSFER_NOT_FOUND'])
      if (o.pending || o.type === 'void') return new Set<Code>(['NOT_REVERSIBLE'])
      const from = state.accounts.get(o.to) as ModelAccount
      const to = state.accounts.get(o.from) as ModelAccount
      const remaining = o.amount - o.reversed
      let amount: bigint | null = remaining
      if (op.amount !== undefined) {
        amount = amountToMinor(op.amount, from.scale)
        if (amount === null) errors.add('INVALID_AMOUNT')
      }
      if (remaining === 0n || (amount !== null && amount > remaining)) errors.add('REVERSAL_EXCEEDS_ORIGINAL')
      checkMovement(state, now, { from, to, amount, reversal: true }, errors)
      if (errors.size > 0) return errors
      o.reversed += amount as bigint
      return finish(
        {
          id: op.id,
          type: 'reverse',
          from: from.id,
          to: to.id,
          asset: o.asset,
          amount: amount as bigint,
          pending: false,
          hold: null,
          expiresAt: null,
          pendingId: null,
          reversesId: o.id,
        },
        true,
      )
    }
  }
}
