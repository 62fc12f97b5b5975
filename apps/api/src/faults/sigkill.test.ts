/**
 * SIGKILL to the server process in the middle of writes, then a restart on the
 * same storage: every write it acknowledged is there, an unanswered one is
 * safe to retry, and the books balance. On PGlite (a temporary data
 * directory, whose lock the dead process leaves behind) and, when
 * API_TEST_DATABASE_URL is set, on a fresh schema of that PostgreSQL server.
 */
import { Agent } from 'node:http'
import { afterAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { NoAnswer, send } from './http-client.js'
import { type ServerFleet, type ServerStorage, serverFleet } from './server-process.js'

const fleet = serverFleet()
afterAll(() => fleet.cleanup(), 30_000)

const POSTGRES_URL = process.env.API_TEST_DATABASE_URL
const ACCOUNTS = ['a0', 'a1', 'a2', 'a3', 'a4']

interface Write {
  path: '/v1/earnings' | '/v1/transfers'
  id: string
  body: Record<string, unknown>
}

/** Worker w's i-th write: mostly transfers between the accounts, every fourth an earning. */
function write(w: number, i: number): Write {
  const id = `w${w}-${i}`
  const amount = `${(i % 5) + 1}.${w}${i % 10}`
  if (i % 4 === 3) {
    return { path: '/v1/earnings', id, body: { to: ACCOUNTS[(w + i) % 5], amount, evidence: { activity: 'load', reviewer: 't' } } }
  }
  return { path: '/v1/transfers', id, body: { from: ACCOUNTS[(w + i) % 5], to: ACCOUNTS[(w + i + 1 + (i % 3)) % 5], amount } }
}

async function killedUnderLoad(fleetOf: ServerFleet, storage: ServerStorage) {
  const first = await fleetOf.start(storage)
  const agent = new Agent({ keepAlive: true, maxSockets: 6 })
  for (const id of ACCOUNTS) {
    expect((await send(agent, first.url, 'POST', '/v1/accounts', { id, asset: 'HOUR', owner: { type: 'member', id } })).status).toBe(201)
    const funded = await send(agent, first.url, 'POST', '/v1/earnings', {
      id: `fund-${id}`,
      to: id,
      amount: '100',
      evidence: { activity: 'seed', reviewer: 't' },
    })
    expect(funded.status).toBe(201)
  }

  const acked: Write[] = []
  const unanswered: Write[] = []
  let reachedLoad!: () => void
  const loaded = new Promise<void>((r) => {
    reachedLoad = r
  })
  const worker = async (w: number) => {
    for (let i = 0; ; i++) {
      const op = write(w, i)
      try {
        const res = await send(agent, first.url, 'POST', op.path, op.body, { 'idempotency-key': op.id })
        expect([op.id, res.status]).toEqual([op.id, 201])
        acked.push(op)
        if (acked.length >= 40) reachedLoad()
      } catch (e) {
        if (!(e instanceof NoAnswer)) throw e
        // Killed: this one may or may not have been committed.
        unanswered.push(op)
        return
      }
    }
  }
  const workers = Promise.all([0, 1, 2, 3, 4, 5].map(worker))
  await loaded
  first.proc.kill('SIGKILL')
  expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' })
  await workers
  agent.destroy()
  expect(unanswered.length).toBeGreaterThan(0)

  const second = await fleetOf.start(storage)
  const again = new Agent({ keepAlive: true, maxSockets: 6 })
  if ('DATA_DIR' in storage) {
    expect(await second.logged('took over a stale lock: its process is gone')).toMatchObject({ pid: first.proc.pid })
  }
  const landed = await Promise.all(acked.map((op) => send(again, second.url, 'GET', `/v1/transfers/${op.id}`)))
  for (const [i, op] of acked.entries()) {
    const got = landed[i]?.body
    expect([op.id, landed[i]?.status, got.amount]).toEqual([op.id, 200, op.body.amount])
    expect([op.id, got.to, got.from === op.body.from || op.body.from === undefined]).toEqual([op.id, op.body.to, true])
  }
  // An unanswered write retried with its key: applied once (now or before the kill), or refused; never a conflict.
  for (const op of unanswered) {
    const res = await send(again, second.url, 'POST', op.path, op.body, { 'idempotency-key': op.id })
    expect([op.id, res.status === 201 || res.status === 422]).toEqual([op.id, true])
  }
  const totals = await send(again, second.url, 'GET', '/v1/tenant/totals')
  expect(totals.body.totals.length).toBeGreaterThan(0)
  for (const t of totals.body.totals) expect([t.asset, Number(t.total)]).toEqual([t.asset, 0])
  again.destroy()
  second.proc.kill('SIGTERM')
  expect(await second.exited).toEqual({ code: 0, signal: null })
}

describe('SIGKILL to the server process under load', () => {
  it('keeps every acknowledged write on PGlite, and a restart takes over the dead process lock', async () => {
    await killedUnderLoad(fleet, await fleet.pgliteStorage())
  }, 90_000)

  it.skipIf(!POSTGRES_URL)(
    'keeps every acknowledged write on PostgreSQL (API_TEST_DATABASE_URL)',
    async () => {
      await killedUnderLoad(fleet, await fleet.postgresStorage(POSTGRES_URL as string))
    },
    90_000,
  )
})
