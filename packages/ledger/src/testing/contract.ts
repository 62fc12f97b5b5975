/**
 * The ledger's contract suite: one set of behaviours run against every driver
 * (PGlite in `ledger.pglite.test.ts`, a real server in `ledger.postgres.test.ts`).
 * Each test works in a tenant of its own on one shared database.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isLedgerError } from '../domain/errors.js'
import { DEFAULT_ASSETS, type Ledger, createLedger } from '../ledger.js'
import { type LedgerDatabase, rows } from '../storage/driver.js'

export interface ContractDatabase {
  db: LedgerDatabase
  close(): Promise<void>
  /** Statements sent so far (a transaction's BEGIN and COMMIT count): lets the suite check round trips. */
  statements(): number
  /** Of those, calls of the one-round-trip write (tb_move). */
  moveCalls(): number
}

/** A clock tests move by hand. */
export function manualClock(start = new Date('2026-01-05T08:00:00.000Z')) {
  let t = start.getTime()
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms
    },
  }
}

/** Every row of a tenant, in a stable order: two equal snapshots mean nothing changed. */
export async function snapshot(db: LedgerDatabase, tenantId: string): Promise<string> {
  const parts = await Promise.all([
    rows(db, sql`select * from tb_accounts where tenant_id = ${tenantId} order by id`),
    rows(
      db,
      sql`select account_id, shard, status, posted::text, pending_out::text, pending_in::text, floor::text, ceiling::text
          from tb_balances where tenant_id = ${tenantId} order by account_id, shard`,
    ),
    rows(db, sql`select * from tb_account_limit_changes where tenant_id = ${tenantId} order by seq`),
    rows(db, sql`select id, type, status, amount::text, resolved_at from tb_transfers where tenant_id = ${tenantId} order by id`),
    rows(
      db,
      sql`select account_id, seq::text, transfer_id, amount::text, balance_after::text from tb_entries where tenant_id = ${tenantId} order by seq`,
    ),
  ])
  return JSON.stringify(parts)
}

/** The LedgerError code a promise rejects with. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (e) {
    return isLedgerError(e) ? e.code : `not a LedgerError: ${String(e)}`
  }
  return 'no error'
}

/** `{ a: { a: … } }`, `depth` levels deep, built without recursion. */
function nested(depth: number): unknown {
  let v: unknown = 1
  for (let i = 0; i < depth; i++) v = { a: v }
  return v
}

