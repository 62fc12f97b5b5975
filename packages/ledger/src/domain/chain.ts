/**
 * The entry chain: every entry carries a SHA-256 over its content and the hash
 * of the entry before it on the same balance row (an account, or one shard of
 * a hot account), so editing, deleting or reordering a stored entry changes
 * every hash after it. The balance row keeps the chain's head and length: the
 * next writer reads them under the row lock it already holds, so chaining
 * needs no lock of its own.
 *
 * The SQL functions `tb_chain_prefix` and `tb_entry_hash` (migration 0006)
 * compute the same hash for the one-round-trip write; `entryText` is the one definition both follow
 * (`chain.test.ts` checks they agree).
 *
 * @example
 * const hash = entryHash({ tenantId, accountId, shard: 0, transferId, amount: -150n, balanceAfter: 850n, atMicros }, prevHash)
 * const verdict = verifyChain({ accountId, shard: 0 }, entriesInOrder, { hash: head, count })
 */
import { createHash } from 'node:crypto'

/** The content of an entry the chain commits to. */
export interface EntryContent {
  tenantId: string
  accountId: string
  /** Balance row the entry was written under: 0, or the shard of a hot account. */
  shard: number
  transferId: string
  /** Signed minor units: negative debits, positive credits. */
  amount: bigint
  /** Running balance after the entry; null on hot accounts. */
  balanceAfter: bigint | null
  /** `created_at` in microseconds since the epoch (the stored precision). */
  atMicros: bigint
}

/** An entry as stored: its content, its place and its recorded hash (hex; null when it was never chained). */
export interface ChainEntry extends EntryContent {
  seq: bigint
  hash: string | null
}

/** Why a chain does not verify. */
export type ChainBreakReason =
  /** The entry has no hash (written around the ledger). */
  | 'unchained'
  /** The recorded hash is not that of the entry's content after its predecessor: this entry or one before it was edited, removed or moved. */
  | 'hash'
  /** The chain ends elsewhere than its balance row says: entries were removed from its end, or added around the ledger. */
  | 'head'
  /** The chain does not pass through the head a signed checkpoint recorded for it: it was rewritten. */
  | 'checkpoint'

export interface ChainBreak {
  accountId: string
  shard: number
  /** The entry where the chain first fails (`tb_entries.seq`); null when the failure is at its end. */
  seq: string | null
  reason: ChainBreakReason
}

/** Where a chain stands: the hash of its last entry (null before the first) and how many entries it has. */
export interface ChainHead {
  hash: string | null
  count: bigint
}

/** A length-prefixed field: no choice of ids can make two different entries read the same. */
const field = (s: string) => `${Buffer.byteLength(s, 'utf8')}:${s}`

/** The canonical text an entry's hash is taken over (version tag first, previous hash last, hex, empty at the start). */
export function entryText(e: EntryContent, prev: string | null): string {
  return [
    'tb1',
    field(e.tenantId),
    field(e.accountId),
    String(e.shard),
    field(e.transferId),
    e.amount.toString(),
    e.balanceAfter === null ? '' : e.balanceAfter.toString(),
    e.atMicros.toString(),
    prev ?? '',
  ].join('|')
}

/** SHA-256 of the entry's canonical text, hex. */
export function entryHash(e: EntryContent, prev: string | null): string {
  return createHash('sha256').update(entryText(e, prev), 'utf8').digest('hex')
}

export const GENESIS: ChainHead = { hash: null, count: 0n }

/**
 * One step along a chain: the entry checked against `head` (where the chain
 * stood before it). Returns the new head, or the reason it breaks. A broken
 * chain is not followed further: every later hash depends on the broken one.
 */
export function advance(head: ChainHead, e: ChainEntry): { head: ChainHead } | { reason: ChainBreakReason } {
  if (e.hash === null) return { reason: 'unchained' }
  const hash = entryHash(e, head.hash)
  if (hash !== e.hash) return { reason: 'hash' }
  return { head: { hash, count: head.count + 1n } }
}

export interface ChainVerdict {
  ok: boolean
  /** Entries whose hash was recomputed and matched. */
  checked: number
  /** Where the entries lead (up to the first break). */
  head: ChainHead
  firstBroken?: ChainBreak
}

/**
 * Verify one chain (one balance row) from its stored entries, in `seq` order: every hash is
 * recomputed from content and predecessor; when `recorded` (the balance row's
 * head) is given, the chain must end exactly there.
 */
export function verifyChain(
  chain: { accountId: string; shard: number },
  entries: Iterable<ChainEntry>,
  recorded?: ChainHead,
): ChainVerdict {
  let head = GENESIS
  let checked = 0
  for (const e of entries) {
    const step = advance(head, e)
    if ('reason' in step) return { ok: false, checked, head, firstBroken: { ...chain, seq: e.seq.toString(), reason: step.reason } }
    head = step.head
    checked++
  }
  if (recorded && (recorded.hash !== head.hash || recorded.count !== head.count)) {
    return { ok: false, checked, head, firstBroken: { ...chain, seq: null, reason: 'head' } }
  }
  return { ok: true, checked, head }
}
