/**
 * The output schemas against what a real ledger (PGlite) returns: every result
 * must parse, and parsing must give back the same value, so a field the ledger
 * returns but the schema lacks (zod strips unknown keys) fails as surely as a
 * missing or mistyped one.
 *
 * @example
 * pnpm exec vitest run --project ledger src/domain/outputs.test.ts
 */
import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { type Ledger, createLedger } from '../ledger.js'
import { migrate } from '../storage/migrate.js'
import { ErrorCode, isLedgerError } from './errors.js'
import {
  AccountOutput,
  AssetOutput,
  AssetTotalsOutput,
  BalanceOutput,
  BatchResultOutput,
  HistoryPageOutput,
  LedgerErrorOutput,
  OperationResultOutput,
  TenantOutput,
  TransferOutput,
} from './outputs.js'

const tenantId = 'outputs'
let client: PGlite
let ledger: Ledger
let t = new Date('2026-01-05T08:00:00.000Z').getTime()

/** Parses, and round-trips: nothing added, nothing dropped, nothing changed. */
function exact<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.parse(value)
  expect(parsed).toEqual(value)
  return parsed
}

/** The JSON of the LedgerError a promise rejects with. */
async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (e) {
    if (isLedgerError(e)) return e.toJSON()
    throw e
  }
  throw new Error('expected a LedgerError')
}

beforeAll(async () => {
  client = new PGlite()
  const db = drizzle(client)
  await migrate(db)
  ledger = createLedger({ db, clock: () => new Date(t) })
  await ledger.createTenant({ id: tenantId, name: 'Output Street' })
  const member = (id: string) =>
    ledger.openAccount({ tenantId, id, asset: 'HOUR', owner: { type: 'member', id: id.split(':')[0] as string } })
  await member('ana:h')
  await member('bo:h')
  // Unbounded: no floor and no ceiling, so its history has no running balance.
  await ledger.openAccount({
    tenantId,
    id: 'fund',
    asset: 'HOUR',
    owner: { type: 'organisation', id: 'fund' },
    floor: null,
    metadata: { a: 1 },
  })
  await ledger.openAccount({ tenantId, id: 'shop', asset: 'HOUR', owner: { type: 'system', id: 'shop' }, kind: 'redemption' })
})
afterAll(() => client.close())

