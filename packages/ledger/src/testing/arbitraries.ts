/**
 * fast-check arbitraries for the model-based test: operations as plain data
 * ("specs"), valid and invalid, resolved into real ledger requests against the
 * model's current state when a command runs (so references to holds and
 * transfers always point at something that exists, or deliberately not).
 */
import fc from 'fast-check'
import type { Operation } from '../domain/schemas.js'
import {
  ALL_ACCOUNT_IDS,
  type LedgerModel,
  SCALES,
  type Status,
  UNKNOWN_ACCOUNT,
  WORLD,
  amountToMinor,
  formatMinor,
  issuanceOf,
} from './model.js'

// ------------------------------------------------------------------ specs

/** An amount to send, valid or not; `units` are hundredths of an HOUR, tenths of a POINT. */
export type AmountSpec =
  /** Style 0: shortest ("1.5"), 1: all the asset's decimals ("1.50"). */
  | { t: 'units'; units: number; style: 0 | 1 }
  /** Exactly what brings `side` to its floor (from) or ceiling (to), plus `delta` minor units. */
  | { t: 'edge'; side: 'from' | 'to'; delta: -1 | 0 | 1; style: 0 | 1 }
  /** A valid value written with one decimal too many ("1.500" for HOUR, "3.0" for POINT). */
  | { t: 'trailing'; units: number }
  /** One digit more precise than the asset allows. */
  | { t: 'precise'; units: number }
  | { t: 'zero'; zeros: boolean }
  /** Not a plain decimal at all. */
  | { t: 'shape'; text: string }
  /** More than 18 digits, or too large once scaled. */
  | { t: 'huge'; scaled: boolean }

/** For post and reverse: a part of the held / remaining amount, or a plain amount. */
export type PartSpec = { t: 'pct'; pct: number } | { t: 'exact' } | { t: 'over' } | AmountSpec

export type HoldSpec = { pending: false; badTimeout?: number } | { pending: true; timeout?: number }

/** An account: index into ACCOUNT_POOL, or (when `same`) among the accounts of the other side's asset. */
export interface AccountPick {
  same: boolean
  idx: number
}

export type RefSpec =
  | { t: 'open' | 'hold' | 'movement' | 'any'; idx: number }
  | { t: 'unknown' }
  /** An earlier item of the same batch, `back` items before (from the end). */
  | { t: 'batch'; back: number }

export type OpSpec =
  | { op: 'earn'; to: number; amount: AmountSpec; hold: HoldSpec }
  | { op: 'transfer'; from: number; to: AccountPick; amount: AmountSpec; hold: HoldSpec; memo: boolean }
  | { op: 'redeem'; from: number; to: AccountPick; sink: boolean; amount: AmountSpec; hold: HoldSpec }
  | { op: 'post'; ref: RefSpec; amount: PartSpec | null }
  | { op: 'void'; ref: RefSpec }
  | { op: 'reverse'; ref: RefSpec; amount: PartSpec | null }

export type RetryHow = 'same' | 'reordered' | 'metadata' | 'amount' | 'itemAsSingle'

export type CmdSpec =
  | { c: 'op'; op: OpSpec }
  | { c: 'batch'; items: OpSpec[]; dupIds: boolean }
  /** Send an earlier request again (`committed`: one that was applied), as is or changed. */
  | { c: 'retry'; idx: number; how: RetryHow; item: number; committed: boolean }
  | { c: 'status'; account: number; status: Status }
  | { c: 'advance'; ms: number }
  | { c: 'advanceToExpiry'; idx: number; delta: -1 | 0 | 1 }
  | { c: 'expire' }
  | { c: 'checkAt'; idx: number; delta: -1 | 0 | 1 }
  /** Page through an account's history; and read a time window of it (instants picked like checkAt's). */
  | { c: 'history'; account: number; limit: number; from: number; to: number }
  /**
   * Change an account's floor and/or ceiling (undefined keeps one, null removes it); `reuse` sends it
   * under the id of an earlier change (a replay when it is the same change, else a conflict).
   */
  | {
      c: 'limits'
      account: number
      floor: string | null | undefined
      ceiling: string | null | undefined
      actor: string | undefined
      reuse: number | null
    }

/** Accounts commands pick from: the world, then the issuance accounts, then one that does not exist. */
export const ACCOUNT_POOL: readonly string[] = [...ALL_ACCOUNT_IDS, UNKNOWN_ACCOUNT]
const WORLD_COUNT = WORLD.length

