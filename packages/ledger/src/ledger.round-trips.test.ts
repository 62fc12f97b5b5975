/**
 * What a request costs in trips to storage, counted on PGlite: every statement
 * is one, and a transaction adds two (BEGIN, COMMIT), as on a server. With
 * facts cached (a warm process), a plain move costs one trip whether it is
 * written or refused, and every write that finds its id taken tells a replay
 * from a conflict inside its first transaction.
 */
import { PGlite, type Transaction } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Ledger, createLedger } from './ledger.js'
import { migrate } from './storage/migrate.js'

const counted = { statements: 0, transactions: 0 }
const trips = () => counted.statements + 2 * counted.transactions

/** PGlite, counting what the ledger sends it. */
function counting(client: PGlite): PGlite {
  const countQueries = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, p) {
        const v = Reflect.get(t, p)
        if (p === 'query') {
          return (...args: unknown[]) => {
            counted.statements++
            return (v as (...a: unknown[]) => unknown).apply(t, args)
          }
        }
        return typeof v === 'function' ? v.bind(t) : v
      },
    })
  return new Proxy(client, {
    get(t, p) {
      if (p === 'transaction') {
        return <R>(fn: (tx: Transaction) => Promise<R>) => {
          counted.transactions++
          return t.transaction((tx) => fn(countQueries(tx)))
        }
      }
      if (p === 'query') return countQueries(t).query
      const v = Reflect.get(t, p)
      return typeof v === 'function' ? v.bind(t) : v
    },
  })
}

let client: PGlite
let ledger: Ledger
const tenantId = 'trips'
const evidence = { activity: 'elder visit', reviewer: 'staff:li' }

beforeAll(async () => {
  client = new PGlite()
  const db = drizzle(counting(client))
  await migrate(db)
  ledger = createLedger({ db })
  await ledger.createTenant({ id: tenantId, name: 'Round trips' })
  for (const id of ['ana', 'bo', 'carl']) {
    await ledger.openAccount({ tenantId, id, asset: 'HOUR', owner: { type: 'member', id }, ceiling: '10' })
  }
  // Warm the process's facts (accounts, scales) as any running service has them.
  await ledger.earn({ tenantId, id: 'warm-1', to: 'ana', amount: '5', evidence })
  await ledger.transfer({ tenantId, id: 'warm-2', from: 'ana', to: 'bo', amount: '1' })
  await ledger.transfer({ tenantId, id: 'warm-3', from: 'ana', to: 'carl', amount: '1' })
})
afterAll(() => client.close())
beforeEach(() => {
  counted.statements = 0
  counted.transactions = 0
})

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: { code?: string }) => e.code,
  )

describe('round trips to storage', () => {
  it('writes a plain transfer in one', async () => {
    await ledger.transfer({ tenantId, id: 't-ok', from: 'ana', to: 'bo', amount: '0.5' })
    expect(trips()).toBe(1)
  })

  it('refuses a transfer for lack of funds in one', async () => {
    expect(await refusal(ledger.transfer({ tenantId, id: 't-poor', from: 'carl', to: 'bo', amount: '2' }))).toBe('INSUFFICIENT_FUNDS')
    expect(trips()).toBe(1)
  })

  it('refuses a credit past a ceiling in one', async () => {
    expect(await refusal(ledger.earn({ tenantId, id: 'e-cap', to: 'bo', amount: '9.5', evidence }))).toBe('CEILING_EXCEEDED')
    expect(trips()).toBe(1)
  })

  it('refuses a transfer from a frozen account in one', async () => {
    await ledger.setAccountStatus({ tenantId, accountId: 'carl', status: 'frozen' })
    counted.statements = 0
    counted.transactions = 0
    expect(await refusal(ledger.transfer({ tenantId, id: 't-frozen', from: 'carl', to: 'bo', amount: '0.5' }))).toBe('ACCOUNT_FROZEN')
    expect(trips()).toBe(1)
    await ledger.setAccountStatus({ tenantId, accountId: 'carl', status: 'open' })
  })

  it('refuses an atomic batch of plain moves in one', async () => {
    const operations = [
      { type: 'transfer' as const, id: 'b-1', from: 'ana', to: 'bo', amount: '0.25' },
      { type: 'transfer' as const, id: 'b-2', from: 'carl', to: 'bo', amount: '5' },
    ]
    const result = await ledger.batch({ tenantId, operations })
    expect(result.committed).toBe(false)
    expect(result.results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['LINKED_EVENT_FAILED', 'INSUFFICIENT_FUNDS'])
    expect(trips()).toBe(1)
  })

  it('tells a replay, and a conflicting reuse of an id, within one transaction after the first trip', async () => {
    await ledger.transfer({ tenantId, id: 't-again', from: 'ana', to: 'bo', amount: '0.25' })
    counted.statements = 0
    counted.transactions = 0
    expect((await ledger.transfer({ tenantId, id: 't-again', from: 'ana', to: 'bo', amount: '0.25' })).replayed).toBe(true)
    expect(counted.transactions).toBe(1)
    counted.transactions = 0
    expect(await refusal(ledger.transfer({ tenantId, id: 't-again', from: 'ana', to: 'bo', amount: '0.5' }))).toBe('IDEMPOTENCY_CONFLICT')
    expect(counted.transactions).toBe(1)
  })

  it('refuses a hold for lack of funds in one transaction', async () => {
    expect(await refusal(ledger.transfer({ tenantId, id: 'h-poor', from: 'carl', to: 'bo', amount: '3', pending: true }))).toBe(
      'INSUFFICIENT_FUNDS',
    )
    expect(counted.transactions).toBe(1)
  })

  it('replays an account opened again, and refuses another definition, in one transaction', async () => {
    const again = await ledger.openAccount({ tenantId, id: 'ana', asset: 'HOUR', owner: { type: 'member', id: 'ana' }, ceiling: '10.00' })
    expect(again.replayed).toBe(true)
    expect(counted.transactions).toBe(1)
    counted.transactions = 0
    expect(await refusal(ledger.openAccount({ tenantId, id: 'ana', asset: 'HOUR', owner: { type: 'member', id: 'ana' } }))).toBe(
      'ACCOUNT_EXISTS',
    )
    expect(counted.transactions).toBe(1)
  })
})
