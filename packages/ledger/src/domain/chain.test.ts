import { describe, expect, it } from 'vitest'
import {
  type ChainEntry,
  type ChainForm,
  type EntryContent,
  GENESIS,
  chainSeed,
  entryBytes,
  entryHash,
  entryHashOf,
  entryText,
  verifyChain,
} from './chain.js'

const base: EntryContent = {
  tenantId: 'maple',
  accountId: 'ana:hours',
  shard: 0,
  transferId: 't1',
  amount: 150n,
  balanceAfter: 150n,
  atMicros: 1_767_225_600_123_000n,
}

/** A well-formed chain of `n` entries, as the writers would store it, entry i hashed in `formOf(i)`. */
function chain(n: number, formOf: (i: number) => ChainForm = () => 2): ChainEntry[] {
  const out: ChainEntry[] = []
  let prev: string | null = null
  let balance = 0n
  for (let i = 0; i < n; i++) {
    balance += BigInt(10 + i)
    const content = { ...base, transferId: `t${i}`, amount: BigInt(10 + i), balanceAfter: balance, atMicros: base.atMicros + BigInt(i) }
    const hash = entryHashOf(formOf(i), content, prev)
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

  it('tells a running balance of zero from none, and a first entry from a later one, in either form', () => {
    for (const form of [1, 2] as const) {
      expect(entryHashOf(form, { ...base, balanceAfter: 0n }, null)).not.toBe(entryHashOf(form, { ...base, balanceAfter: null }, null))
      expect(entryHashOf(form, base, null)).not.toBe(entryHashOf(form, base, entryHashOf(form, base, null)))
    }
  })

  it('writes form 2, whose hash differs from form 1 of the same entry', () => {
    expect(entryHash(base, null)).toBe(entryHashOf(2, base, null))
    expect(entryHashOf(2, base, null)).not.toBe(entryHashOf(1, base, null))
  })

  it('lays form 2 out in fixed-width fields: tag, instant, predecessor, amount, running balance, transfer id', () => {
    const prev = 'ab'.repeat(32)
    const bytes = entryBytes({ ...base, amount: -2n, balanceAfter: 1n, transferId: 'é' }, prev)
    expect(bytes.toString('hex')).toBe(
      [
        Buffer.from('tb2e').toString('hex'),
        base.atMicros.toString(16).padStart(16, '0'),
        prev,
        'fffffffffffffffe',
        '01',
        '0000000000000001',
        'c3a9',
      ].join(''),
    )
    // No running balance: one byte 0, nothing after it but the id.
    expect(
      entryBytes({ ...base, balanceAfter: null, transferId: 't' }, prev)
        .subarray(52)
        .toString('hex'),
    ).toBe('0074')
  })

  it('starts each form-2 chain from a seed that names its tenant, account and shard', () => {
    // The first entry hashes over the seed, so the same first entry on another chain hashes differently.
    expect(entryBytes(base, null).subarray(12, 44)).toEqual(chainSeed(base))
    const first = entryHash(base, null)
    expect(entryHash({ ...base, tenantId: 'oak' }, null)).not.toBe(first)
    expect(entryHash({ ...base, accountId: 'ben:hours' }, null)).not.toBe(first)
    expect(entryHash({ ...base, shard: 1 }, null)).not.toBe(first)
    // The tenant's length is in the seed: moving bytes between tenant and account changes it.
    expect(chainSeed({ tenantId: 'ab', accountId: 'c', shard: 0 })).not.toEqual(chainSeed({ tenantId: 'a', accountId: 'bc', shard: 0 }))
  })

  it('refuses an entry that carries no hash', () => {
    const entries = chain(3).map((e) => (e.seq === 101n ? { ...e, hash: null } : e))
    expect(verifyChain(where, entries).firstBroken).toEqual({ ...where, seq: '101', reason: 'unchained' })
  })
})

