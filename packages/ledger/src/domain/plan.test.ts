import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { issuanceAccountId } from './accounts.js'
import { type AccountState, type PlanInput, type TransferState, movesFit, planBatch, planMoves } from './plan.js'
import type { Operation } from './schemas.js'

const account = (id: string, over: Partial<AccountState> = {}): AccountState => ({
  id,
  asset: 'HOUR',
  kind: 'member',
  floor: 0n,
  ceiling: null,
  status: 'open',
  sharded: false,
  posted: 0n,
  pendingOut: 0n,
  pendingIn: 0n,
  expiredOut: 0n,
  expiredIn: 0n,
  ...over,
})

const issuance = account(issuanceAccountId('HOUR'), { kind: 'issuance', floor: null, sharded: true })

function input(ops: Operation[], accounts: AccountState[], transfers: TransferState[] = []): PlanInput {
  return {
    ops,
    accounts: new Map([issuance, ...accounts].map((a) => [a.id, a])),
    transfers: new Map(transfers.map((t) => [t.id, t])),
    issuance: new Map([['HOUR', issuance.id]]),
    scales: new Map([['HOUR', 2]]),
    now: new Date('2026-03-01T00:00:00Z'),
  }
}

const evidence = { activity: 'visit', reviewer: 'li' }

