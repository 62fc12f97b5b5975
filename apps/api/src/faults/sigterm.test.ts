/**
 * SIGTERM to the server process: requests on open keep-alive connections are
 * answered, not reset, and the process exits 0. The server runs as a child
 * process on a temporary PGlite data directory.
 */
import { Agent } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import '../testing/no-console.js'
import { type Answer, NoAnswer, send } from './http-client.js'
import { serverFleet } from './server-process.js'

const fleet = serverFleet()
afterAll(() => fleet.cleanup(), 30_000)

const range = (n: number) => Array.from({ length: n }, (_, i) => i)

describe('SIGTERM to the server process', () => {
  it('answers a request sent on each open keep-alive connection just after the signal, with Connection: close', async () => {
    const server = await fleet.start(await fleet.pgliteStorage())
    const agent = new Agent({ keepAlive: true, maxSockets: 6 })
    // Six connections, open and idle.
    await Promise.all(range(6).map(() => send(agent, server.url, 'GET', '/v1/tenant/totals')))
    expect(Object.values(agent.freeSockets).flat()).toHaveLength(6)

    server.proc.kill('SIGTERM')
    await server.logged('shutting down: draining in-flight requests')
    // Long enough for a server that closes idle connections at once to have done so.
    await sleep(300)
    const answers = await Promise.allSettled(range(6).map(() => send(agent, server.url, 'GET', '/v1/tenant/totals')))
    expect(answers.map((a) => (a.status === 'rejected' ? String(a.reason) : 'answered'))).toEqual(range(6).map(() => 'answered'))
    for (const a of answers as PromiseFulfilledResult<Answer>[]) {
      expect([a.value.status, a.value.headers.connection, a.value.reusedSocket]).toEqual([200, 'close', true])
      expect(a.value.body.totals).toBeInstanceOf(Array)
    }
    expect(await server.exited).toEqual({ code: 0, signal: null })
    agent.destroy()
  }, 60_000)

  it('answers every request in flight at the signal and exits 0', async () => {
    const server = await fleet.start(await fleet.pgliteStorage())
    const agent = new Agent({ keepAlive: true, maxSockets: 6 })
    const accounts = ['a0', 'a1', 'a2', 'a3']
    for (const id of accounts) {
      expect((await send(agent, server.url, 'POST', '/v1/accounts', { id, asset: 'HOUR', owner: { type: 'member', id } })).status).toBe(201)
      const earned = await send(agent, server.url, 'POST', '/v1/earnings', {
        id: `fund-${id}`,
        to: id,
        amount: '100',
        evidence: { activity: 'seed', reviewer: 't' },
      })
      expect(earned.status).toBe(201)
    }
    // Every worker's connection open before the load starts, so no request in flight at the signal waits to be accepted.
    await Promise.all(range(6).map(() => send(agent, server.url, 'GET', '/v1/tenant/totals')))

    let signalled = false
    let inFlightAtSignal = 0
    const inFlight = new Set<string>()
    const startedBefore: { id: string; outcome: number | NoAnswer }[] = []
    const after: { id: string; outcome: number | NoAnswer }[] = []
    let reachedLoad!: () => void
    const loaded = new Promise<void>((r) => {
      reachedLoad = r
    })
    let answered = 0
    const worker = async (w: number) => {
      for (let i = 0; ; i++) {
        const id = `w${w}-${i}`
        const record = { id, outcome: 0 as number | NoAnswer }
        ;(signalled ? after : startedBefore).push(record)
        inFlight.add(id)
        const from = accounts[(w + i) % accounts.length] as string
        const to = accounts[(w + i + 1) % accounts.length] as string
        try {
          record.outcome = (
            await send(agent, server.url, 'POST', '/v1/transfers', { from, to, amount: '0.01' }, { 'idempotency-key': id })
          ).status
          if (++answered >= 30) reachedLoad()
        } catch (e) {
          if (!(e instanceof NoAnswer)) throw e
          record.outcome = e
          return
        } finally {
          inFlight.delete(id)
        }
      }
    }
    const workers = Promise.all(range(6).map(worker))
    await loaded
    signalled = true
    inFlightAtSignal = inFlight.size
    server.proc.kill('SIGTERM')
    expect(await server.exited).toEqual({ code: 0, signal: null })
    await workers
    agent.destroy()

    expect(inFlightAtSignal).toBeGreaterThan(0)
    // Every request sent before the signal got its answer.
    expect(startedBefore.filter((r) => typeof r.outcome !== 'number')).toEqual([])
    expect(startedBefore.every((r) => r.outcome === 201)).toBe(true)
    // After it, only a new connection may fail (refused: the server no longer accepts); never a kept-alive one.
    expect(after.filter((r) => r.outcome instanceof NoAnswer && r.outcome.reusedSocket)).toEqual([])
  }, 60_000)
})
