import { Agent } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import './testing/no-console.js'
import { NoAnswer, send } from './faults/http-client.js'
import { type RunningServer, listen } from './http-server.js'

const servers: RunningServer[] = []
const agents: Agent[] = []
afterEach(async () => {
  for (const a of agents.splice(0)) a.destroy()
  await Promise.all(servers.splice(0).map((s) => s.close({ forceAfterMs: 0 })))
})

/** A server whose answers to /slow wait for `release`, with `n` idle keep-alive connections open to it. */
async function serverWithIdleConnections(n: number) {
  let release!: () => void
  const released = new Promise<void>((r) => {
    release = r
  })
  const running = await listen(
    {
      fetch: async (req) => {
        if (new URL(req.url).pathname === '/slow') await released
        return Response.json({ ok: true })
      },
    },
    { port: 0, hostname: '127.0.0.1' },
  )
  servers.push(running)
  const agent = new Agent({ keepAlive: true, maxSockets: n })
  agents.push(agent)
  await Promise.all(Array.from({ length: n }, () => send(agent, running.url, 'GET', '/')))
  expect(Object.values(agent.freeSockets).flat()).toHaveLength(n)
  return { running, agent, release }
}

describe('closing the HTTP server', () => {
  it('answers requests arriving on idle keep-alive connections during the grace period, with Connection: close', async () => {
    const { running, agent } = await serverWithIdleConnections(4)
    const closed = running.close({ graceMs: 5_000 })
    await sleep(50)
    const answers = await Promise.all(Array.from({ length: 4 }, () => send(agent, running.url, 'GET', '/')))
    for (const a of answers) expect([a.status, a.headers.connection, a.reusedSocket]).toEqual([200, 'close', true])
    // Every connection closed after its answer: close resolves well before the grace period ends.
    await closed
    await expect(send(agent, running.url, 'GET', '/')).rejects.toMatchObject({ code: 'ECONNREFUSED', reusedSocket: false })
  })

  it('closes connections still idle when the grace period ends', async () => {
    const { running, agent } = await serverWithIdleConnections(3)
    // Resolves only once every connection is closed, long before anything is forced.
    await running.close({ graceMs: 100, forceAfterMs: 60_000 })
    await sleep(50)
    expect(Object.values(agent.freeSockets).flat()).toHaveLength(0)
  })

  it('lets a request in flight finish, telling the client the connection closes', async () => {
    const { running, agent, release } = await serverWithIdleConnections(1)
    const slow = send(agent, running.url, 'GET', '/slow')
    await sleep(50)
    const closed = running.close({ graceMs: 0 })
    release()
    const answer = await slow
    expect([answer.status, answer.headers.connection]).toEqual([200, 'close'])
    await closed
  })

  it('without a grace period closes idle connections at once, as before', async () => {
    const { running, agent } = await serverWithIdleConnections(2)
    await running.close()
    const late = await send(agent, running.url, 'GET', '/').catch((e: NoAnswer) => e)
    expect(late).toBeInstanceOf(NoAnswer)
  })
})
