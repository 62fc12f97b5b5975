/**
 * A TCP proxy in front of a server, for outage tests: it can refuse
 * connections (a stopped server: existing ones cut, new ones ECONNREFUSED),
 * black-hole them (a partition: bytes vanish, new connections are accepted and
 * never answered) and be restored, on the same port.
 *
 * @example
 * const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 })
 * await proxy.refuse()
 * await proxy.restore()
 */
import { type Server, type Socket, connect, createServer } from 'node:net'

export interface TcpProxy {
  host: string
  port: number
  /** Stop listening and cut every connection. */
  refuse(): Promise<void>
  /** Drop every byte from now on, both ways; accept new connections and never answer them. */
  blackhole(): void
  /** Forward again; connections that lived through the outage are cut, as they would be by then. */
  restore(): Promise<void>
  close(): Promise<void>
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: 'forward' | 'blackhole' = 'forward'
  const sockets = new Set<Socket>()
  const track = (s: Socket) => {
    sockets.add(s)
    s.on('error', () => {})
    s.on('close', () => sockets.delete(s))
  }
  const onConnection = (client: Socket) => {
    track(client)
    if (mode === 'blackhole') {
      client.on('data', () => {})
      return
    }
    const upstream = connect(target.port, target.host)
    track(upstream)
    client.on('data', (d) => void (mode === 'forward' && upstream.write(d)))
    upstream.on('data', (d) => void (mode === 'forward' && client.write(d)))
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  }
  let server: Server = createServer(onConnection)
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve())
    })
  const stop = () => new Promise<void>((resolve) => server.close(() => resolve()))
  const cutAll = () => {
    for (const s of sockets) s.destroy()
  }
  await listen(0)
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  let listening = true
  return {
    host: '127.0.0.1',
    port,
    async refuse() {
      if (listening) {
        listening = false
        const stopped = stop()
        cutAll()
        await stopped
      }
    },
    blackhole() {
      mode = 'blackhole'
    },
    async restore() {
      if (mode === 'blackhole') cutAll()
      mode = 'forward'
      if (!listening) {
        server = createServer(onConnection)
        await listen(port)
        listening = true
      }
    },
    async close() {
      cutAll()
      if (listening) await stop()
      listening = false
    },
  }
}
