import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type AccountState, type PlanInput, type TransferState, issuanceAccountId, moveFits, planBatch, planMove } from './plan.js'
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
      fc.record({ type: fc.constant('earn' as const), id: fc.uuid(), to: fc.constantFrom(...ids), amount, evidence: fc.constant(evidence) }),
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

describe('planMove', () => {
  const facts = (a: AccountState) => ({ id: a.id, asset: a.asset, kind: a.kind, floor: a.floor, ceiling: a.ceiling, sharded: a.sharded })

  it('leaves holds, references and moves refused on facts alone to planBatch', () => {
    const accounts = new Map([issuance, account('ana'), account('bo'), account('shop', { kind: 'redemption' })].map((a) => [a.id, facts(a)]))
    const base = { accounts, issuance: input([], []).issuance, scales: input([], []).scales, now: new Date() }
    const plan = (op: Operation) => planMove({ ...base, op })
    expect(plan({ type: 'transfer', id: 't', from: 'ana', to: 'bo', amount: '1', pending: true })).toBeNull()
    expect(plan({ type: 'reverse', id: 'r', transferId: 't', reason: 'typo' })).toBeNull()
    expect(plan({ type: 'transfer', id: 't', from: 'ana', to: 'ana', amount: '1' })).toBeNull()
    expect(plan({ type: 'transfer', id: 't', from: 'ana', to: 'nobody', amount: '1' })).toBeNull()
    expect(plan({ type: 'transfer', id: 't', from: 'ana', to: 'bo', amount: '0.001' })).toBeNull()
    expect(plan({ type: 'earn', id: 'e', to: 'shop', amount: '1', evidence })).toBeNull()
    expect(plan({ type: 'redeem', id: 'r', from: 'ana', to: 'bo', amount: '1', item: { ref: 'tea' } })).toBeNull()
    expect(plan({ type: 'transfer', id: 't', from: 'ana', to: 'bo', amount: '1' })?.row.amount).toBe(100n)
  })

  // The one-round-trip write trusts this: whenever the guard holds on the locked rows,
  // the full rules would write exactly the planned transfer and the entries the SQL writes.
  it('plans what planBatch plans whenever the locked state fits the guard', () => {
    const status = fc.constantFrom('open', 'open', 'open', 'open', 'frozen', 'closed') as fc.Arbitrary<AccountState['status']>
    const member = (id: string) =>
      fc
        .record({
          kind: fc.constantFrom('member', 'member', 'organisation', 'escrow', 'redemption') as fc.Arbitrary<AccountState['kind']>,
          status,
          floor: fc.option(fc.integer({ min: -500, max: 500 }), { nil: null }),
          ceiling: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: null }),
          posted: fc.integer({ min: -1000, max: 2000 }),
          pendingOut: fc.nat(500),
          pendingIn: fc.nat(500),
          expiredOut: fc.nat(500),
          expiredIn: fc.nat(500),
        })
        .map((s) => {
          const sharded = s.floor === null && s.ceiling === null
          return account(id, {
            kind: s.kind,
            status: s.status,
            floor: s.floor === null ? null : BigInt(s.floor),
            ceiling: s.ceiling === null ? null : BigInt(s.ceiling),
            sharded,
            posted: BigInt(s.posted),
            pendingOut: BigInt(s.pendingOut),
            pendingIn: BigInt(s.pendingIn),
            // Expired holds are part of the open ones.
            expiredOut: BigInt(Math.min(s.expiredOut, s.pendingOut)),
            expiredIn: BigInt(Math.min(s.expiredIn, s.pendingIn)),
          })
        })
    const amount = fc.integer({ min: 1, max: 1500 }).map((n) => (n / 100).toString())
    const ids = ['a', 'b']
    const op: fc.Arbitrary<Operation> = fc.oneof(
      fc.record({ type: fc.constant('earn' as const), id: fc.constant('m'), to: fc.constantFrom(...ids), amount, evidence: fc.constant(evidence) }),
      fc.record({ type: fc.constant('transfer' as const), id: fc.constant('m'), from: fc.constantFrom(...ids), to: fc.constantFrom(...ids), amount }),
      fc.record({ type: fc.constant('redeem' as const), id: fc.constant('m'), from: fc.constantFrom(...ids), to: fc.constantFrom(...ids), amount, item: fc.constant({ ref: 'tea' }) }),
    )
    let fitted = 0
    fc.assert(
      fc.property(op, member('a'), member('b'), fc.constantFrom('open', 'open', 'open', 'frozen') as fc.Arbitrary<AccountState['status']>, (o, a, b, issuanceStatus) => {
        const states = [{ ...issuance, status: issuanceStatus }, a, b]
        const inp = input([o], [a, b])
        inp.accounts = new Map(states.map((s) => [s.id, s]))
        const move = planMove({ op: o, accounts: new Map(states.map((s) => [s.id, facts(s)])), issuance: inp.issuance, scales: inp.scales, now: inp.now })
        if (!move) return
        const from = inp.accounts.get(move.row.from) as AccountState
        const to = inp.accounts.get(move.row.to) as AccountState
        if (!moveFits(move, from, to)) return
        fitted++
        const full = planBatch(inp)
        expect(full.ok).toBe(true)
        if (!full.ok) return
        expect(full.plan.transfers).toEqual([move.row])
        const amt = move.row.amount
        expect(full.plan.entries).toEqual([
          { transferId: 'm', accountId: from.id, amount: -amt, balanceAfter: from.sharded ? null : from.posted - amt },
          { transferId: 'm', accountId: to.id, amount: amt, balanceAfter: to.sharded ? null : to.posted + amt },
        ])
        expect(full.plan.holds).toEqual([])
      }),
      { numRuns: 3000 },
    )
    // The property says something only if many cases reached the comparison.
    expect(fitted).toBeGreaterThan(100)
  })
})
