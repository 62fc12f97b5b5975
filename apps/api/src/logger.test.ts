import { describe, expect, it } from 'vitest'
import { jsonLogger } from './logger.js'

const sink = () => {
  const writes: string[] = []
  return { writes, out: { write: (chunk: string) => writes.push(chunk) } }
}
const turn = () => new Promise((resolve) => setImmediate(resolve))
const messages = (writes: string[]) =>
  writes.map((w) =>
    w
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).msg),
  )

describe('jsonLogger', () => {
  it('writes each line at once when not buffered', () => {
    const { writes, out } = sink()
    const log = jsonLogger(out)
    log.info('a', { n: 1 })
    log.warn('b')
    expect(messages(writes)).toEqual([['a'], ['b']])
    expect(JSON.parse(writes[0] as string)).toMatchObject({ level: 'info', msg: 'a', n: 1 })
  })

  it('buffered: writes the lines of one turn together, after it', async () => {
    const { writes, out } = sink()
    const log = jsonLogger(out, { buffered: true })
    log.info('a')
    log.info('b')
    expect(writes).toEqual([])
    await turn()
    expect(messages(writes)).toEqual([['a', 'b']])
    log.info('c')
    await turn()
    expect(messages(writes)).toEqual([['a', 'b'], ['c']])
  })

  it('buffered: an error goes out at once, after what was waiting', async () => {
    const { writes, out } = sink()
    const log = jsonLogger(out, { buffered: true })
    log.info('a')
    log.error('boom')
    expect(messages(writes)).toEqual([['a', 'boom']])
    await turn()
    expect(writes).toHaveLength(1)
  })

  it('buffered: a long run of lines is written in batches, none lost', async () => {
    const { writes, out } = sink()
    const log = jsonLogger(out, { buffered: true })
    for (let i = 0; i < 2000; i++) log.info('x', { i, pad: 'p'.repeat(100) })
    expect(writes.length).toBeGreaterThan(0)
    await turn()
    expect(messages(writes).flat()).toHaveLength(2000)
  })
})
