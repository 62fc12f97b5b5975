/**
 * Many clients at once on a real PostgreSQL server: four ledger instances
 * (as four processes would be), each with its own connection pool, 48 workers.
 * After each scenario the auditor reads the books from the tables.
 */
import { randomBytes } from 'node:crypto'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isLedgerError } from './domain/errors.js'
import { type Ledger, createLedger } from './ledger.js'
import type { LedgerDatabase } from './storage/driver.js'
import { SHARDS } from './storage/schema.js'
import { auditLedger } from './testing/audit.js'
import { testDatabaseUrl } from './testing/database-url.js'
import { type IsolatedDatabase, connectIsolated } from './testing/pg-isolated.js'

const WORKERS = 48
const INSTANCES = 4

let iso: IsolatedDatabase
const clients: postgres.Sql[] = []
let ledgers: Ledger[] = []

beforeAll(async () => {
  const url = testDatabaseUrl()
  iso = await connectIsolated(url, { max: 4 })
  for (let i = 0; i < INSTANCES; i++) {
    clients.push(postgres(url, { max: WORKERS / INSTANCES, onnotice: () => {}, connection: { search_path: iso.schema } }))
  }
  ledgers = clients.map((c) => createLedger({ db: drizzle(c) as unknown as LedgerDatabase }))
})

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end({ timeout: 5 })))
  await iso?.close()
})

/** Run `count` workers at once; worker i uses ledger instance i % INSTANCES. */
async function workers<T>(count: number, fn: (ledger: Ledger, i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => fn(ledgers[i % INSTANCES] as Ledger, i)))
}

const ledger = () => ledgers[0] as Ledger
const uid = () => randomBytes(4).toString('hex')

async function community(members: number, funds: string, asset: 'HOUR' | 'POINT' = 'POINT') {
  const tenantId = `c-${uid()}`
  await ledger().createTenant({ id: tenantId, name: 'Concurrency' })
  const ids = Array.from({ length: members }, (_, i) => `m${i}`)
  for (const id of ids) await ledger().openAccount({ tenantId, id, asset, owner: { type: 'member', id } })
  if (funds !== '0') {
    await ledger().batch({
      tenantId,
      operations: ids.map((to) => ({
        type: 'earn' as const,
        id: `fund-${to}`,
        to,
        amount: funds,
        evidence: { activity: 'seed', reviewer: 'test' },
      })),
    })
  }
  return { tenantId, ids }
}

const codeOf = (e: unknown) => (isLedgerError(e) ? e.code : `unexpected: ${String(e)}`)

/** Another session holding the issuance shards of `tenantId` numbered `from` and up, until `release()`. */
async function holdIssuanceShards(tenantId: string, from: number) {
  const blocker = postgres(testDatabaseUrl(), { max: 1, onnotice: () => {}, connection: { search_path: iso.schema } })
  let release!: () => void
  const released = new Promise<void>((r) => {
    release = r
  })
  let locked!: () => void
  const isLocked = new Promise<void>((r) => {
    locked = r
  })
  const holding = blocker.begin(async (tx) => {
    await tx`select 1 from tb_balances where tenant_id = ${tenantId} and account_id = 'sys:issuance:HOUR' and shard >= ${from} for update`
    locked()
    await released
  })
  await isLocked
  return {
    async release() {
      release()
      await holding
      await blocker.end()
    },
  }
}