describe('output schemas match what the ledger returns', () => {
  it('tenant with its assets, and accounts', async () => {
    const tenant = exact(TenantOutput, await ledger.getTenant({ tenantId }))
    expect(tenant.assets.map((a) => a.code).sort()).toEqual(['HOUR', 'POINT'])
    for (const asset of tenant.assets) exact(AssetOutput, asset)
    exact(AccountOutput, await ledger.getAccount({ tenantId, accountId: 'ana:h' }))
    exact(AccountOutput, await ledger.getAccount({ tenantId, accountId: 'fund' }))
    for (const account of await ledger.listAccounts({ tenantId })) exact(AccountOutput, account)
    exact(AccountOutput, await ledger.setAccountStatus({ tenantId, accountId: 'bo:h', status: 'open' }))
  })

  it('a transfer of each kind, a hold posted, one voided and one expired', async () => {
    const results = [
      await ledger.earn({ tenantId, id: 'e1', to: 'ana:h', amount: '10', evidence: { activity: 'visit', reviewer: 'li' } }),
      await ledger.earn({
        tenantId,
        id: 'e2',
        to: 'fund',
        amount: '3',
        evidence: { activity: 'visit', reviewer: 'li' },
        metadata: { n: 2 },
      }),
      await ledger.transfer({ tenantId, id: 't1', from: 'ana:h', to: 'bo:h', amount: '2.5', memo: 'thanks' }),
      await ledger.redeem({ tenantId, id: 'r1', from: 'ana:h', to: 'shop', amount: '1', item: { ref: 'soap', quantity: 1 } }),
      await ledger.reverse({ tenantId, id: 'rv1', transferId: 't1', amount: '0.5', reason: 'too much' }),
      await ledger.transfer({ tenantId, id: 'h1', from: 'ana:h', to: 'bo:h', amount: '1', pending: true, timeoutSeconds: 60 }),
      await ledger.post({ tenantId, id: 'p1', pendingId: 'h1', amount: '0.75' }),
      await ledger.transfer({ tenantId, id: 'h2', from: 'ana:h', to: 'bo:h', amount: '1', pending: true }),
      await ledger.void({ tenantId, id: 'v1', pendingId: 'h2' }),
      await ledger.transfer({ tenantId, id: 'h3', from: 'ana:h', to: 'bo:h', amount: '1', pending: true, timeoutSeconds: 1 }),
      // A replay returns the original result.
      await ledger.transfer({ tenantId, id: 't1', from: 'ana:h', to: 'bo:h', amount: '2.5', memo: 'thanks' }),
    ]
    for (const r of results) exact(OperationResultOutput, r)
    expect(results.map((r) => r.transfer.type)).toEqual(
      expect.arrayContaining(['earn', 'transfer', 'redeem', 'reverse', 'post', 'void'] as const),
    )
    expect(results.at(-1)?.replayed).toBe(true)
    expect(results[5]?.transfer.expiresAt).toBeInstanceOf(Date)

    t += 5_000
    const statuses = []
    for (const id of ['t1', 'rv1', 'h1', 'p1', 'h2', 'v1', 'h3'])
      statuses.push(exact(TransferOutput, await ledger.getTransfer({ tenantId, transferId: id })).status)
    expect(statuses).toEqual(['posted', 'posted', 'posted', 'posted', 'voided', 'voided', 'expired'])
  })

  it('balances, history pages (bounded and unbounded accounts) and totals', async () => {
    exact(BalanceOutput, await ledger.getBalance({ tenantId, accountId: 'ana:h' }))
    exact(BalanceOutput, await ledger.getBalance({ tenantId, accountId: 'ana:h', at: new Date(t - 1_000) }))
    const page = exact(HistoryPageOutput, await ledger.getHistory({ tenantId, accountId: 'ana:h', limit: 2 }))
    expect(page.nextCursor).not.toBeNull()
    exact(HistoryPageOutput, await ledger.getHistory({ tenantId, accountId: 'ana:h', cursor: page.nextCursor ?? undefined }))
    const unbounded = exact(HistoryPageOutput, await ledger.getHistory({ tenantId, accountId: 'fund' }))
    expect(unbounded.entries[0]?.balanceAfter).toBeNull()
    const totals = await ledger.totals({ tenantId })
    for (const row of totals) exact(AssetTotalsOutput, row)
    // Zero at the asset's scale.
    expect(totals.find((r) => r.asset === 'HOUR')?.total).toBe('0.00')
  })

  it('batches: committed, and refused with an error per item', async () => {
    const ok = exact(
      BatchResultOutput,
      await ledger.batch({ tenantId, operations: [{ type: 'transfer', id: 'b1', from: 'bo:h', to: 'ana:h', amount: '0.25' }] }),
    )
    expect(ok.committed).toBe(true)
    const refused = exact(
      BatchResultOutput,
      await ledger.batch({
        tenantId,
        operations: [
          { type: 'transfer', id: 'b2', from: 'bo:h', to: 'ana:h', amount: '0.25' },
          { type: 'transfer', id: 'b3', from: 'bo:h', to: 'ana:h', amount: '1000' },
        ],
      }),
    )
    expect(refused.committed).toBe(false)
    expect(refused.results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['LINKED_EVENT_FAILED', 'INSUFFICIENT_FUNDS'])
  })

  it("a LedgerError's JSON, with and without details, and every code in the enum", async () => {
    const missing = exact(LedgerErrorOutput, await errorOf(ledger.getAccount({ tenantId, accountId: 'nobody' })))
    expect(missing).toMatchObject({ code: 'ACCOUNT_NOT_FOUND', details: expect.any(Object) })
    const funds = exact(
      LedgerErrorOutput,
      await errorOf(ledger.transfer({ tenantId, id: 'x1', from: 'bo:h', to: 'ana:h', amount: '1000' })),
    )
    expect(funds.code).toBe('INSUFFICIENT_FUNDS')
    exact(LedgerErrorOutput, await errorOf(ledger.getAccount({ tenantId, accountId: 'bad id!' })))
    expect(LedgerErrorOutput.shape.code.options.sort()).toEqual(Object.values(ErrorCode).sort())
    expect(LedgerErrorOutput.safeParse({ code: 'NOPE', message: 'x' }).success).toBe(false)
  })
})
