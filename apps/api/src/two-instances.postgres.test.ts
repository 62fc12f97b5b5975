/**
 * Two API instances on one PostgreSQL schema, as two processes behind a load balancer run: nothing
 * shared but the database (each has its own pool, key cache, account facts and write coalescing).
 * A client that retries against the other instance, or sends the same id to both at once, gets one
 * write: one answer creates it, the other replays it, and a different request under the same id
 * is refused on whichever instance comes second.
 */
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseUrl } from '@timebank/ledger/testing'
import './testing/no-console.js'
import { type Community, type TestApi, seedCommunity, snapshot, startTestApi } from './testing/harness.js'

let admin: postgres.Sql
let schema: string
let a: TestApi
let b: TestApi
let t: Community

beforeAll(async () => {
  const url = testDatabaseUrl()
  schema = `tb_api_two_${randomBytes(6).toString('hex')}`
  admin = postgres(url, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create schema ${schema}`)
  const shared = new URL(url)
  shared.searchParams.set('search_path', schema)
  a = await startTestApi({ sharedDatabaseUrl: shared.toString() })
  b = await startTestApi({ sharedDatabaseUrl: shared.toString() })
  t = await seedCommunity(a)
}, 60_000)

afterAll(async () => {
  await a?.close()
  await b?.close()
  await admin?.unsafe(`drop schema if exists ${schema} cascade`)
  await admin?.end({ timeout: 5 })
})

const ROUNDS = 40
/** A decimal string in minor units ("10.00" → 1000n), for exact comparisons. */
const minor = (text: string) => BigInt(text.replace('.', ''))

describe('two API instances on one database', () => {
  it('apply a write sent to both at once exactly once, and replay it on the other', async () => {
    const before = await snapshot(a.ledger, t.tenantId)
    const answers = await Promise.all(
      Array.from({ length: ROUNDS }, async (_, i) => {
        const json = { id: `both-${i}`, from: 'ana:hours', to: 'bo:hours', amount: '0.01' }
        const [x, y] = await Promise.all([
          a.request('POST', '/v1/transfers', { key: t.ana, json }),
          b.request('POST', '/v1/transfers', { key: t.ana, json }),
        ])
        return [x, y] as const
      }),
    )
    for (const [x, y] of answers) {
      expect([x.status, y.status]).toEqual([201, 201])
      expect([x.body.replayed, y.body.replayed].sort()).toEqual([false, true])
      expect(y.body.transfer).toEqual(x.body.transfer)
    }
    const after = await snapshot(b.ledger, t.tenantId)
    const posted = (s: { balances: Record<string, unknown> }) => minor((s.balances['ana:hours'] as { posted: string }).posted)
    expect(posted(before) - posted(after)).toBe(BigInt(ROUNDS))
    for (const total of after.totals) expect(minor(total.total)).toBe(0n)
  })

  it('let only one of two different requests under one id through, whichever instance is second', async () => {
    const answers = await Promise.all(
      Array.from({ length: ROUNDS }, async (_, i) => {
        const id = `race-${i}`
        return Promise.all([
          a.request('POST', '/v1/earnings', {
            key: t.staff,
            json: { id, to: 'ana:points', amount: '1', evidence: { activity: 'patrol', reviewer: 'staff:li' } },
          }),
          b.request('POST', '/v1/earnings', {
            key: t.staff,
            json: { id, to: 'bo:points', amount: '2', evidence: { activity: 'patrol', reviewer: 'staff:li' } },
          }),
        ])
      }),
    )
    let ana = 0
    let bo = 0
    for (const [x, y] of answers) {
      expect([x.status, y.status].sort()).toEqual([201, 409])
      const winner = x.status === 201 ? x : y
      const loser = x.status === 201 ? y : x
      expect(loser.body.error.code).toBe('IDEMPOTENCY_CONFLICT')
      if (winner.body.transfer.to === 'ana:points') ana++
      else bo++
    }
    const ledger = await a.ledger.getBalance({ tenantId: t.tenantId, accountId: 'bo:points' })
    expect(ledger.posted).toBe(String(bo * 2))
    expect(ana + bo).toBe(ROUNDS)
  })
})