describe('concurrent clients on PostgreSQL', () => {
  it('keeps the books exact under random transfers between overlapping accounts', async () => {
    const { tenantId, ids } = await community(12, '100')
    const expected = new Map(ids.map((id) => [id, 100n]))
    const refusals = new Map<string, number>()
    await workers(WORKERS, async (l, w) => {
      for (let k = 0; k < 25; k++) {
        const from = ids[(w * 7 + k * 3) % ids.length] as string
        const to = ids[(w * 5 + k * 11 + 1) % ids.length] as string
        if (from === to) continue
        const amount = BigInt(1 + ((w * 13 + k * 17) % 40))
        try {
          await l.transfer({ tenantId, id: `x-${w}-${k}`, from, to, amount: amount.toString() })
          expected.set(from, (expected.get(from) ?? 0n) - amount)
          expected.set(to, (expected.get(to) ?? 0n) + amount)
        } catch (e) {
          refusals.set(codeOf(e), (refusals.get(codeOf(e)) ?? 0) + 1)
        }
      }
    })
    // The only acceptable refusal is a genuine overdraft: no deadlock, no contention error escaped.
    expect([...refusals.keys()].filter((c) => c !== 'INSUFFICIENT_FUNDS')).toEqual([])
    for (const id of ids) {
      const b = await ledger().getBalance({ tenantId, accountId: id })
      expect(BigInt(b.posted)).toBe(expected.get(id))
      expect(BigInt(b.posted)).toBeGreaterThanOrEqual(0n)
    }
    expect(await auditLedger(iso.db, tenantId)).toEqual([])
  })

  it('holds every credit written after a lowered cap to it, whichever process wrote it', async () => {
    const { tenantId, ids } = await community(1, '0', 'HOUR')
    const cap = ids[0] as string
    await ledger().changeLimits({ tenantId, accountId: cap, id: 'cap-1500', ceiling: '1500' })
    // Every instance earns into the account until refused; one of them lowers the cap to 100 h meanwhile.
    const earns = workers(WORKERS, async (l, i) => {
      for (let k = 0; k < 200; k++) {
        try {
          await l.earn({ tenantId, id: `e-${i}-${k}`, to: cap, amount: '0.5', evidence: { activity: 'a', reviewer: 'r' } })
        } catch (e) {
          if (codeOf(e) === 'CEILING_EXCEEDED') return
          throw e
        }
      }
    })
    while (Number((await ledger().getBalance({ tenantId, accountId: cap })).posted) < 200) await new Promise((r) => setTimeout(r, 1))
    const { change } = await ledger().changeLimits({ tenantId, accountId: cap, id: 'cap-100', ceiling: '100' })
    await earns
    // Writes after the change are stamped no earlier than it; every one strictly later kept the new cap
    // (the balance was above it, so none was a credit), and the old cap was never reached.
    const history = await ledger().getHistory({ tenantId, accountId: cap, limit: 1000 })
    const later = history.entries.filter((e) => e.createdAt.getTime() > change.at.getTime())
    for (const e of later) expect(Number(e.balanceAfter), `${e.transferId} after the cap`).toBeLessThanOrEqual(100)
    expect(Number((await ledger().getBalance({ tenantId, accountId: cap })).posted)).toBeLessThan(1500)
    expect(await auditLedger(iso.db, tenantId)).toEqual([])
  })

  it('never deadlocks on opposing transfers between the same two accounts', async () => {
    const { tenantId } = await community(2, '1000')
    const results = await workers(WORKERS, async (l, w) => {
      const [from, to] = w % 2 === 0 ? ['m0', 'm1'] : ['m1', 'm0']
      let ok = 0
      for (let k = 0; k < 20; k++) {
        await l.transfer({ tenantId, id: `o-${w}-${k}`, from: from as string, to: to as string, amount: '1' })
        ok++
      }
      return ok
    })
    expect(results.reduce((a, b) => a + b, 0)).toBe(WORKERS * 20)
    expect((await ledger().getBalance({ tenantId, accountId: 'm0' })).posted).toBe('1000')
    expect((await ledger().getBalance({ tenantId, accountId: 'm1' })).posted).toBe('1000')
    expect(await auditLedger(iso.db, tenantId)).toEqual([])
  })

  it('spreads concurrent earns over the issuance account’s shards instead of one row', async () => {
    const { tenantId, ids } = await community(WORKERS, '0', 'HOUR')
    await workers(WORKERS, async (l, w) => {
      for (let k = 0; k < 20; k++) {
        await l.earn({
          tenantId,
          id: `h-${w}-${k}`,
          to: ids[w] as string,
          amount: '0.25',
          evidence: { activity: 'patrol', reviewer: 'staff' },
        })
      }
    })
    expect((await ledger().getBalance({ tenantId, accountId: 'sys:issuance:HOUR' })).posted).toBe(`-${(WORKERS * 20 * 0.25).toFixed(2)}`)
    const shards = await iso.client`
      select count(*)::int as used from tb_balances
      where tenant_id = ${tenantId} and account_id = 'sys:issuance:HOUR' and posted <> 0`
    expect(shards[0]?.used).toBeGreaterThan(1)
    expect(await auditLedger(iso.db, tenantId)).toEqual([])
  })

  it('lets earns proceed while other transactions hold all but one issuance shard', async () => {
    const { tenantId, ids } = await community(3, '0', 'HOUR')
    const held = await holdIssuanceShards(tenantId, 1)
    try {
      // If an earn had to wait for a held shard, this would hang until the test times out.
      for (let k = 0; k < 10; k++) {
        const r = await ledger().earn({
          tenantId,
          id: `s-${k}`,
          to: ids[k % 3] as string,
          amount: '1',
          evidence: { activity: 'a', reviewer: 'r' },
        })
        expect(r.replayed).toBe(false)
      }
    } finally {
      await held.release()
    }
    const shard = await iso.client`
      select shard, posted::text as posted from tb_balances
      where tenant_id = ${tenantId} and account_id = 'sys:issuance:HOUR' and posted <> 0`
    expect(shard).toEqual([{ shard: 0, posted: '-1000' }])
    expect(SHARDS).toBeGreaterThan(1)
  }, 30_000)

  it('makes an earn wait for a shard when every issuance shard is held, and complete once one is released', async () => {
    const { tenantId, ids } = await community(1, '0', 'HOUR')
    const held = await holdIssuanceShards(tenantId, 0)
    let released = false
    try {
      let settled = false
      const earn = ledger()
        .earn({ tenantId, id: 'wait-1', to: ids[0] as string, amount: '1', evidence: { activity: 'a', reviewer: 'r' } })
        .finally(() => {
          settled = true
        })
      // Wait until the earn's statement is queued behind the blocker's row locks.
      for (let i = 0; i < 200; i++) {
        const waiting =
          await iso.client`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%tb_move%'`
        if ((waiting[0]?.n ?? 0) > 0) break
        await new Promise((r) => setTimeout(r, 25))
      }
      expect(settled).toBe(false)
      released = true
      await held.release()
      expect((await earn).transfer.amount).toBe('1.00')
    } finally {
      if (!released) await held.release()
    }
    expect((await ledger().getBalance({ tenantId, accountId: ids[0] as string })).posted).toBe('1.00')
    expect(await auditLedger(iso.db, tenantId)).toEqual([])
  }, 30_000)

  it('applies one id sent by many clients at once exactly once', async () => {
    const { tenantId } = await community(2, '0')
    const same = { tenantId, id: 'only-once', to: 'm0', amount: '7', evidence: { activity: 'wish fulfilled', reviewer: 'staff' } }
    const results = await workers(WORKERS, (l) => l.earn(same))
    expect(results.filter((r) => !r.replayed)).toHaveLength(1)
    expect(results.filter((r) => r.replayed)).toHaveLength(WORKERS - 1)
    expect((await ledger().getBalance({ tenantId, accountId: 'm0' })).posted).toBe('7')
    const rows = await iso.client`select count(*)::int as n from tb_transfers where tenant_id = ${tenantId} and id = 'only-once'`
    expect(rows[0]?.n).toBe(1)

    // The same id with different requests: one wins, the others are told the id is taken.
    const outcomes = await workers(WORKERS, async (l, w) => {
      try {
        await l.earn({ ...same, id: 'contested', amount: String(1 + w) })
        return 'ok'
      } catch (e) {
        return codeOf(e)
      }
    })
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1)
    expect(outcomes.filter((o) => o !== 'ok').every((o) => o === 'IDEMPOTENCY_CONFLICT')).toBe(true)
    expect(await auditLedger(iso.db, tenantId)).toEqual([])
  })

  it('resolves each hold exactly once when many clients post and void them at once', async () => {
    const { tenantId } = await community(4, '500')
    const holds = Array.from({ length: 24 }, (_, i) => `hold-${i}`)
    for (const [i, id] of holds.entries()) {
      await ledger().transfer({ tenantId, id, from: `m${i % 4}`, to: `m${(i + 1) % 4}`, amount: '10', pending: true })
    }
    const outcomes = await workers(WORKERS, async (l, w) => {
      const pendingId = holds[w % holds.length] as string
      try {
        if (w % 3 === 0) await l.void({ tenantId, id: `v-${w}`, pendingId })
        else await l.post({ tenantId, id: `p-${w}`, pendingId, amount: String(1 + (w % 10)) })
        return 'ok'
      } catch (e) {
        return codeOf(e)
      }
    })
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(holds.length)
    expect(outcomes.filter((o) => o !== 'ok').every((o) => o === 'PENDING_ALREADY_RESOLVED')).toBe(true)
    const resolutions = await iso.client`
      select pending_id, count(*)::int as n from tb_transfers
      where tenant_id = ${tenantId} and pending_id is not null group by pending_id`
    expect(resolutions).toHaveLength(holds.length)
    expect(resolutions.every((r) => r.n === 1)).toBe(true)
    expect(await auditLedger(iso.db, tenantId)).toEqual([])
  })

  it('keeps atomic batches all-or-nothing under contention', async () => {
    const { tenantId, ids } = await community(8, '60')
    const expected = new Map(ids.map((id) => [id, 60n]))
    const outcomes = await workers(WORKERS / 2, async (l, w) => {
      let committed = 0
      for (let k = 0; k < 6; k++) {
        const legs = Array.from({ length: 10 }, (_, j) => {
          const from = ids[(w + j + k) % ids.length] as string
          const to = ids[(w * 3 + j * 5 + k + 1) % ids.length] as string
          return {
            from,
            to: from === to ? (ids[(ids.indexOf(from) + 1) % ids.length] as string) : to,
            amount: BigInt(1 + ((w + j * k) % 9)),
          }
        })
        const r = await l.batch({
          tenantId,
          operations: legs.map((leg, j) => ({
            type: 'transfer' as const,
            id: `b-${w}-${k}-${j}`,
            from: leg.from,
            to: leg.to,
            amount: leg.amount.toString(),
          })),
        })
        if (r.committed) {
          committed++
          for (const leg of legs) {
            expected.set(leg.from, (expected.get(leg.from) ?? 0n) - leg.amount)
            expected.set(leg.to, (expected.get(leg.to) ?? 0n) + leg.amount)
          }
        } else {
          const codes = r.results.map((x) => (x.ok ? 'ok' : x.error.code))
          expect(codes.filter((c) => c !== 'LINKED_EVENT_FAILED')).toEqual(['INSUFFICIENT_FUNDS'])
        }
      }
      return committed
    })
    expect(outcomes.reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
    for (const id of ids) expect(BigInt((await ledger().getBalance({ tenantId, accountId: id })).posted)).toBe(expected.get(id))
    expect(await auditLedger(iso.db, tenantId)).toEqual([])
  })
})