// Entries written before migration 0009 are in form 1, after it in form 2; a process still running
// older code during an upgrade may add form 1 after form 2.
describe.each([
  { kind: 'form 1', formOf: (): ChainForm => 1 },
  { kind: 'form 2', formOf: (): ChainForm => 2 },
  { kind: 'form 1 then form 2 from the third entry', formOf: (i: number): ChainForm => (i < 2 ? 1 : 2) },
  { kind: 'forms alternating', formOf: (i: number): ChainForm => (i % 2 === 0 ? 1 : 2) },
])('a chain in $kind', ({ formOf }) => {
  it('verifies a chain written in order and ending at its recorded head', () => {
    const entries = chain(5, formOf)
    expect(verifyChain(where, entries, headOf(entries))).toMatchObject({ ok: true, checked: 5, head: headOf(entries) })
    expect(verifyChain(where, [], GENESIS)).toMatchObject({ ok: true, checked: 0 })
  })

  it('names the entry whose amount was edited', () => {
    const entries = chain(5, formOf)
    const edited = entries.map((e) => (e.seq === 102n ? { ...e, amount: e.amount + 1n } : e))
    expect(verifyChain(where, edited, headOf(entries)).firstBroken).toEqual({ ...where, seq: '102', reason: 'hash' })
  })

  it('names the entry after a deleted one', () => {
    const entries = chain(5, formOf)
    const gap = entries.filter((e) => e.seq !== 101n)
    expect(verifyChain(where, gap, headOf(entries)).firstBroken).toEqual({ ...where, seq: '102', reason: 'hash' })
  })

  it('names the first of two entries swapped', () => {
    const entries = chain(5, formOf)
    const [a, b] = [entries[1] as ChainEntry, entries[2] as ChainEntry]
    const swapped = [entries[0], { ...b, seq: a.seq }, { ...a, seq: b.seq }, entries[3], entries[4]] as ChainEntry[]
    expect(verifyChain(where, swapped, headOf(entries)).firstBroken).toEqual({ ...where, seq: '101', reason: 'hash' })
  })

  it('notices entries cut from the end only against the recorded head', () => {
    const entries = chain(5, formOf)
    expect(verifyChain(where, entries.slice(0, 4)).ok).toBe(true)
    expect(verifyChain(where, entries.slice(0, 4), headOf(entries)).firstBroken).toEqual({ ...where, seq: null, reason: 'head' })
  })

  it('names an entry whose hash is recomputed in the other form after an edit', () => {
    // Re-hashing one edited entry, in either form, cannot hide it: the next entry was chained to the old hash.
    const entries = chain(5, formOf)
    const edited = entries.map((e, i) => {
      if (e.seq !== 102n) return e
      const content = { ...e, amount: e.amount + 1n }
      return { ...content, hash: entryHashOf(formOf(i) === 1 ? 2 : 1, content, entries[1]?.hash ?? null) }
    })
    expect(verifyChain(where, edited, headOf(entries)).firstBroken).toEqual({ ...where, seq: '103', reason: 'hash' })
  })

  it('notices a chain rewritten from an edited entry on only against the head recorded before', () => {
    // What the chain alone cannot tell (signed checkpoints can): every hash after the edit recomputed with today's code.
    const entries = chain(5, formOf)
    let prev = entries[1]?.hash ?? null
    const rewritten = entries.map((e) => {
      if (e.seq < 102n) return e
      const content = { ...e, amount: e.amount + 1n }
      prev = entryHash(content, prev)
      return { ...content, hash: prev }
    })
    expect(verifyChain(where, rewritten).ok).toBe(true)
    expect(verifyChain(where, rewritten, headOf(entries)).firstBroken).toEqual({ ...where, seq: null, reason: 'head' })
  })

  it('names the first entry of a chain moved whole to another account', () => {
    const moved = chain(5, formOf).map((e) => ({ ...e, accountId: 'ben:hours' }))
    expect(verifyChain({ ...where, accountId: 'ben:hours' }, moved).firstBroken).toEqual({
      accountId: 'ben:hours',
      shard: 0,
      seq: '100',
      reason: 'hash',
    })
  })
})