// ------------------------------------------------------------------ arbitraries

const style = fc.constantFrom<0 | 1>(0, 1)

/** Amounts: mostly valid (plain or at an account's floor/ceiling edge), some invalid in every way; `invalid` weighs the latter. */
const amountArb = (invalid: number): fc.Arbitrary<AmountSpec> =>
  fc.oneof(
    {
      weight: 80,
      arbitrary: fc.record({
        t: fc.constant('units' as const),
        units: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 3000 })),
        style,
      }),
    },
    {
      weight: 20,
      arbitrary: fc.record({
        t: fc.constant('edge' as const),
        side: fc.constantFrom<'from' | 'to'>('from', 'to'),
        delta: fc.constantFrom<-1 | 0 | 1>(0, 1, -1),
        style,
      }),
    },
    { weight: invalid, arbitrary: fc.record({ t: fc.constant('trailing' as const), units: fc.integer({ min: 1, max: 3000 }) }) },
    { weight: invalid, arbitrary: fc.record({ t: fc.constant('precise' as const), units: fc.integer({ min: 1, max: 3000 }) }) },
    { weight: invalid, arbitrary: fc.record({ t: fc.constant('zero' as const), zeros: fc.boolean() }) },
    {
      weight: invalid,
      arbitrary: fc.record({
        t: fc.constant('shape' as const),
        text: fc.constantFrom('-1', '1e3', '01', '1.', '.5', ' 1', '', '1,5', 'NaN', '+2', '0x10', '1'.repeat(65)),
      }),
    },
    { weight: invalid, arbitrary: fc.record({ t: fc.constant('huge' as const), scaled: fc.boolean() }) },
  )

export const amountSpecArb: fc.Arbitrary<AmountSpec> = amountArb(4)

const partSpecArb: fc.Arbitrary<PartSpec | null> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(null) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('pct' as const), pct: fc.integer({ min: 1, max: 100 }) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'exact' as const }) },
  { weight: 2, arbitrary: fc.constant({ t: 'over' as const }) },
  { weight: 1, arbitrary: amountSpecArb.filter((a) => a.t !== 'units' && a.t !== 'edge') },
)

const holdArb: fc.Arbitrary<HoldSpec> = fc.oneof(
  { weight: 20, arbitrary: fc.constant({ pending: false as const }) },
  { weight: 4, arbitrary: fc.constant({ pending: true as const }) },
  { weight: 8, arbitrary: fc.record({ pending: fc.constant(true as const), timeout: fc.integer({ min: 1, max: 90 }) }) },
  { weight: 1, arbitrary: fc.record({ pending: fc.constant(false as const), badTimeout: fc.integer({ min: 1, max: 90 }) }) },
)

/** Mostly the world's accounts, sometimes issuance or an unknown id. */
const accountIdx = fc.oneof(
  { weight: 15, arbitrary: fc.integer({ min: 0, max: WORLD_COUNT - 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: WORLD_COUNT, max: ACCOUNT_POOL.length - 1 }) },
)
const pickArb: fc.Arbitrary<AccountPick> = fc.record({
  same: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  idx: fc.nat(40),
})

const refArb = (prefer: 'open' | 'hold' | 'movement', inBatch: boolean): fc.Arbitrary<RefSpec> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.record({ t: fc.constant(prefer), idx: fc.nat(40) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constantFrom<'hold' | 'any' | 'movement'>('hold', 'any', 'movement'), idx: fc.nat(40) }) },
    { weight: 1, arbitrary: fc.constant({ t: 'unknown' as const }) },
    { weight: inBatch ? 6 : 0, arbitrary: fc.record({ t: fc.constant('batch' as const), back: fc.nat(3) }) },
  )

export const opSpecArb = (inBatch: boolean): fc.Arbitrary<OpSpec> => {
  // Batch items are mostly valid, so that batches commit as well as fail.
  const amount = inBatch ? amountArb(1) : amountSpecArb
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('earn' as const), to: accountIdx, amount, hold: holdArb }) },
    {
      weight: 6,
      arbitrary: fc.record({
        op: fc.constant('transfer' as const),
        from: accountIdx,
        to: pickArb,
        amount,
        hold: holdArb,
        memo: fc.boolean(),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('redeem' as const),
        from: accountIdx,
        to: pickArb,
        sink: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
        amount,
        hold: holdArb,
      }),
    },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('post' as const), ref: refArb('open', inBatch), amount: partSpecArb }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('void' as const), ref: refArb('open', inBatch) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('reverse' as const), ref: refArb('movement', inBatch), amount: partSpecArb }) },
  )
}