export function ledgerContract(driver: string, connect: () => Promise<ContractDatabase>): void {
  describe(`ledger contract on ${driver}`, () => {
    let database: ContractDatabase
    const clock = manualClock()
    let ledger: Ledger

    beforeAll(async () => {
      database = await connect()
      ledger = createLedger({ db: database.db, clock: clock.now })
    })
    afterAll(async () => {
      await database?.close()
    })

    /** A fresh community with two members holding hours and points. */
    async function community() {
      const tenantId = `t-${randomBytes(5).toString('hex')}`
      await ledger.createTenant({ id: tenantId, name: 'Maple Street' })
      const open = (id: string, asset: 'HOUR' | 'POINT', extra: Record<string, unknown> = {}) =>
        ledger.openAccount({ tenantId, id, asset, owner: { type: 'member', id: id.split(':')[0] as string }, ...extra })
      await open('ana:h', 'HOUR')
      await open('bo:h', 'HOUR')
      await open('ana:p', 'POINT')
      await ledger.openAccount({
        tenantId,
        id: 'shop',
        asset: 'POINT',
        owner: { type: 'organisation', id: 'supermarket' },
        kind: 'redemption',
      })
      const earn = (id: string, to: string, amount: string, extra: Record<string, unknown> = {}) =>
        ledger.earn({ tenantId, id, to, amount, evidence: { activity: 'elder visit', reviewer: 'staff:li' }, ...extra })
      const balance = async (accountId: string) => ledger.getBalance({ tenantId, accountId })
      /** Run `act` and expect it refused with `code`, the tenant's rows untouched. */
      const unchanged = async (act: () => Promise<unknown>, code: string) => {
        const before = await snapshot(database.db, tenantId)
        expect(await codeOf(act())).toBe(code)
        expect(await snapshot(database.db, tenantId)).toBe(before)
      }
      return { tenantId, open, earn, balance, unchanged }
    }

    describe('tenants and assets', () => {
      it('creates a tenant with HOUR (2 decimals) and POINT (whole) and their issuance accounts', async () => {
        const { tenantId } = await community()
        const t = await ledger.getTenant({ tenantId })
        expect(t.assets.map((a) => [a.code, a.scale, a.issuanceAccountId])).toEqual([
          ['HOUR', 2, 'sys:issuance:HOUR'],
          ['POINT', 0, 'sys:issuance:POINT'],
        ])
        const issuance = await ledger.getAccount({ tenantId, accountId: 'sys:issuance:HOUR' })
        expect(issuance).toMatchObject({ kind: 'issuance', floor: null, ceiling: null, status: 'open' })
      })

      it('replays a tenant created again with the same definition, refuses another under the same id', async () => {
        const { tenantId } = await community()
        const again = await ledger.createTenant({ id: tenantId, name: 'Maple Street', assets: [...DEFAULT_ASSETS].reverse() })
        expect(again.replayed).toBe(true)
        expect(again.tenant.assets.map((a) => a.code)).toEqual(['HOUR', 'POINT'])
        expect(await codeOf(ledger.createTenant({ id: tenantId, name: 'again' }))).toBe('TENANT_EXISTS')
        expect(await codeOf(ledger.createTenant({ id: tenantId, name: 'Maple Street', assets: [{ code: 'HOUR', scale: 2 }] }))).toBe(
          'TENANT_EXISTS',
        )
      })

      it('reports unknown tenants', async () => {
        expect(await codeOf(ledger.getTenant({ tenantId: 'no-such-tenant' }))).toBe('TENANT_NOT_FOUND')
        expect(await codeOf(ledger.totals({ tenantId: 'no-such-tenant' }))).toBe('TENANT_NOT_FOUND')
        expect(await codeOf(ledger.defineAsset({ tenantId: 'no-such-tenant', code: 'COIN', scale: 1 }))).toBe('TENANT_NOT_FOUND')
      })

      it('defines more assets with their own scale, once', async () => {
        const { tenantId } = await community()
        const coin = await ledger.defineAsset({ tenantId, code: 'COIN', scale: 1, name: 'Time coin' })
        expect(coin).toMatchObject({ asset: { code: 'COIN', scale: 1, issuanceAccountId: 'sys:issuance:COIN' }, replayed: false })
        expect(await ledger.defineAsset({ tenantId, code: 'COIN', scale: 1, name: 'Time coin' })).toEqual({ ...coin, replayed: true })
        expect(await codeOf(ledger.defineAsset({ tenantId, code: 'COIN', scale: 1 }))).toBe('ASSET_EXISTS')
        expect(await codeOf(ledger.defineAsset({ tenantId, code: 'HOUR', scale: 1 }))).toBe('ASSET_EXISTS')
        await ledger.openAccount({ tenantId, id: 'ana:c', asset: 'COIN', owner: { type: 'member', id: 'ana' } })
        expect(
          await codeOf(ledger.earn({ tenantId, id: 'c1', to: 'ana:c', amount: '0.25', evidence: { activity: 'x', reviewer: 'y' } })),
        ).toBe('INVALID_AMOUNT')
        const r = await ledger.earn({ tenantId, id: 'c2', to: 'ana:c', amount: '0.5', evidence: { activity: 'x', reviewer: 'y' } })
        expect(r.transfer.amount).toBe('0.5')
      })
    })

    describe('accounts', () => {
      it('opens member wallets with a zero floor and no ceiling by default', async () => {
        const { tenantId } = await community()
        const a = await ledger.getAccount({ tenantId, accountId: 'ana:h' })
        expect(a).toMatchObject({
          asset: 'HOUR',
          kind: 'member',
          floor: '0.00',
          ceiling: null,
          status: 'open',
          owner: { type: 'member', id: 'ana' },
        })
      })

      it('returns the existing account when opened again with the same definition, refuses another definition', async () => {
        const { open } = await community()
        const again = await open('ana:h', 'HOUR')
        expect(again).toMatchObject({ replayed: true, account: { id: 'ana:h' } })
        expect(await open('new:h', 'HOUR')).toMatchObject({ replayed: false, account: { id: 'new:h', status: 'open' } })
        expect(await codeOf(open('ana:h', 'HOUR', { ceiling: '10' }))).toBe('ACCOUNT_EXISTS')
      })

      it('refuses unknown assets and tenants, reserved ids, inverted limits and over-precise limits', async () => {
        const { tenantId, open } = await community()
        expect(await codeOf(open('x', 'NOPE' as 'HOUR'))).toBe('ASSET_NOT_FOUND')
        expect(await codeOf(ledger.openAccount({ tenantId: 'nowhere', id: 'x', asset: 'HOUR', owner: { type: 'member', id: 'x' } }))).toBe(
          'TENANT_NOT_FOUND',
        )
        expect(await codeOf(open('sys:mine', 'HOUR'))).toBe('VALIDATION')
        expect(await codeOf(open('x', 'HOUR', { floor: '5', ceiling: '1' }))).toBe('VALIDATION')
        expect(await codeOf(open('x', 'POINT', { ceiling: '1.5' }))).toBe('INVALID_AMOUNT')
        expect(await codeOf(ledger.getAccount({ tenantId, accountId: 'ghost' }))).toBe('ACCOUNT_NOT_FOUND')
      })

      it('lists accounts by owner with keyset pages', async () => {
        const { tenantId } = await community()
        const first = await ledger.listAccounts({ tenantId, owner: { type: 'member', id: 'ana' }, limit: 1 })
        expect(first.map((a) => a.id)).toEqual(['ana:h'])
        const next = await ledger.listAccounts({ tenantId, owner: { type: 'member', id: 'ana' }, limit: 5, after: 'ana:h' })
        expect(next.map((a) => a.id)).toEqual(['ana:p'])
      })

      it('never shows one tenant the accounts of another', async () => {
        const a = await community()
        const b = await community()
        await a.open('only-in-a', 'HOUR')
        expect(await codeOf(ledger.getAccount({ tenantId: b.tenantId, accountId: 'only-in-a' }))).toBe('ACCOUNT_NOT_FOUND')
        await a.earn('e1', 'ana:h', '1')
        expect((await b.balance('ana:h')).posted).toBe('0.00')
      })
    })

    describe('one round trip', () => {
      /** Statements `act` sends. */
      const cost = async (act: () => Promise<unknown>) => {
        const before = database.statements()
        await act()
        return database.statements() - before
      }

      it('writes a plain earn, transfer and redeem with one statement each', async () => {
        const { tenantId, earn } = await community()
        const transfer = (id: string) => ledger.transfer({ tenantId, id, from: 'ana:h', to: 'bo:h', amount: '0.5' })
        const redeem = (id: string) => ledger.redeem({ tenantId, id, from: 'ana:p', to: 'shop', amount: '2', item: { ref: 'soap' } })
        // The first use of an account reads its fixed facts once; later moves need only the write.
        await earn('e0', 'ana:h', '1')
        expect(await cost(() => earn('e1', 'ana:h', '2'))).toBe(1)
        await transfer('t0')
        expect(await cost(() => transfer('t1'))).toBe(1)
        await earn('p0', 'ana:p', '5')
        await redeem('r0')
        expect(await cost(() => redeem('r1'))).toBe(1)
        expect((await ledger.getBalance({ tenantId, accountId: 'ana:h' })).posted).toBe('2.00')
        expect((await ledger.getBalance({ tenantId, accountId: 'bo:h' })).posted).toBe('1.00')
        expect((await ledger.getBalance({ tenantId, accountId: 'shop' })).posted).toBe('4')
        const history = await ledger.getHistory({ tenantId, accountId: 'ana:h' })
        expect(history.entries.map((e) => [e.transferId, e.amount, e.balanceAfter])).toEqual([
          ['t1', '-0.50', '2.00'],
          ['t0', '-0.50', '2.50'],
          ['e1', '2.00', '3.00'],
          ['e0', '1.00', '1.00'],
        ])
        expect((await ledger.totals({ tenantId })).map((t) => t.total)).toEqual(['0.00', '0'])
      })

      it('writes an atomic batch of plain moves with one statement, each move seeing the ones before it', async () => {
        const { tenantId, earn, balance } = await community()
        await earn('e0', 'bo:h', '1')
        await ledger.transfer({ tenantId, id: 't0', from: 'bo:h', to: 'ana:h', amount: '1' })
        const operations = [
          { type: 'earn' as const, id: 'b1', to: 'ana:h', amount: '2', evidence: { activity: 'patrol', reviewer: 'staff:li' } },
          { type: 'transfer' as const, id: 'b2', from: 'ana:h', to: 'bo:h', amount: '3' },
          { type: 'transfer' as const, id: 'b3', from: 'bo:h', to: 'ana:h', amount: '0.25' },
        ]
        let result: Awaited<ReturnType<Ledger['batch']>> | undefined
        expect(await cost(async () => (result = await ledger.batch({ tenantId, operations })))).toBe(1)
        expect(result?.committed).toBe(true)
        expect((await balance('ana:h')).posted).toBe('0.25')
        expect((await balance('bo:h')).posted).toBe('2.75')
        const history = await ledger.getHistory({ tenantId, accountId: 'ana:h' })
        expect(history.entries.slice(0, 3).map((e) => [e.transferId, e.balanceAfter])).toEqual([
          ['b3', '0.25'],
          ['b2', '0.00'],
          ['b1', '3.00'],
        ])
        // Retried whole, it replays item by item and moves nothing again.
        const again = await ledger.batch({ tenantId, operations })
        expect(again.results.map((r) => r.ok && r.replayed)).toEqual([true, true, true])
        expect((await balance('ana:h')).posted).toBe('0.25')
      })

      it('lets concurrent single moves share a statement, each still answered on its own', async () => {
        const { earn, balance } = await community()
        await earn('e0', 'ana:h', '1')
        await earn('e1', 'bo:h', '1')
        const before = database.statements()
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => earn(`c${i}`, i % 2 ? 'ana:h' : 'bo:h', '0.5')))
        expect(database.statements() - before).toBeLessThan(20)
        expect(results.map((r) => [r.transfer.id, r.transfer.amount, r.replayed])).toEqual(
          Array.from({ length: 20 }, (_, i) => [`c${i}`, '0.50', false]),
        )
        expect((await balance('ana:h')).posted).toBe('6.00')
        expect((await balance('bo:h')).posted).toBe('6.00')
      })

      it('lets concurrent moves of different tenants share a statement, with the same ids in each kept apart', async () => {
        const a = await community()
        const b = await community()
        await a.earn('w', 'ana:h', '1')
        await b.earn('w', 'ana:h', '1')
        const before = database.statements()
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => [a.earn(`x${i}`, 'ana:h', '0.25'), b.earn(`x${i}`, 'ana:h', '0.5')]).flat(),
        )
        expect(database.statements() - before).toBeLessThan(20)
        expect(results.every((r) => !r.replayed)).toBe(true)
        expect(results.map((r) => r.transfer.tenantId)).toEqual(Array.from({ length: 10 }, () => [a.tenantId, b.tenantId]).flat())
        expect((await a.balance('ana:h')).posted).toBe('3.50')
        expect((await b.balance('ana:h')).posted).toBe('6.00')
        expect(await ledger.getTransfer({ tenantId: b.tenantId, transferId: 'x3' })).toMatchObject({ tenantId: b.tenantId, amount: '0.50' })
      })

      it('refuses only the concurrent moves that do not fit, and replays a concurrent retry', async () => {
        const { tenantId, earn, balance } = await community()
        await earn('e0', 'ana:h', '5')
        const spend = (i: number) => ledger.transfer({ tenantId, id: `s${i}`, from: 'ana:h', to: 'bo:h', amount: '1' })
        const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => codeOf(spend(i))))
        expect(outcomes.filter((c) => c === 'no error').length).toBe(5)
        expect(outcomes.filter((c) => c === 'INSUFFICIENT_FUNDS').length).toBe(5)
        const retries = await Promise.all(
          Array.from({ length: 6 }, () => ledger.transfer({ tenantId, id: 'back', from: 'bo:h', to: 'ana:h', amount: '2' })),
        )
        expect(retries.filter((r) => !r.replayed).length).toBe(1)
        expect((await balance('ana:h')).posted).toBe('2.00')
        expect((await balance('bo:h')).posted).toBe('3.00')
        expect((await ledger.totals({ tenantId }))[0]?.total).toBe('0.00')
      })

      it('sets odd requests aside from a coalesced group without costing the others', async () => {
        const { tenantId, earn, balance } = await community()
        await earn('e0', 'ana:h', '10')
        await ledger.transfer({ tenantId, id: 'done', from: 'ana:h', to: 'bo:h', amount: '1' })
        const move = (id: string, from: string, amount: string) => codeOf(ledger.transfer({ tenantId, id, from, to: 'bo:h', amount }))
        const calls = database.moveCalls()
        const codes = await Promise.all([
          ...Array.from({ length: 20 }, (_, i) => move(`g${i}`, 'ana:h', '0.25')),
          move('overdraft', 'ana:h', '100'),
          move('nowhere', 'ghost:h', '1'),
          move('done', 'ana:h', '1'),
          move('done', 'ana:h', '2'),
        ])
        expect(codes).toEqual([
          ...Array.from({ length: 20 }, () => 'no error'),
          'INSUFFICIENT_FUNDS',
          'ACCOUNT_NOT_FOUND',
          'no error',
          'IDEMPOTENCY_CONFLICT',
        ])
        // The 20 plain ones share a few calls (an odd one found stops a call and is set aside;
        // the rest go again); each odd one then pays for its own answer on the full path.
        expect(database.moveCalls() - calls).toBeLessThanOrEqual(8)
        expect((await balance('ana:h')).posted).toBe('4.00')
        expect((await balance('bo:h')).posted).toBe('6.00')
      })

      it('answers a retry of a one-statement transfer with the original, stamp and all', async () => {
        const { tenantId, earn } = await community()
        await earn('e0', 'ana:h', '3')
        const first = await ledger.transfer({ tenantId, id: 't1', from: 'ana:h', to: 'bo:h', amount: '1', memo: 'thanks' })
        const again = await ledger.transfer({ tenantId, id: 't1', from: 'ana:h', to: 'bo:h', amount: '1', memo: 'thanks' })
        expect(again).toEqual({ ...first, replayed: true })
        expect(await ledger.getTransfer({ tenantId, transferId: 't1' })).toEqual(first.transfer)
      })

      it('moves value between two unbounded accounts, each spread over shards', async () => {
        const { tenantId, earn, balance } = await community()
        const fund = (id: string) => ledger.openAccount({ tenantId, id, asset: 'HOUR', owner: { type: 'organisation', id }, floor: null })
        await fund('fund-a')
        await fund('fund-b')
        await earn('e0', 'fund-a', '3')
        await ledger.transfer({ tenantId, id: 't1', from: 'fund-a', to: 'fund-b', amount: '5' })
        expect((await balance('fund-a')).posted).toBe('-2.00')
        expect((await balance('fund-b')).posted).toBe('5.00')
        expect((await ledger.totals({ tenantId }))[0]?.total).toBe('0.00')
      })

      it('leaves to the full rules what the one-statement guard cannot vouch for: spending an expired hold’s reserve', async () => {
        const { tenantId, earn, balance } = await community()
        await earn('e0', 'ana:h', '2')
        await ledger.transfer({ tenantId, id: 'h1', from: 'ana:h', to: 'bo:h', amount: '1.5', pending: true, timeoutSeconds: 60 })
        expect(await codeOf(ledger.transfer({ tenantId, id: 't1', from: 'ana:h', to: 'bo:h', amount: '1' }))).toBe('INSUFFICIENT_FUNDS')
        clock.advance(61_000)
        // The hold is still stored as open (not swept): only the full path counts it expired.
        const r = await ledger.transfer({ tenantId, id: 't2', from: 'ana:h', to: 'bo:h', amount: '2' })
        expect(r.transfer.status).toBe('posted')
        expect((await balance('ana:h')).available).toBe('0.00')
      })
    })

    describe('earn', () => {
      it('credits the member from the issuance account and records the evidence', async () => {
        const { tenantId, earn, balance } = await community()
        const r = await earn('visit-1', 'ana:h', '1.5')
        expect(r.replayed).toBe(false)
        expect(r.transfer).toMatchObject({ type: 'earn', from: 'sys:issuance:HOUR', to: 'ana:h', amount: '1.50', status: 'posted' })
        expect(r.transfer.metadata).toEqual({ evidence: { activity: 'elder visit', reviewer: 'staff:li' } })
        expect((await balance('ana:h')).posted).toBe('1.50')
        expect((await balance('sys:issuance:HOUR')).posted).toBe('-1.50')
        const totals = await ledger.totals({ tenantId })
        expect(totals.find((t) => t.asset === 'HOUR')).toMatchObject({ total: '0.00', byKind: { issuance: '-1.50', member: '1.50' } })
      })

      it('replays a retried id without moving value again', async () => {
        const { earn, balance } = await community()
        await earn('visit-1', 'ana:h', '2')
        const again = await earn('visit-1', 'ana:h', '2')
        expect(again.replayed).toBe(true)
        expect(again.transfer.amount).toBe('2.00')
        expect((await balance('ana:h')).posted).toBe('2.00')
      })

      it('refuses reusing an id for a different request, changing nothing', async () => {
        const { earn, unchanged } = await community()
        await earn('visit-1', 'ana:h', '2')
        await unchanged(() => earn('visit-1', 'ana:h', '3'), 'IDEMPOTENCY_CONFLICT')
        await unchanged(() => earn('visit-1', 'bo:h', '2'), 'IDEMPOTENCY_CONFLICT')
      })

      it('refuses amounts more precise than the asset, zero and negatives, changing nothing', async () => {
        const { earn, unchanged } = await community()
        await unchanged(() => earn('e', 'ana:h', '1.001'), 'INVALID_AMOUNT')
        await unchanged(() => earn('e', 'ana:p', '1.5'), 'INVALID_AMOUNT')
        await unchanged(() => earn('e', 'ana:h', '0'), 'INVALID_AMOUNT')
        await unchanged(() => earn('e', 'ana:h', '-1'), 'VALIDATION')
        await unchanged(() => earn('e', 'ana:h', '1e2'), 'VALIDATION')
      })

      it('only credits member, organisation or escrow accounts', async () => {
        const { earn, unchanged } = await community()
        await unchanged(() => earn('e', 'shop', '1'), 'ACCOUNT_KIND_NOT_ALLOWED')
        await unchanged(() => earn('e', 'ghost', '1'), 'ACCOUNT_NOT_FOUND')
      })

      it('refuses a credit above the storage cap', async () => {
        const { open, earn, balance, unchanged } = await community()
        await open('cap:h', 'HOUR', { ceiling: '1500' })
        await earn('e1', 'cap:h', '1499.5')
        await unchanged(() => earn('e2', 'cap:h', '0.51'), 'CEILING_EXCEEDED')
        await earn('e3', 'cap:h', '0.5')
        expect((await balance('cap:h')).posted).toBe('1500.00')
      })

      it('refuses a balance beyond what the ledger can hold instead of failing', async () => {
        const { open, earn } = await community()
        await open('big:p', 'POINT')
        let code = 'no error'
        for (let i = 0; i < 12 && code === 'no error'; i++) code = await codeOf(earn(`big-${i}`, 'big:p', '999999999999999999'))
        expect(code).toBe('BALANCE_OVERFLOW')
      })
    })

    describe('transfer and redeem', () => {
      it('moves value between members of the same asset', async () => {
        const { tenantId, earn, balance } = await community()
        await earn('e1', 'ana:h', '3')
        const r = await ledger.transfer({ tenantId, id: 'gift-1', from: 'ana:h', to: 'bo:h', amount: '1.25', memo: 'for grandma' })
        expect(r.transfer).toMatchObject({ type: 'transfer', amount: '1.25', metadata: { memo: 'for grandma' } })
        expect((await balance('ana:h')).posted).toBe('1.75')
        expect((await balance('bo:h')).posted).toBe('1.25')
      })

      it('refuses overdrafts, mixed assets and self-transfers, changing nothing', async () => {
        const { tenantId, earn, unchanged } = await community()
        await earn('e1', 'ana:h', '1')
        await unchanged(() => ledger.transfer({ tenantId, id: 't1', from: 'ana:h', to: 'bo:h', amount: '1.01' }), 'INSUFFICIENT_FUNDS')
        await unchanged(() => ledger.transfer({ tenantId, id: 't1', from: 'ana:h', to: 'ana:p', amount: '1' }), 'ASSET_MISMATCH')
        await unchanged(() => ledger.transfer({ tenantId, id: 't1', from: 'ana:h', to: 'ana:h', amount: '1' }), 'VALIDATION')
        await unchanged(() => ledger.transfer({ tenantId, id: 't1', from: 'ghost', to: 'ana:h', amount: '1' }), 'ACCOUNT_NOT_FOUND')
      })

      it('lets an account with a negative floor go that far below zero and no further', async () => {
        const { tenantId, open, unchanged, balance } = await community()
        await open('credit:h', 'HOUR', { floor: '-2' })
        await ledger.transfer({ tenantId, id: 't1', from: 'credit:h', to: 'bo:h', amount: '2' })
        expect((await balance('credit:h')).posted).toBe('-2.00')
        await unchanged(() => ledger.transfer({ tenantId, id: 't2', from: 'credit:h', to: 'bo:h', amount: '0.01' }), 'INSUFFICIENT_FUNDS')
      })

      it('redeems into a redemption sink with the item, and only there', async () => {
        const { tenantId, earn, balance, unchanged } = await community()
        await earn('e1', 'ana:p', '50')
        const r = await ledger.redeem({
          tenantId,
          id: 'r1',
          from: 'ana:p',
          to: 'shop',
          amount: '30',
          item: { ref: 'rice-5kg', quantity: 1 },
        })
        expect(r.transfer.metadata).toEqual({ item: { ref: 'rice-5kg', quantity: 1 } })
        expect((await balance('shop')).posted).toBe('30')
        await unchanged(
          () => ledger.redeem({ tenantId, id: 'r2', from: 'ana:p', to: 'bo:h', amount: '1', item: { ref: 'x' } }),
          'ACCOUNT_KIND_NOT_ALLOWED',
        )
        await ledger.openAccount({
          tenantId,
          id: 'care',
          asset: 'POINT',
          owner: { type: 'organisation', id: 'care-home' },
          kind: 'redemption',
        })
        await unchanged(
          () => ledger.redeem({ tenantId, id: 'r2', from: 'shop', to: 'care', amount: '1', item: { ref: 'x' } }),
          'ACCOUNT_KIND_NOT_ALLOWED',
        )
        await unchanged(
          () => ledger.redeem({ tenantId, id: 'r2', from: 'ana:p', to: 'shop', amount: '21', item: { ref: 'x' } }),
          'INSUFFICIENT_FUNDS',
        )
      })

      it('creates value only by earn and lets a sink give it back only by reversing a redemption', async () => {
        const { tenantId, earn, balance, unchanged } = await community()
        await earn('e1', 'ana:p', '5')
        await ledger.redeem({ tenantId, id: 'r1', from: 'ana:p', to: 'shop', amount: '5', item: { ref: 'soap' } })
        // The hole a member key bound to the shop found: the sink has no floor, so a transfer out of it minted points.
        await unchanged(
          () => ledger.transfer({ tenantId, id: 't1', from: 'shop', to: 'ana:p', amount: '1005' }),
          'ACCOUNT_KIND_NOT_ALLOWED',
        )
        await unchanged(
          () => ledger.transfer({ tenantId, id: 't1', from: 'shop', to: 'ana:p', amount: '1', pending: true }),
          'ACCOUNT_KIND_NOT_ALLOWED',
        )
        await unchanged(() => ledger.transfer({ tenantId, id: 't1', from: 'ana:p', to: 'shop', amount: '1' }), 'ACCOUNT_KIND_NOT_ALLOWED')
        // Issuance takes part only in earn and its reversal.
        const issuance = 'sys:issuance:HOUR'
        await earn('e2', 'ana:h', '2')
        await unchanged(() => ledger.transfer({ tenantId, id: 't2', from: issuance, to: 'ana:h', amount: '1' }), 'ACCOUNT_KIND_NOT_ALLOWED')
        await unchanged(() => ledger.transfer({ tenantId, id: 't2', from: 'ana:h', to: issuance, amount: '1' }), 'ACCOUNT_KIND_NOT_ALLOWED')
        await unchanged(
          () => ledger.redeem({ tenantId, id: 't2', from: issuance, to: 'shop', amount: '1', item: { ref: 'x' } }),
          'ACCOUNT_KIND_NOT_ALLOWED',
        )
        const refused = await ledger.batch({
          tenantId,
          operations: [{ type: 'transfer', id: 't3', from: 'shop', to: 'ana:p', amount: '1' }],
        })
        expect(refused.committed).toBe(false)
        expect(refused.results[0]).toMatchObject({ ok: false, error: { code: 'ACCOUNT_KIND_NOT_ALLOWED' } })
        // What may move them: a reversal, bounded by its original.
        await ledger.reverse({ tenantId, id: 'rv1', transferId: 'r1', reason: 'refund' })
        await ledger.reverse({ tenantId, id: 'rv2', transferId: 'e2', reason: 'entered twice' })
        expect((await balance('shop')).posted).toBe('0')
        expect((await balance('ana:p')).posted).toBe('5')
        expect((await balance('ana:h')).posted).toBe('0.00')
      })
    })

    describe('account status', () => {
      it('blocks movements on frozen accounts until unfrozen', async () => {
        const { tenantId, earn, unchanged } = await community()
        await earn('e1', 'ana:h', '2')
        await ledger.setAccountStatus({ tenantId, accountId: 'ana:h', status: 'frozen' })
        await unchanged(() => ledger.transfer({ tenantId, id: 't1', from: 'ana:h', to: 'bo:h', amount: '1' }), 'ACCOUNT_FROZEN')
        await unchanged(() => earn('e2', 'ana:h', '1'), 'ACCOUNT_FROZEN')
        await ledger.setAccountStatus({ tenantId, accountId: 'ana:h', status: 'open' })
        await ledger.transfer({ tenantId, id: 't1', from: 'ana:h', to: 'bo:h', amount: '1' })
      })

      it('closes only empty accounts, for good', async () => {
        const { tenantId, earn, unchanged } = await community()
        await earn('e1', 'ana:h', '1')
        expect(await codeOf(ledger.setAccountStatus({ tenantId, accountId: 'ana:h', status: 'closed' }))).toBe('ACCOUNT_NOT_EMPTY')
        const closed = await ledger.setAccountStatus({ tenantId, accountId: 'bo:h', status: 'closed' })
        expect(closed.status).toBe('closed')
        await unchanged(() => ledger.transfer({ tenantId, id: 't1', from: 'ana:h', to: 'bo:h', amount: '1' }), 'ACCOUNT_CLOSED')
        expect(await codeOf(ledger.setAccountStatus({ tenantId, accountId: 'bo:h', status: 'open' }))).toBe('ACCOUNT_CLOSED')
        expect(await codeOf(ledger.setAccountStatus({ tenantId, accountId: 'ghost', status: 'frozen' }))).toBe('ACCOUNT_NOT_FOUND')
      })
    })

    describe('limits that change', () => {
      const staff = { actor: 'staff:li', reason: 'storage cap lowered to 1,000 h' }

      it('lowers a storage cap: a balance above it stays, further credits are refused on both write paths, debits still work', async () => {
        const { tenantId, open, earn, balance, unchanged } = await community()
        await open('cap:h', 'HOUR', { ceiling: '1500' })
        await earn('e1', 'cap:h', '1200')
        const { change, account, replayed } = await ledger.changeLimits({
          tenantId,
          accountId: 'cap:h',
          id: 'cap-1000',
          ceiling: '1000',
          ...staff,
        })
        expect(replayed).toBe(false)
        expect(change).toMatchObject({
          id: 'cap-1000',
          accountId: 'cap:h',
          before: { floor: '0.00', ceiling: '1500.00' },
          after: { floor: '0.00', ceiling: '1000.00' },
          ...staff,
        })
        expect(account).toMatchObject({ floor: '0.00', ceiling: '1000.00' })
        expect((await balance('cap:h')).posted).toBe('1200.00')
        // One round trip (a single plain move, a batch of them) and the full path (a hold, a batch with one).
        await earn('e3', 'ana:h', '5')
        await unchanged(() => earn('e2', 'cap:h', '0.01'), 'CEILING_EXCEEDED')
        await unchanged(() => ledger.transfer({ tenantId, id: 't1', from: 'ana:h', to: 'cap:h', amount: '1' }), 'CEILING_EXCEEDED')
        const viaBatch = await ledger.batch({
          tenantId,
          operations: [{ type: 'earn', id: 'b1', to: 'cap:h', amount: '1', evidence: { activity: 'a', reviewer: 'r' } }],
        })
        expect(viaBatch.results[0]).toMatchObject({ ok: false, error: { code: 'CEILING_EXCEEDED' } })
        await unchanged(
          () => ledger.transfer({ tenantId, id: 'h1', from: 'ana:h', to: 'cap:h', amount: '1', pending: true }),
          'CEILING_EXCEEDED',
        )
        // Debits still work, above the cap or not, and credits fit again once under it.
        await ledger.transfer({ tenantId, id: 't2', from: 'cap:h', to: 'ana:h', amount: '150' })
        await ledger.transfer({ tenantId, id: 't3', from: 'cap:h', to: 'ana:h', amount: '60', pending: true })
        expect((await balance('cap:h')).available).toBe('990.00')
        // The ceiling counts the posted balance: credits fit again once the hold out is posted.
        await unchanged(() => earn('e4', 'cap:h', '10'), 'CEILING_EXCEEDED')
        await ledger.post({ tenantId, id: 'p3', pendingId: 't3' })
        await earn('e4', 'cap:h', '10')
        await unchanged(() => earn('e5', 'cap:h', '0.01'), 'CEILING_EXCEEDED')
        expect((await ledger.totals({ tenantId }))[0]?.total).toBe('0.00')
      })

      it('raises a floor above the balance: debits are refused on both write paths, credits still work', async () => {
        const { tenantId, earn, balance, unchanged } = await community()
        await earn('e1', 'ana:h', '5')
        await ledger.changeLimits({ tenantId, accountId: 'ana:h', id: 'floor-10', floor: '10' })
        await unchanged(() => ledger.transfer({ tenantId, id: 't1', from: 'ana:h', to: 'bo:h', amount: '0.01' }), 'INSUFFICIENT_FUNDS')
        await unchanged(
          () => ledger.transfer({ tenantId, id: 'h1', from: 'ana:h', to: 'bo:h', amount: '0.01', pending: true }),
          'INSUFFICIENT_FUNDS',
        )
        await earn('e2', 'ana:h', '6')
        expect((await balance('ana:h')).posted).toBe('11.00')
        await ledger.transfer({ tenantId, id: 't2', from: 'ana:h', to: 'bo:h', amount: '1' })
        await unchanged(() => ledger.transfer({ tenantId, id: 't3', from: 'ana:h', to: 'bo:h', amount: '0.01' }), 'INSUFFICIENT_FUNDS')
        // Null removes a limit: the floor gone, ana may go below zero.
        await ledger.changeLimits({ tenantId, accountId: 'ana:h', id: 'no-floor', floor: null })
        await ledger.transfer({ tenantId, id: 't4', from: 'ana:h', to: 'bo:h', amount: '12' })
        expect((await balance('ana:h')).posted).toBe('-2.00')
      })

      it('is seen at once by another process that had the account in memory', async () => {
        const { tenantId, earn, unchanged } = await community()
        const other = createLedger({ db: database.db, clock: clock.now })
        const otherEarn = (id: string, amount: string) =>
          other.earn({ tenantId, id, to: 'bo:h', amount, evidence: { activity: 'a', reviewer: 'r' } })
        await otherEarn('o1', '3')
        await other.batch({
          tenantId,
          operations: [{ type: 'transfer', id: 'o2', from: 'bo:h', to: 'ana:h', amount: '1', pending: true }],
        })
        await ledger.changeLimits({ tenantId, accountId: 'bo:h', id: 'cap-2', ceiling: '2' })
        await unchanged(() => otherEarn('o3', '0.01'), 'CEILING_EXCEEDED')
        await earn('e1', 'ana:h', '1')
        const refused = await other.batch({
          tenantId,
          operations: [{ type: 'transfer', id: 'o5', from: 'ana:h', to: 'bo:h', amount: '1', pending: true }],
        })
        expect(refused.results[0]).toMatchObject({ ok: false, error: { code: 'CEILING_EXCEEDED' } })
        expect((await other.getAccount({ tenantId, accountId: 'bo:h' })).ceiling).toBe('2.00')
      })

      it('replays the same change under the same id, and refuses another change under it', async () => {
        const { tenantId, open, unchanged } = await community()
        await open('cap:h', 'HOUR', { ceiling: '1500' })
        const first = await ledger.changeLimits({ tenantId, accountId: 'cap:h', id: 'c1', ceiling: '1000', ...staff })
        clock.advance(1000)
        // The same change written with other decimals is the same request.
        const again = await ledger.changeLimits({ tenantId, accountId: 'cap:h', id: 'c1', ceiling: '1000.00', ...staff })
        expect(again.replayed).toBe(true)
        expect(again.change).toEqual(first.change)
        await unchanged(
          () => ledger.changeLimits({ tenantId, accountId: 'cap:h', id: 'c1', ceiling: '900', ...staff }),
          'IDEMPOTENCY_CONFLICT',
        )
        await unchanged(() => ledger.changeLimits({ tenantId, accountId: 'cap:h', id: 'c1', ceiling: '1000' }), 'IDEMPOTENCY_CONFLICT')
        await unchanged(
          () => ledger.changeLimits({ tenantId, accountId: 'ana:h', id: 'c1', ceiling: '1000', ...staff }),
          'IDEMPOTENCY_CONFLICT',
        )
        expect(await ledger.listLimitChanges({ tenantId, accountId: 'cap:h' })).toHaveLength(1)
      })

      it('refuses a change that is malformed, inverted, over-precise or not for this account, changing nothing', async () => {
        const { tenantId, open, earn, unchanged } = await community()
        await open('cap:h', 'HOUR', { ceiling: '1500' })
        await open('free:h', 'HOUR', { floor: null })
        await open('gone:h', 'HOUR')
        await ledger.setAccountStatus({ tenantId, accountId: 'gone:h', status: 'closed' })
        const change = (input: Record<string, unknown>) => ledger.changeLimits({ tenantId, accountId: 'cap:h', id: 'x', ...input })
        await unchanged(() => change({}), 'VALIDATION')
        await unchanged(() => change({ floor: '1600' }), 'VALIDATION')
        await unchanged(() => change({ floor: '10', ceiling: '5' }), 'VALIDATION')
        await unchanged(() => change({ ceiling: '1000.001' }), 'INVALID_AMOUNT')
        await unchanged(() => change({ ceiling: '1,000' }), 'VALIDATION')
        await unchanged(() => change({ accountId: 'ghost', ceiling: '1' }), 'ACCOUNT_NOT_FOUND')
        await unchanged(() => change({ accountId: 'sys:issuance:HOUR', ceiling: '1' }), 'VALIDATION')
        await unchanged(() => change({ accountId: 'free:h', ceiling: '1' }), 'ACCOUNT_UNBOUNDED')
        await unchanged(() => change({ accountId: 'shop', floor: '0' }), 'ACCOUNT_UNBOUNDED')
        await unchanged(() => change({ accountId: 'gone:h', ceiling: '1' }), 'ACCOUNT_CLOSED')
        // POINT is whole: a ceiling of "100.5" points is refused, never rounded.
        await earn('p1', 'ana:p', '5')
        await unchanged(() => change({ accountId: 'ana:p', ceiling: '100.5' }), 'INVALID_AMOUNT')
        // A frozen account's limits may change.
        await ledger.setAccountStatus({ tenantId, accountId: 'ana:p', status: 'frozen' })
        expect((await change({ accountId: 'ana:p', ceiling: '100' })).account).toMatchObject({ ceiling: '100', status: 'frozen' })
      })

      it('keeps the history newest first, and reads the limits in force at a past instant', async () => {
        const { tenantId, open } = await community()
        await open('cap:h', 'HOUR', { ceiling: '1500' })
        const opened = clock.now()
        clock.advance(60_000)
        const a = await ledger.changeLimits({ tenantId, accountId: 'cap:h', id: 'c1', ceiling: '1000', ...staff })
        clock.advance(60_000)
        const b = await ledger.changeLimits({ tenantId, accountId: 'cap:h', id: 'c2', floor: '-5', ceiling: null, actor: 'policy:7' })
        clock.advance(60_000)
        const history = await ledger.listLimitChanges({ tenantId, accountId: 'cap:h' })
        expect(history.map((c) => [c.id, c.before, c.after, c.actor, c.reason])).toEqual([
          ['c2', { floor: '0.00', ceiling: '1000.00' }, { floor: '-5.00', ceiling: null }, 'policy:7', null],
          ['c1', { floor: '0.00', ceiling: '1500.00' }, { floor: '0.00', ceiling: '1000.00' }, staff.actor, staff.reason],
        ])
        expect(history.map((c) => c.at)).toEqual([b.change.at, a.change.at])
        const at = async (instant: Date) => {
          const account = await ledger.getAccount({ tenantId, accountId: 'cap:h', at: instant })
          return [account.floor, account.ceiling]
        }
        expect(await at(opened)).toEqual(['0.00', '1500.00'])
        expect(await at(new Date(a.change.at.getTime() - 1))).toEqual(['0.00', '1500.00'])
        expect(await at(a.change.at)).toEqual(['0.00', '1000.00'])
        expect(await at(new Date(b.change.at.getTime() - 1))).toEqual(['0.00', '1000.00'])
        expect(await at(b.change.at)).toEqual(['-5.00', null])
        expect(await at(clock.now())).toEqual(['-5.00', null])
        expect(await ledger.getAccount({ tenantId, accountId: 'cap:h' })).toMatchObject({ floor: '-5.00', ceiling: null })
        expect(await ledger.listLimitChanges({ tenantId, accountId: 'ana:h' })).toEqual([])
        expect(await codeOf(ledger.listLimitChanges({ tenantId, accountId: 'ghost' }))).toBe('ACCOUNT_NOT_FOUND')
      })

      it('lets a hold made under the old ceiling be posted after it was lowered', async () => {
        const { tenantId, open, earn, balance } = await community()
        await open('cap:h', 'HOUR', { ceiling: '10' })
        await earn('e1', 'ana:h', '20')
        await ledger.transfer({ tenantId, id: 'h1', from: 'ana:h', to: 'cap:h', amount: '8', pending: true })
        await ledger.changeLimits({ tenantId, accountId: 'cap:h', id: 'c1', ceiling: '5' })
        await ledger.post({ tenantId, id: 'p1', pendingId: 'h1' })
        expect((await balance('cap:h')).posted).toBe('8.00')
      })
    })

    describe('two-phase transfers', () => {
      it('holds an amount against the available balance until posted', async () => {
        const { tenantId, earn, balance } = await community()
        await earn('e1', 'ana:h', '5')
        const hold = await ledger.transfer({ tenantId, id: 'h1', from: 'ana:h', to: 'bo:h', amount: '2', pending: true })
        expect(hold.transfer.status).toBe('pending')
        expect(await balance('ana:h')).toMatchObject({ posted: '5.00', pendingDebits: '2.00', available: '3.00' })
        expect(await balance('bo:h')).toMatchObject({ posted: '0.00', pendingCredits: '2.00' })
        expect(await codeOf(ledger.transfer({ tenantId, id: 't2', from: 'ana:h', to: 'bo:h', amount: '3.01' }))).toBe('INSUFFICIENT_FUNDS')
        const posted = await ledger.post({ tenantId, id: 'p1', pendingId: 'h1', amount: '1.5' })
        expect(posted.transfer).toMatchObject({ type: 'post', pendingId: 'h1', amount: '1.50' })
        expect(await balance('ana:h')).toMatchObject({ posted: '3.50', pendingDebits: '0.00', available: '3.50' })
        expect(await balance('bo:h')).toMatchObject({ posted: '1.50', pendingCredits: '0.00' })
        expect((await ledger.getTransfer({ tenantId, transferId: 'h1' })).status).toBe('posted')
      })

      it('voids a hold, and refuses resolving it twice or posting more than held', async () => {
        const { tenantId, earn, balance, unchanged } = await community()
        await earn('e1', 'ana:h', '5')
        await ledger.transfer({ tenantId, id: 'h1', from: 'ana:h', to: 'bo:h', amount: '2', pending: true })
        await unchanged(() => ledger.post({ tenantId, id: 'p1', pendingId: 'h1', amount: '2.01' }), 'PENDING_AMOUNT_EXCEEDED')
        await ledger.void({ tenantId, id: 'v1', pendingId: 'h1' })
        expect(await balance('ana:h')).toMatchObject({ available: '5.00', pendingDebits: '0.00' })
        await unchanged(() => ledger.post({ tenantId, id: 'p2', pendingId: 'h1' }), 'PENDING_ALREADY_RESOLVED')
        await unchanged(() => ledger.void({ tenantId, id: 'v2', pendingId: 'h1' }), 'PENDING_ALREADY_RESOLVED')
        await unchanged(() => ledger.post({ tenantId, id: 'p3', pendingId: 'e1' }), 'PENDING_NOT_FOUND')
        await unchanged(() => ledger.void({ tenantId, id: 'v3', pendingId: 'ghost' }), 'PENDING_NOT_FOUND')
      })

      it('reserves room under the receiver’s ceiling while a hold is open', async () => {
        const { tenantId, open, earn, unchanged } = await community()
        await open('cap:h', 'HOUR', { ceiling: '10' })
        await earn('e1', 'ana:h', '20')
        await ledger.transfer({ tenantId, id: 'h1', from: 'ana:h', to: 'cap:h', amount: '8', pending: true })
        await unchanged(() => ledger.transfer({ tenantId, id: 't2', from: 'ana:h', to: 'cap:h', amount: '3' }), 'CEILING_EXCEEDED')
      })

      it('lets a hold expire at its timeout: it stops reserving and can no longer be posted', async () => {
        const { tenantId, earn, balance, unchanged } = await community()
        await earn('e1', 'ana:h', '5')
        await ledger.earn({
          tenantId,
          id: 'h1',
          to: 'ana:h',
          amount: '1',
          evidence: { activity: 'a', reviewer: 'r' },
          pending: true,
          timeoutSeconds: 60,
        })
        await ledger.transfer({ tenantId, id: 'h2', from: 'ana:h', to: 'bo:h', amount: '4', pending: true, timeoutSeconds: 60 })
        expect(await balance('ana:h')).toMatchObject({ available: '1.00', pendingCredits: '1.00' })
        clock.advance(60_000)
        expect(await balance('ana:h')).toMatchObject({ posted: '5.00', pendingDebits: '0.00', pendingCredits: '0.00', available: '5.00' })
        expect((await ledger.getTransfer({ tenantId, transferId: 'h2' })).status).toBe('expired')
        expect((await ledger.totals({ tenantId })).find((t) => t.asset === 'HOUR')?.pending).toBe('0.00')
        await unchanged(() => ledger.post({ tenantId, id: 'p1', pendingId: 'h2' }), 'PENDING_EXPIRED')
        await unchanged(() => ledger.void({ tenantId, id: 'v1', pendingId: 'h1' }), 'PENDING_EXPIRED')
        // The expired hold no longer blocks spending, before and after the sweep.
        await ledger.transfer({ tenantId, id: 't1', from: 'ana:h', to: 'bo:h', amount: '4.5' })
        expect(await ledger.expirePending({ tenantId })).toBe(2)
        expect(await ledger.expirePending({ tenantId })).toBe(0)
        await unchanged(() => ledger.post({ tenantId, id: 'p1', pendingId: 'h2' }), 'PENDING_EXPIRED')
        expect(await balance('ana:h')).toMatchObject({ posted: '0.50', pendingDebits: '0.00', available: '0.50' })
        expect(await balance('sys:issuance:HOUR')).toMatchObject({ pendingDebits: '0.00' })
        expect((await ledger.getTransfer({ tenantId, transferId: 'h2' })).status).toBe('expired')
      })

      it('refuses a timeout on a transfer that is not pending', async () => {
        const { tenantId, earn, unchanged } = await community()
        await earn('e1', 'ana:h', '5')
        await unchanged(
          () => ledger.transfer({ tenantId, id: 't1', from: 'ana:h', to: 'bo:h', amount: '1', timeoutSeconds: 5 }),
          'VALIDATION',
        )
      })
    })

    describe('reverse', () => {
      it('undoes a transfer fully or in parts, never beyond the original', async () => {
        const { tenantId, earn, balance, unchanged } = await community()
        await earn('e1', 'ana:h', '3')
        const part = await ledger.reverse({ tenantId, id: 'r1', transferId: 'e1', amount: '1', reason: 'logged twice' })
        expect(part.transfer).toMatchObject({ type: 'reverse', from: 'ana:h', to: 'sys:issuance:HOUR', reversesId: 'e1', amount: '1.00' })
        await unchanged(
          () => ledger.reverse({ tenantId, id: 'r2', transferId: 'e1', amount: '2.01', reason: 'x' }),
          'REVERSAL_EXCEEDS_ORIGINAL',
        )
        const rest = await ledger.reverse({ tenantId, id: 'r3', transferId: 'e1', reason: 'complaint upheld' })
        expect(rest.transfer.amount).toBe('2.00')
        expect((await balance('ana:h')).posted).toBe('0.00')
        await unchanged(() => ledger.reverse({ tenantId, id: 'r4', transferId: 'e1', reason: 'again' }), 'REVERSAL_EXCEEDS_ORIGINAL')
      })

      it('refuses reversing holds, voids and unknown transfers', async () => {
        const { tenantId, earn, unchanged } = await community()
        await earn('e1', 'ana:h', '3')
        await ledger.transfer({ tenantId, id: 'h1', from: 'ana:h', to: 'bo:h', amount: '1', pending: true })
        await unchanged(() => ledger.reverse({ tenantId, id: 'r1', transferId: 'h1', reason: 'x' }), 'NOT_REVERSIBLE')
        await ledger.void({ tenantId, id: 'v1', pendingId: 'h1' })
        await unchanged(() => ledger.reverse({ tenantId, id: 'r1', transferId: 'v1', reason: 'x' }), 'NOT_REVERSIBLE')
        await unchanged(() => ledger.reverse({ tenantId, id: 'r1', transferId: 'ghost', reason: 'x' }), 'TRANSFER_NOT_FOUND')
      })

      it('respects the floor of the account it debits, and works on frozen accounts', async () => {
        const { tenantId, earn, unchanged } = await community()
        await earn('e1', 'ana:h', '3')
        await ledger.transfer({ tenantId, id: 't1', from: 'ana:h', to: 'bo:h', amount: '3' })
        await unchanged(() => ledger.reverse({ tenantId, id: 'r1', transferId: 'e1', reason: 'x' }), 'INSUFFICIENT_FUNDS')
        await ledger.setAccountStatus({ tenantId, accountId: 'bo:h', status: 'frozen' })
        await ledger.reverse({ tenantId, id: 'r2', transferId: 't1', reason: 'gift sent by mistake' })
      })
    })

    describe('atomic batches', () => {
      it('applies every item in one transaction, later items seeing earlier ones', async () => {
        const { tenantId, balance } = await community()
        const r = await ledger.batch({
          tenantId,
          operations: [
            { type: 'earn', id: 'b1', to: 'ana:h', amount: '2', evidence: { activity: 'clean-up', reviewer: 'li' } },
            { type: 'transfer', id: 'b2', from: 'ana:h', to: 'bo:h', amount: '1.5', pending: true },
            { type: 'post', id: 'b3', pendingId: 'b2', amount: '1' },
            { type: 'reverse', id: 'b4', transferId: 'b3', amount: '0.25', reason: 'adjust' },
          ],
        })
        expect(r.committed).toBe(true)
        expect(r.results.map((x) => x.ok)).toEqual([true, true, true, true])
        expect(await balance('ana:h')).toMatchObject({ posted: '1.25', pendingDebits: '0.00' })
        expect(await balance('bo:h')).toMatchObject({ posted: '0.75', pendingCredits: '0.00' })
        expect((await ledger.getTransfer({ tenantId, transferId: 'b2' })).status).toBe('posted')
      })

      it('applies nothing when one item fails, naming it and marking the rest linked', async () => {
        const { tenantId, unchanged } = await community()
        const before = await snapshot(database.db, tenantId)
        const r = await ledger.batch({
          tenantId,
          operations: [
            { type: 'earn', id: 'b1', to: 'ana:h', amount: '2', evidence: { activity: 'a', reviewer: 'r' } },
            { type: 'transfer', id: 'b2', from: 'ana:h', to: 'bo:h', amount: '2.5' },
            { type: 'earn', id: 'b3', to: 'bo:h', amount: '1', evidence: { activity: 'a', reviewer: 'r' } },
          ],
        })
        expect(r.committed).toBe(false)
        expect(r.results.map((x) => (x.ok ? 'ok' : x.error.code))).toEqual([
          'LINKED_EVENT_FAILED',
          'INSUFFICIENT_FUNDS',
          'LINKED_EVENT_FAILED',
        ])
        expect(await snapshot(database.db, tenantId)).toBe(before)
        await unchanged(
          () =>
            ledger.batch({
              tenantId,
              operations: [
                { type: 'earn', id: 'x', to: 'ana:h', amount: '1', evidence: { activity: 'a', reviewer: 'r' } },
                { type: 'earn', id: 'x', to: 'ana:h', amount: '1', evidence: { activity: 'a', reviewer: 'r' } },
              ],
            }),
          'VALIDATION',
        )
      })

      it('replays a retried batch item by item', async () => {
        const { tenantId, balance } = await community()
        const ops = [
          { type: 'earn' as const, id: 'b1', to: 'ana:h', amount: '2', evidence: { activity: 'a', reviewer: 'r' } },
          { type: 'transfer' as const, id: 'b2', from: 'ana:h', to: 'bo:h', amount: '1' },
        ]
        await ledger.batch({ tenantId, operations: ops })
        const again = await ledger.batch({ tenantId, operations: ops })
        expect(again.results.map((x) => x.ok && x.replayed)).toEqual([true, true])
        expect((await balance('ana:h')).posted).toBe('1.00')
        const mixed = await ledger.batch({
          tenantId,
          operations: [...ops, { type: 'transfer', id: 'b3', from: 'ana:h', to: 'bo:h', amount: '1' }],
        })
        expect(mixed.results.map((x) => x.ok && x.replayed)).toEqual([true, true, false])
        expect((await balance('ana:h')).posted).toBe('0.00')
      })
    })

    describe('reads', () => {
      it('gives the balance as of a past instant', async () => {
        const { tenantId, earn } = await community()
        await earn('e1', 'ana:h', '1')
        const t1 = clock.now()
        clock.advance(1000)
        await earn('e2', 'ana:h', '2')
        await ledger.transfer({ tenantId, id: 'h1', from: 'ana:h', to: 'bo:h', amount: '1', pending: true })
        const t2 = clock.now()
        clock.advance(1000)
        await ledger.void({ tenantId, id: 'v1', pendingId: 'h1' })
        await earn('e3', 'ana:h', '4')
        clock.advance(1000)
        expect(await ledger.getBalance({ tenantId, accountId: 'ana:h', at: t1 })).toMatchObject({ posted: '1.00', pendingDebits: '0.00' })
        expect(await ledger.getBalance({ tenantId, accountId: 'ana:h', at: t2 })).toMatchObject({
          posted: '3.00',
          pendingDebits: '1.00',
          available: '2.00',
        })
        expect(await ledger.getBalance({ tenantId, accountId: 'ana:h' })).toMatchObject({ posted: '7.00', pendingDebits: '0.00' })
        expect(await ledger.getBalance({ tenantId, accountId: 'sys:issuance:HOUR', at: t2 })).toMatchObject({ posted: '-3.00' })
        expect(await ledger.getBalance({ tenantId, accountId: 'ana:h', at: new Date('2000-01-01T00:00:00Z') })).toMatchObject({
          posted: '0.00',
        })
      })

      it('stamps a write no earlier than the account’s last one, even from a process whose clock is behind', async () => {
        const { tenantId, earn } = await community()
        const first = await earn('e1', 'ana:h', '1')
        const behind = createLedger({ db: database.db, clock: () => new Date(clock.now().getTime() - 60_000) })
        const second = await behind.earn({ tenantId, id: 'e2', to: 'ana:h', amount: '2', evidence: { activity: 'a', reviewer: 'r' } })
        expect(second.transfer.createdAt.getTime()).toBeGreaterThanOrEqual(first.transfer.createdAt.getTime())
        // As of the first write's instant, both writes (now stamped at that instant) count: no entry is read out of order.
        clock.advance(1)
        const asOf = await ledger.getBalance({ tenantId, accountId: 'ana:h', at: first.transfer.createdAt })
        expect(asOf.posted).toBe('3.00')
        expect(asOf.at).toEqual(first.transfer.createdAt)
      })

      it('pages history newest first with the running balance, within a date range', async () => {
        const { tenantId, earn } = await community()
        const start = clock.now()
        for (let i = 1; i <= 5; i++) {
          await earn(`e${i}`, 'ana:h', String(i))
          clock.advance(1000)
        }
        await ledger.transfer({ tenantId, id: 't1', from: 'ana:h', to: 'bo:h', amount: '0.5' })
        const first = await ledger.getHistory({ tenantId, accountId: 'ana:h', limit: 4 })
        expect(first.entries.map((e) => [e.transferId, e.amount, e.balanceAfter])).toEqual([
          ['t1', '-0.50', '14.50'],
          ['e5', '5.00', '15.00'],
          ['e4', '4.00', '10.00'],
          ['e3', '3.00', '6.00'],
        ])
        expect(first.entries[0]).toMatchObject({ type: 'transfer', counterparty: 'bo:h' })
        const second = await ledger.getHistory({ tenantId, accountId: 'ana:h', limit: 4, cursor: first.nextCursor ?? undefined })
        expect(second.entries.map((e) => e.transferId)).toEqual(['e2', 'e1'])
        expect(second.nextCursor).toBeNull()
        const ranged = await ledger.getHistory({
          tenantId,
          accountId: 'ana:h',
          from: new Date(start.getTime() + 1000),
          to: new Date(start.getTime() + 3000),
        })
        expect(ranged.entries.map((e) => e.transferId)).toEqual(['e3', 'e2'])
        expect(await codeOf(ledger.getHistory({ tenantId, accountId: 'ana:h', cursor: 'abc' }))).toBe('VALIDATION')
        expect(await codeOf(ledger.getHistory({ tenantId, accountId: 'ana:h', cursor: '9999999999999999999' }))).toBe('VALIDATION')
        expect(await codeOf(ledger.getHistory({ tenantId, accountId: 'ana:h', from: '0000-01-01T00:00:00Z' }))).toBe('VALIDATION')
        expect(await codeOf(ledger.getBalance({ tenantId, accountId: 'ana:h', at: '0000-01-01T00:00:00Z' }))).toBe('VALIDATION')
        expect(await codeOf(ledger.createTenant({ id: 'nul', name: 'a\u0000b' }))).toBe('VALIDATION')
        expect(await codeOf(ledger.getHistory({ tenantId, accountId: 'ghost' }))).toBe('ACCOUNT_NOT_FOUND')
      })

      it('keeps every asset summing to zero, with holds reported apart', async () => {
        const { tenantId, earn } = await community()
        await earn('e1', 'ana:p', '40')
        await ledger.redeem({ tenantId, id: 'r1', from: 'ana:p', to: 'shop', amount: '15', item: { ref: 'soap' } })
        await ledger.redeem({ tenantId, id: 'r2', from: 'ana:p', to: 'shop', amount: '5', item: { ref: 'tea' }, pending: true })
        const points = (await ledger.totals({ tenantId })).find((t) => t.asset === 'POINT')
        expect(points).toEqual({
          asset: 'POINT',
          scale: 0,
          total: '0',
          pending: '5',
          byKind: { issuance: '-40', member: '25', redemption: '15' },
        })
      })

      it('reports unknown transfers', async () => {
        const { tenantId } = await community()
        expect(await codeOf(ledger.getTransfer({ tenantId, transferId: 'ghost' }))).toBe('TRANSFER_NOT_FOUND')
        expect(await codeOf(ledger.getBalance({ tenantId, accountId: 'ghost' }))).toBe('ACCOUNT_NOT_FOUND')
      })
    })

    describe('journal', () => {
      it('verifies the entry chains both write paths leave against a checkpoint, then names an amount edited', async () => {
        const { tenantId, earn } = await community()
        const keys = generateKeyPairSync('ed25519')
        await earn('e1', 'ana:h', '5')
        await ledger.batch({
          tenantId,
          operations: [
            { type: 'transfer', id: 't1', from: 'ana:h', to: 'bo:h', amount: '1' },
            { type: 'transfer', id: 't2', from: 'bo:h', to: 'ana:h', amount: '0.5' },
          ],
        })
        await ledger.transfer({ tenantId, id: 'h1', from: 'ana:h', to: 'bo:h', amount: '2', pending: true })
        await ledger.post({ tenantId, id: 'p1', pendingId: 'h1' })
        await ledger.checkpoint({ tenantId, privateKey: keys.privateKey })
        expect(await ledger.verifyJournal({ tenantId, publicKey: keys.publicKey })).toMatchObject({
          ok: true,
          checked: 8,
          checkpoint: { number: '1', authentic: true },
        })
        const [first] = await rows<{ seq: string }>(
          database.db,
          sql`select seq::text as seq from tb_entries e where tenant_id = ${tenantId} and account_id = 'bo:h' order by e.seq limit 1`,
        )
        await database.db.execute(
          sql`update tb_entries set amount = amount + 1 where tenant_id = ${tenantId} and seq = ${first?.seq}::int8`,
        )
        expect((await ledger.verifyJournal({ tenantId })).firstBroken).toEqual({
          accountId: 'bo:h',
          shard: 0,
          seq: first?.seq,
          reason: 'hash',
        })
      })
    })

    describe('validation', () => {
      it.each([
        ['a missing field', { id: 'x', to: 'ana:h', evidence: { activity: 'a', reviewer: 'r' } }],
        ['a numeric amount', { id: 'x', to: 'ana:h', amount: 1, evidence: { activity: 'a', reviewer: 'r' } }],
        ['an unknown field', { id: 'x', to: 'ana:h', amount: '1', evidence: { activity: 'a', reviewer: 'r' }, extra: 1 }],
        ['an id with spaces', { id: 'a b', to: 'ana:h', amount: '1', evidence: { activity: 'a', reviewer: 'r' } }],
        ['a very long id', { id: 'x'.repeat(200), to: 'ana:h', amount: '1', evidence: { activity: 'a', reviewer: 'r' } }],
        ['a NUL in text', { id: 'x', to: 'ana:h', amount: '1', evidence: { activity: 'a\u0000', reviewer: 'r' } }],
        ['an unpaired surrogate in text', { id: 'x', to: 'ana:h', amount: '1', evidence: { activity: 'a\ud800', reviewer: 'r' } }],
        [
          'a NUL in a metadata key',
          { id: 'x', to: 'ana:h', amount: '1', evidence: { activity: 'a', reviewer: 'r' }, metadata: { 'k\u0000': 1 } },
        ],
        [
          'deeply nested metadata',
          { id: 'x', to: 'ana:h', amount: '1', evidence: { activity: 'a', reviewer: 'r' }, metadata: { deep: nested(100_000) } },
        ],
      ])('refuses %s with VALIDATION and the offending path', async (_, body) => {
        const { tenantId, unchanged } = await community()
        await unchanged(() => ledger.earn({ tenantId, ...(body as object) } as never), 'VALIDATION')
      })
    })
  })
}