describe('planBatch', () => {
  it('plans an earn as two balanced entries, a delta for the sharded issuance account and an absolute balance for the member', () => {
    const r = planBatch(input([{ type: 'earn', id: 'e1', to: 'ana', amount: '1.5', evidence }], [account('ana', { posted: 100n })]))
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.plan.entries).toEqual([
      { transferId: 'e1', accountId: issuance.id, amount: -150n, balanceAfter: null },
      { transferId: 'e1', accountId: 'ana', amount: 150n, balanceAfter: 250n },
    ])
    expect(r.plan.balances).toEqual([
      { accountId: issuance.id, sharded: true, posted: -150n, pendingOut: 0n, pendingIn: 0n },
      { accountId: 'ana', sharded: false, posted: 250n, pendingOut: 0n, pendingIn: 0n },
    ])
  })

  it('counts only unexpired holds against the floor', () => {
    const ana = account('ana', { posted: 500n, pendingOut: 400n, expiredOut: 300n })
    const ok = planBatch(input([{ type: 'transfer', id: 't', from: 'ana', to: 'bo', amount: '4' }], [ana, account('bo')]))
    expect(ok.ok).toBe(true)
    const refused = planBatch(input([{ type: 'transfer', id: 't', from: 'ana', to: 'bo', amount: '4.01' }], [ana, account('bo')]))
    expect(!refused.ok && refused.error.code).toBe('INSUFFICIENT_FUNDS')
  })

  it('reports the index of the first refused item and plans nothing', () => {
    const r = planBatch(
      input(
        [
          { type: 'earn', id: 'e1', to: 'ana', amount: '1', evidence },
          { type: 'transfer', id: 't1', from: 'ana', to: 'bo', amount: '2' },
        ],
        [account('ana'), account('bo')],
      ),
    )
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.index).toBe(1)
    expect(r.error.code).toBe('INSUFFICIENT_FUNDS')
  })

  it('lets a later item post a hold created earlier in the batch', () => {
    const r = planBatch(
      input(
        [
          { type: 'transfer', id: 'h', from: 'ana', to: 'bo', amount: '2', pending: true },
          { type: 'post', id: 'p', pendingId: 'h', amount: '0.5' },
        ],
        [account('ana', { posted: 300n }), account('bo')],
      ),
    )
    expect(r.ok && r.plan.balances).toEqual([
      { accountId: 'ana', sharded: false, posted: 250n, pendingOut: 0n, pendingIn: 0n },
      { accountId: 'bo', sharded: false, posted: 50n, pendingOut: 0n, pendingIn: 0n },
    ])
    expect(r.ok && r.plan.holds).toEqual([{ id: 'h', status: 'posted' }])
  })

  // Random batches over random states: whatever is planned keeps every transfer balanced and every
  // bounded account within its limits; whatever is refused names a real item.
  it('never plans an unbalanced transfer or a balance outside its limits', () => {
    const ids = ['a', 'b', 'c']
    const amount = fc.integer({ min: 1, max: 900 }).map((n) => (n / 100).toFixed(2).replace(/\.00$/, ''))
    const op: fc.Arbitrary<Operation> = fc.oneof(
      fc.record({
        type: fc.constant('earn' as const),
        id: fc.uuid(),
        to: fc.constantFrom(...ids),
        amount,
        evidence: fc.constant(evidence),
      }),
      fc.record({
        type: fc.constant('transfer' as const),
        id: fc.uuid(),
        from: fc.constantFrom(...ids),
        to: fc.constantFrom(...ids),
        amount,
        pending: fc.boolean(),
      }),
    )
    const state = fc.record({
      posted: fc.integer({ min: 0, max: 1000 }),
      ceiling: fc.option(fc.integer({ min: 1000, max: 2000 }), { nil: null }),
    })
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 8 }), fc.tuple(state, state, state), (ops, states) => {
        const accounts = ids.map((id, i) => {
          const s = states[i] as { posted: number; ceiling: number | null }
          return account(id, { posted: BigInt(s.posted), ceiling: s.ceiling === null ? null : BigInt(s.ceiling) })
        })
        const r = planBatch(input(ops, accounts))
        if (!r.ok) {
          expect(r.index).toBeGreaterThanOrEqual(0)
          expect(r.index).toBeLessThan(ops.length)
          return
        }
        const byTransfer = new Map<string, bigint>()
        for (const e of r.plan.entries) byTransfer.set(e.transferId, (byTransfer.get(e.transferId) ?? 0n) + e.amount)
        for (const sum of byTransfer.values()) expect(sum).toBe(0n)
        for (const b of r.plan.balances) {
          if (b.sharded) continue
          const a = accounts.find((x) => x.id === b.accountId) as AccountState
          expect(b.posted - b.pendingOut).toBeGreaterThanOrEqual(a.floor ?? -(2n ** 63n))
          if (a.ceiling !== null) expect(b.posted + b.pendingIn).toBeLessThanOrEqual(a.ceiling)
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe('planMoves', () => {
  // The facts remembered without a lock: no limits (they are read under the lock, see movesFit).
  const facts = (a: AccountState) => ({ id: a.id, asset: a.asset, kind: a.kind, sharded: a.sharded })

  it('leaves holds, references and moves refused on facts alone to planBatch', () => {
    const accounts = new Map(
      [issuance, account('ana'), account('bo'), account('shop', { kind: 'redemption' })].map((a) => [a.id, facts(a)]),
    )
    const base = { accounts, issuance: input([], []).issuance, scales: input([], []).scales, now: new Date() }
    const plan = (...ops: Operation[]) => planMoves({ ...base, ops })
    const ok: Operation = { type: 'transfer', id: 't', from: 'ana', to: 'bo', amount: '1' }
    expect(plan(ok, { type: 'transfer', id: 'h', from: 'ana', to: 'bo', amount: '1', pending: true })).toBeNull()
    expect(plan(ok, { type: 'reverse', id: 'r', transferId: 't', reason: 'typo' })).toBeNull()
    expect(plan({ type: 'transfer', id: 't', from: 'ana', to: 'ana', amount: '1' })).toBeNull()
    expect(plan({ type: 'transfer', id: 't', from: 'ana', to: 'nobody', amount: '1' })).toBeNull()
    expect(plan({ type: 'transfer', id: 't', from: 'ana', to: 'bo', amount: '0.001' })).toBeNull()
    expect(plan({ type: 'earn', id: 'e', to: 'shop', amount: '1', evidence })).toBeNull()
    expect(plan({ type: 'redeem', id: 'r', from: 'ana', to: 'bo', amount: '1', item: { ref: 'tea' } })).toBeNull()
    const planned = plan(ok, { type: 'earn', id: 'e', to: 'bo', amount: '2', evidence })
    expect(planned?.rows.map((r) => [r.id, r.from, r.to, r.amount])).toEqual([
      ['t', 'ana', 'bo', 100n],
      ['e', issuance.id, 'bo', 200n],
    ])
    expect(planned?.accounts).toEqual([
      { id: 'ana', sharded: false },
      { id: 'bo', sharded: false },
      { id: issuance.id, sharded: true },
    ])
  })

  // The one-round-trip write trusts this: whenever the guard holds on the locked rows, the
  // full rules would write exactly the planned transfers and the entries the SQL writes.
  it('plans what planBatch plans whenever the locked state fits the guard', () => {
    const status = fc.constantFrom('open', 'open', 'open', 'open', 'frozen', 'closed') as fc.Arbitrary<AccountState['status']>
    const member = (id: string) =>
      fc
        .record({
          kind: fc.constantFrom('member', 'member', 'organisation', 'escrow', 'redemption') as fc.Arbitrary<AccountState['kind']>,
          status,
          // Small numbers, so moves land exactly on a bound often.
          floor: fc.option(fc.integer({ min: -4, max: 4 }), { nil: null }),
          ceiling: fc.option(fc.integer({ min: 0, max: 16 }), { nil: null }),
          posted: fc.integer({ min: -4, max: 12 }),
          pendingOut: fc.nat(3),
          pendingIn: fc.nat(3),
          expiredOut: fc.constantFrom(0, 0, 0, 1, 2),
          expiredIn: fc.constantFrom(0, 0, 0, 1, 2),
        })
        .map((s) =>
          account(id, {
            kind: s.kind,
            status: s.status,
            floor: s.floor === null ? null : BigInt(s.floor),
            ceiling: s.ceiling === null ? null : BigInt(s.ceiling),
            sharded: s.floor === null && s.ceiling === null,
            posted: BigInt(s.posted),
            pendingOut: BigInt(s.pendingOut),
            pendingIn: BigInt(s.pendingIn),
            // Expired holds are part of the open ones.
            expiredOut: BigInt(Math.min(s.expiredOut, s.pendingOut)),
            expiredIn: BigInt(Math.min(s.expiredIn, s.pendingIn)),
          }),
        )
    const amount = fc.integer({ min: 1, max: 6 }).map((n) => (n / 100).toFixed(2))
    const ids = ['a', 'b', 'c']
    const move = (id: string): fc.Arbitrary<Operation> =>
      fc.oneof(
        fc.record({
          type: fc.constant('earn' as const),
          id: fc.constant(id),
          to: fc.constantFrom(...ids),
          amount,
          evidence: fc.constant(evidence),
        }),
        fc.record({
          type: fc.constant('transfer' as const),
          id: fc.constant(id),
          from: fc.constantFrom(...ids),
          to: fc.constantFrom(...ids),
          amount,
        }),
        fc.record({
          type: fc.constant('redeem' as const),
          id: fc.constant(id),
          from: fc.constantFrom(...ids),
          to: fc.constantFrom(...ids),
          amount,
          item: fc.constant({ ref: 'tea' }),
        }),
      )
    const batch = fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => move(`m${i}`))))
    const issuanceStatus = fc.constantFrom('open', 'open', 'open', 'frozen') as fc.Arbitrary<AccountState['status']>
    let fitted = 0
    fc.assert(
      fc.property(batch, member('a'), member('b'), member('c'), issuanceStatus, (ops, a, b, c, issuing) => {
        const states = new Map([{ ...issuance, status: issuing }, a, b, c].map((x) => [x.id, x]))
        const inp = { ...input(ops, []), accounts: states }
        const moves = planMoves({
          ops,
          accounts: new Map([...states].map(([id, x]) => [id, facts(x)])),
          issuance: inp.issuance,
          scales: inp.scales,
          now: inp.now,
        })
        const entries = moves && movesFit(moves, states)
        if (!moves || !entries) return
        fitted++
        const full = planBatch(inp)
        expect(full.ok).toBe(true)
        if (!full.ok) return
        expect(full.plan.transfers).toEqual(moves.rows)
        expect(full.plan.entries).toEqual(entries)
        expect(full.plan.holds).toEqual([])
      }),
      // About one case in 25 fits the guard: 6,000 runs give ~230, well clear of the bar below (3,000 gave
      // 100-126 and failed now and then).
      { numRuns: 6000 },
    )
    // The property says something only if many cases reached the comparison.
    expect(fitted).toBeGreaterThan(100)
  })
})