/** A hold or a movement followed by something that resolves or reverses it, in the same batch. */
const chainArb: fc.Arbitrary<OpSpec[]> = fc
  .tuple(
    fc.record({
      op: fc.constant('earn' as const),
      to: fc.integer({ min: 0, max: WORLD_COUNT - 1 }),
      amount: amountSpecArb,
      hold: holdArb,
    }),
    fc.oneof(
      fc.record({ op: fc.constant('post' as const), ref: fc.constant({ t: 'batch' as const, back: 0 }), amount: partSpecArb }),
      fc.record({ op: fc.constant('void' as const), ref: fc.constant({ t: 'batch' as const, back: 0 }) }),
      fc.record({ op: fc.constant('reverse' as const), ref: fc.constant({ t: 'batch' as const, back: 0 }), amount: partSpecArb }),
    ),
    fc.array(opSpecArb(true), { maxLength: 2 }),
  )
  .map(([first, second, rest]) => [first, second, ...rest])

export const cmdSpecArb: fc.Arbitrary<CmdSpec> = fc.oneof(
  { weight: 30, arbitrary: opSpecArb(false).map((op): CmdSpec => ({ c: 'op', op })) },
  {
    weight: 8,
    arbitrary: fc
      .record({
        items: fc.oneof(fc.array(opSpecArb(true), { minLength: 1, maxLength: 5 }), chainArb),
        dupIds: fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      })
      .map((b): CmdSpec => ({ c: 'batch', ...b })),
  },
  {
    weight: 6,
    arbitrary: fc
      .record({
        idx: fc.nat(60),
        how: fc.constantFrom<RetryHow>('same', 'same', 'reordered', 'metadata', 'amount', 'itemAsSingle'),
        item: fc.nat(5),
        committed: fc.boolean(),
      })
      .map((r): CmdSpec => ({ c: 'retry', ...r })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        account: fc.oneof(
          { weight: 10, arbitrary: fc.integer({ min: 0, max: WORLD_COUNT - 1 }) },
          { weight: 1, arbitrary: fc.nat(ACCOUNT_POOL.length - 1) },
        ),
        status: fc.constantFrom<Status>('frozen', 'open', 'open', 'closed'),
      })
      .map((s): CmdSpec => ({ c: 'status', ...s })),
  },
  { weight: 4, arbitrary: fc.constantFrom(1, 999, 1000, 5_000, 30_000, 61_000).map((ms): CmdSpec => ({ c: 'advance', ms })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ idx: fc.nat(20), delta: fc.constantFrom<-1 | 0 | 1>(0, -1, 1) })
      .map((s): CmdSpec => ({ c: 'advanceToExpiry', ...s })),
  },
  { weight: 2, arbitrary: fc.constant<CmdSpec>({ c: 'expire' }) },
  {
    weight: 1,
    arbitrary: fc.record({ idx: fc.nat(60), delta: fc.constantFrom<-1 | 0 | 1>(0, -1, 1) }).map((s): CmdSpec => ({ c: 'checkAt', ...s })),
  },
  {
    weight: 6,
    arbitrary: fc
      .record({
        account: fc.oneof(
          { weight: 10, arbitrary: fc.integer({ min: 0, max: WORLD_COUNT - 1 }) },
          { weight: 1, arbitrary: fc.nat(ACCOUNT_POOL.length - 1) },
        ),
        // Limits near the balances the runs reach, so changes land above, below and on them; some over-precise.
        floor: fc.constantFrom<string | null | undefined>(undefined, undefined, undefined, null, '0', '-5', '3', '8.5', '50', '0.001'),
        ceiling: fc.constantFrom<string | null | undefined>(undefined, null, '0', '5', '12', '20', '60', '1000', '2.5'),
        actor: fc.constantFrom<string | undefined>(undefined, 'staff:li'),
        reuse: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat(20) }),
      })
      .map((s): CmdSpec => ({ c: 'limits', ...s })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        account: fc.integer({ min: 0, max: ACCOUNT_POOL.length - 2 }),
        limit: fc.integer({ min: 1, max: 3 }),
        from: fc.nat(60),
        to: fc.nat(60),
      })
      .map((s): CmdSpec => ({ c: 'history', ...s })),
  },
)

