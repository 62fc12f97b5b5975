import { describe, expect, it } from 'vitest'
import { type ChainEntry, type EntryContent, GENESIS, entryHash, entryText, verifyChain } from './chain.js'

const base: EntryContent = {
  tenantId: 'maple',
  accountId: 'ana:hours',
  shard: 0,
  transferId: 't1',
  amount: 150n,
  balanceAfter: 150n,
  atMicros: 1_767_225_600_123_000n,
}

/** A well-formed chain of `n` entries, as the writers would store it. */
function chain(n: number): ChainEntry[] {
  const out: ChainEntry[] = []
  let prev: string | null = null
  let balance = 0n
  for (let i = 0; i < n; i++) {
    balance += BigInt(10 + i)
    const content = { ...base, transferId: `t${i}`, amount: BigInt(10 + i), balanceAfter: balance, atMicros: base.atMicros + BigInt(i) }
    const hash = entryHash(content, prev)
    out.push({ ...content, seq: BigInt(100 + i), hash })
    prev = hash
  }
  return out
}

const where = { accountId: 'ana:hours', shard: 0 }
const headOf = (entries: ChainEntry[]) => ({ hash: entries[entries.length - 1]?.hash ?? null, count: BigInt(entries.length) })

describe('entry chain', () => {
  it('reads length-prefixed ids, so moving a separator between fields changes the text', () => {
    const a = entryText({ ...base, tenantId: 'a|1:b', accountId: 'c' }, null)
    const b = entryText({ ...base, tenantId: 'a', accountId: '1:b|c' }, null)
    expect(a).not.toBe(b)
    expect(entryText({ ...base, tenantId: 'é' }, null)).toContain('|2:é|')
  })

  it('tells a running balance of zero from none, and a first entry from a later one', () => {
    expect(entryHash({ ...base, balanceAfter: 0n }, null)).not.toBe(entryHash({ ...base, balanceAfter: null }, null))
    expect(entryHash(base, null)).not.toBe(entryHash(base, entryHash(base, null)))
  })

  it('verifies a chain written in order and ending at its recorded head', () => {
    const entries = chain(5)
    expect(verifyChain(where, entries, headOf(entries))).toMatchObject({ ok: true, checked: 5, head: headOf(entries) })
    expect(verifyChain(where, [], GENESIS)).toMatchObject({ ok: true, checked: 0 })
  })

  it('names the entry whose amount was edited', () => {
    const entries = chain(5)
    const edited = entries.map((e) => (e.seq === 102n ? { ...e, amount: e.amount + 1n } : e))
    expect(verifyChain(where, edited, headOf(entries)).firstBroken).toEqual({ ...where, seq: '102', reason: 'hash' })
  })

  it('names the entry after a deleted one', () => {
    const entries = chain(5)
    const gap = entries.filter((e) => e.seq !== 101n)
    expect(verifyChain(where, gap, headOf(entries)).firstBroken).toEqual({ ...where, seq: '102', reason: 'hash' })
  })

  it('names the first of two entries swapped', () => {
    const entries = chain(5)
    const [a, b] = [entries[1] as ChainEntry, entries[2] as ChainEntry]
    const swapped = [entries[0], { ...b, seq: a.seq }, { ...a, seq: b.seq }, entries[3], entries[4]] as ChainEntry[]
    expect(verifyChain(where, swapped, headOf(entries)).firstBroken).toEqual({ ...where, seq: '101', reason: 'hash' })
  })

  it('notices entries cut from the end only against the recorded head', () => {
    const entries = chain(5)
    expect(verifyChain(where, entries.slice(0, 4)).ok).toBe(true)
    expect(verifyChain(where, entries.slice(0, 4), headOf(entries)).firstBroken).toEqual({ ...where, seq: null, reason: 'head' })
  })

  it('refuses an entry that carries no hash', () => {
    const entries = chain(3).map((e) => (e.seq === 101n ? { ...e, hash: null } : e))
    expect(verifyChain(where, entries).firstBroken).toEqual({ ...where, seq: '101', reason: 'unchained' })
  })
})
