import { IncomingMessage } from 'node:http'
import { Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { peerAddress } from './client-address.js'

/** The env a Node server hands the app: the request, with its socket connected from `from`. */
function fromSocket(from: string) {
  const socket = new Socket()
  Object.defineProperty(socket, 'remoteAddress', { value: from })
  return { incoming: new IncomingMessage(socket) }
}
const forwarded = (value: string) => new Headers({ 'x-forwarded-for': value })

describe("a client's address", () => {
  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(peerAddress(fromSocket('203.0.113.9'), forwarded('198.51.100.7'))).toBe('203.0.113.9')
    expect(peerAddress(fromSocket('203.0.113.9'), forwarded('198.51.100.7'), 0)).toBe('203.0.113.9')
  })

  it('behind trusted proxies is the entry the outermost one appended; what the client wrote before it is never read', () => {
    // One proxy (nginx on the same host): it appended the client it was connected from.
    expect(peerAddress(fromSocket('127.0.0.1'), forwarded('198.51.100.7'), 1)).toBe('198.51.100.7')
    expect(peerAddress(fromSocket('127.0.0.1'), forwarded('6.6.6.6, 198.51.100.7'), 1)).toBe('198.51.100.7')
    // Two: a load balancer, then nginx.
    expect(peerAddress(fromSocket('127.0.0.1'), forwarded('6.6.6.6, 198.51.100.7, 10.0.0.2'), 2)).toBe('198.51.100.7')
  })

  it("falls back to the socket's peer when the header did not come through every proxy", () => {
    expect(peerAddress(fromSocket('127.0.0.1'), new Headers(), 1)).toBe('127.0.0.1')
    expect(peerAddress(fromSocket('127.0.0.1'), forwarded('198.51.100.7'), 2)).toBe('127.0.0.1')
  })

  it('is unknown for a request that did not come over a socket', () => {
    expect(peerAddress(undefined, forwarded('198.51.100.7'), 1)).toBeUndefined()
    expect(peerAddress({ clientAddress: '198.51.100.7' }, new Headers(), 0)).toBeUndefined()
  })
})