// ------------------------------------------------------------------ resolution

const poolId = (idx: number): string => ACCOUNT_POOL[idx % ACCOUNT_POOL.length] ?? UNKNOWN_ACCOUNT

function pickAccount(model: LedgerModel, pick: AccountPick, other: string): string {
  const asset = model.account(other)?.asset
  if (!pick.same || asset === undefined) return poolId(pick.idx)
  const same = ACCOUNT_POOL.filter((id) => model.account(id)?.asset === asset && id !== other)
  return same[pick.idx % same.length] ?? poolId(pick.idx)
}

const scaleOfAccount = (model: LedgerModel, id: string): number => SCALES[model.account(id)?.asset ?? 'HOUR'] ?? 2

function renderMinor(minor: bigint, scale: number, s: 0 | 1): string {
  const full = formatMinor(minor, scale)
  if (s === 1 || scale === 0) return full
  return full.replace(/0+$/, '').replace(/\.$/, '')
}

const unitsToMinor = (units: number, scale: number): bigint => BigInt(scale >= 2 ? units : Math.max(1, Math.floor(units / 10)))

/** Render an amount spec for an operation between `from` and `to` (either may be unknown). */
export function renderAmount(model: LedgerModel, spec: AmountSpec, from: string, to: string): string {
  const scale = scaleOfAccount(model, from === issuanceOf('HOUR') || from === issuanceOf('POINT') ? to : from)
  switch (spec.t) {
    case 'units':
      return renderMinor(unitsToMinor(spec.units, scale), scale, spec.style)
    case 'edge': {
      const room = spec.side === 'from' ? model.debitHeadroom(from) : model.creditHeadroom(to)
      const base = room ?? model.account(spec.side === 'from' ? from : to)?.posted ?? 0n
      const minor = base + BigInt(spec.delta)
      return renderMinor(minor > 0n ? minor : 1n, scale, spec.style)
    }
    case 'trailing':
      return `${formatMinor(unitsToMinor(spec.units, scale), scale)}${scale === 0 ? '.0' : '0'}`
    case 'precise':
      return `${formatMinor(unitsToMinor(spec.units, scale), scale)}${scale === 0 ? '.5' : '5'}`
    case 'zero':
      return spec.zeros ? `0.${'0'.repeat(Math.max(1, scale))}` : '0'
    case 'shape':
      return spec.text
    case 'huge':
      return spec.scaled ? `1${'0'.repeat(18 - scale)}` : '1234567890123456789'
  }
}

function renderPart(model: LedgerModel, spec: PartSpec, base: bigint, from: string, to: string): string {
  const scale = scaleOfAccount(model, from)
  switch (spec.t) {
    case 'pct': {
      const part = (base * BigInt(spec.pct)) / 100n
      return renderMinor(part > 0n ? part : 1n, scale, 0)
    }
    case 'exact':
      return renderMinor(base > 0n ? base : 1n, scale, 1)
    case 'over':
      return renderMinor(base + 1n, scale, 0)
    default:
      return renderAmount(model, spec, from, to)
  }
}

/** What the model knows of a transfer, or of an earlier op of the batch being built. */
interface RefInfo {
  id: string
  from: string
  to: string
  /** Held amount (post) or what is left to reverse (reverse). */
  base: bigint
}

function resolveRef(model: LedgerModel, ref: RefSpec, built: Operation[], use: 'post' | 'reverse'): RefInfo {
  const known = (list: { id: string; from: string; to: string; amount: bigint; reversed: bigint }[], idx: number): RefInfo | null => {
    const t = list[idx % Math.max(1, list.length)]
    return t ? { id: t.id, from: t.from, to: t.to, base: use === 'reverse' ? t.amount - t.reversed : t.amount } : null
  }
  const unknown: RefInfo = { id: 'missing-1', from: UNKNOWN_ACCOUNT, to: UNKNOWN_ACCOUNT, base: 1n }
  switch (ref.t) {
    case 'unknown':
      return unknown
    case 'open':
      return known(model.openHolds(), ref.idx) ?? known(model.holds(), ref.idx) ?? unknown
    case 'hold':
      return known(model.holds(), ref.idx) ?? unknown
    case 'movement':
      return known(model.movements(), ref.idx) ?? known(model.transfers(), ref.idx) ?? unknown
    case 'any':
      return known(model.transfers(), ref.idx) ?? unknown
    case 'batch': {
      const op = built[built.length - 1 - (ref.back % Math.max(1, built.length))]
      if (!op) return unknown
      if (op.type === 'earn' || op.type === 'transfer' || op.type === 'redeem') {
        const from = op.type === 'earn' ? issuanceOf(model.account(op.to)?.asset ?? 'HOUR') : op.from
        const base = amountToMinor(op.amount, scaleOfAccount(model, op.to)) ?? 1n
        return { id: op.id, from, to: op.to, base }
      }
      const inner = op.type === 'reverse' ? op.transferId : op.pendingId
      const t = model.transfer(inner)
      const base =
        op.type !== 'void' && op.amount !== undefined
          ? (amountToMinor(op.amount, scaleOfAccount(model, t?.from ?? 'x')) ?? 1n)
          : (t?.amount ?? 1n)
      return { id: op.id, from: t?.from ?? UNKNOWN_ACCOUNT, to: t?.to ?? UNKNOWN_ACCOUNT, base }
    }
  }
}

const EVIDENCE = { activity: 'garden help', reviewer: 'staff:li' }

/** Turn an op spec into a request, against the model's current state and the batch built so far. */
export function buildOp(model: LedgerModel, spec: OpSpec, built: Operation[] = []): Operation {
  const id = model.nextId()
  const holdFields = (h: HoldSpec) =>
    h.pending
      ? { pending: true, ...(h.timeout !== undefined ? { timeoutSeconds: h.timeout } : {}) }
      : h.badTimeout !== undefined
        ? { timeoutSeconds: h.badTimeout }
        : {}
  switch (spec.op) {
    case 'earn': {
      const to = poolId(spec.to)
      const from = issuanceOf(model.account(to)?.asset ?? 'HOUR')
      return { type: 'earn', id, to, amount: renderAmount(model, spec.amount, from, to), evidence: EVIDENCE, ...holdFields(spec.hold) }
    }
    case 'transfer': {
      const from = poolId(spec.from)
      const to = pickAccount(model, spec.to, from)
      return {
        type: 'transfer',
        id,
        from,
        to,
        amount: renderAmount(model, spec.amount, from, to),
        ...(spec.memo ? { memo: 'thanks' } : {}),
        ...holdFields(spec.hold),
      }
    }
    case 'redeem': {
      const from = poolId(spec.from)
      const asset = model.account(from)?.asset
      const sinks = ACCOUNT_POOL.filter(
        (id) => model.account(id)?.kind === 'redemption' && model.account(id)?.asset === asset && id !== from,
      )
      const to = spec.sink && sinks.length > 0 ? (sinks[spec.to.idx % sinks.length] as string) : pickAccount(model, spec.to, from)
      return {
        type: 'redeem',
        id,
        from,
        to,
        amount: renderAmount(model, spec.amount, from, to),
        item: { ref: 'lunch' },
        ...holdFields(spec.hold),
      }
    }
    case 'post': {
      const ref = resolveRef(model, spec.ref, built, 'post')
      const amount = spec.amount === null ? undefined : renderPart(model, spec.amount, ref.base, ref.from, ref.to)
      return { type: 'post', id, pendingId: ref.id, ...(amount !== undefined ? { amount } : {}) }
    }
    case 'void':
      return { type: 'void', id, pendingId: resolveRef(model, spec.ref, built, 'post').id }
    case 'reverse': {
      const ref = resolveRef(model, spec.ref, built, 'reverse')
      const amount = spec.amount === null ? undefined : renderPart(model, spec.amount, ref.base, ref.to, ref.from)
      return { type: 'reverse', id, transferId: ref.id, reason: 'entered by mistake', ...(amount !== undefined ? { amount } : {}) }
    }
  }
}

/** A request that differs from `op` (same id): extra metadata, or another amount. */
export function mutate(op: Operation, how: 'metadata' | 'amount'): Operation {
  if (how === 'amount' && 'amount' in op && op.amount !== undefined) {
    const [whole = '0', fraction] = op.amount.split('.')
    let next: string
    try {
      next = `${BigInt(whole) + 1n}${fraction !== undefined ? `.${fraction}` : ''}`
    } catch {
      next = '2'
    }
    return { ...op, amount: next } as Operation
  }
  return { ...op, metadata: { retry: true } }
}

/** The same request with its keys in another order. */
export function reorder<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).reverse()) as T
}
