/**
 * The entry chain: every entry carries a SHA-256 over its content and the hash
 * of the entry before it on the same balance row (an account, or one shard of
 * a hot account), so editing, deleting or reordering a stored entry changes
 * every hash after it. The balance row keeps the chain's head and length: the
 * next writer reads them under the row lock it already holds, so chaining
 * needs no lock of its own.
 *
 * Two forms of the hash exist. Form 1 (`entryText`, migration 0006) is text;
 * form 2 (`entryBytes`, migration 0009) is fixed-width binary, cheaper to
 * build in SQL, and names the chain (tenant, account, shard) once, in a seed
 * standing in for the missing predecessor of its first entry, rather than in
 * every entry. Every writer uses form 2; entries written before 0009 keep
 * their form-1 hashes (stored data is never rewritten) and still verify.
 * The SQL functions `tb_chain_seed`, `tb_entry_stamp` and `tb_entry_hash2`
 * (migration 0009) compute form 2 for the one-round-trip write; this module is
 * the one definition both follow (`storage/chain.test.ts` checks they agree).
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

/**
 * How an entry's hash was taken: 1, over `entryText` (entries written before
 * migration 0009); 2, over `entryBytes` (every entry written since).
 */
export type ChainForm = 1 | 2

/** The form every writer uses. */
export const CURRENT_FORM: ChainForm = 2

/**
 * Form 1: the canonical text an entry's hash was taken over before migration
 * 0009 (version tag first, previous hash last, hex, empty at the start).
 * Kept to verify the entries written in it.
 */
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

/** The chain a balance row carries. */
export interface ChainId {
  tenantId: string
  accountId: string
  shard: number
}

// Each kind of preimage opens with its own 4-byte tag: form 1's text opens with `tb1|`,
// so no preimage of one kind can be read as one of another.
const SEED_TAG = Buffer.from('tb2c', 'latin1')
const ENTRY_TAG = Buffer.from('tb2e', 'latin1')

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest()

/**
 * Form 2's stand-in for the predecessor of a chain's first entry: SHA-256 of
 * `tb2c`, shard (int4), tenant's UTF-8 length (int4), tenant, account (the
 * rest). Every later hash depends on it, so every entry is bound to its chain
 * without repeating the chain's ids.
 */
export function chainSeed(c: ChainId): Buffer {
  const tenant = Buffer.from(c.tenantId, 'utf8')
  const head = Buffer.alloc(12)
  SEED_TAG.copy(head, 0)
  head.writeInt32BE(c.shard, 4)
  head.writeInt32BE(tenant.length, 8)
  return sha256(Buffer.concat([head, tenant, Buffer.from(c.accountId, 'utf8')]))
}

/**
 * Form 2: the bytes an entry's hash is taken over. Fixed-width big-endian
 * fields, so nothing needs a separator: `tb2e`, the instant (int8), the
 * previous entry's hash (32 bytes; the chain's seed at its start), the amount
 * (int8), 0x00 when there is no running balance or 0x01 and the balance
 * (int8), then the transfer id in UTF-8 (the rest). The instant leads because
 * it is the same for every entry one call writes: SQL builds that part once.
 */
export function entryBytes(e: EntryContent, prev: string | null): Buffer {
  // A chain's hashes are 32 bytes; whatever a tampered balance row holds is taken as it is, as SQL does.
  const before = prev === null ? chainSeed(e) : Buffer.from(prev, 'hex')
  const transfer = Buffer.from(e.transferId, 'utf8')
  const after = e.balanceAfter === null ? 1 : 9
  const out = Buffer.alloc(4 + 8 + before.length + 8 + after + transfer.length)
  let at = ENTRY_TAG.copy(out, 0)
  at = out.writeBigInt64BE(e.atMicros, at)
  at += before.copy(out, at)
  at = out.writeBigInt64BE(e.amount, at)
  if (e.balanceAfter === null) {
    at = out.writeUInt8(0, at)
  } else {
    at = out.writeUInt8(1, at)
    at = out.writeBigInt64BE(e.balanceAfter, at)
  }
  transfer.copy(out, at)
  return out
}

/** SHA-256 of an entry in the given form, hex. */
export function entryHashOf(form: ChainForm, e: EntryContent, prev: string | null): string {
  const h = createHash('sha256')
  if (form === 1) h.update(entryText(e, prev), 'utf8')
  else h.update(entryBytes(e, prev))
  return h.digest('hex')
}

/** SHA-256 of an entry in the form writers use now, hex. */
export function entryHash(e: EntryContent, prev: string | null): string {
  return entryHashOf(CURRENT_FORM, e, prev)
}

export const GENESIS: ChainHead = { hash: null, count: 0n }

/**
 * One step along a chain: the entry checked against `head` (where the chain
 * stood before it). Returns the new head and the form the entry's hash is in,
 * or the reason it breaks. A broken chain is not followed further: every later
 * hash depends on the broken one.
 *
 * An entry carries no mark of its form: its hash is recomputed in `prefer`
 * (pass the form of the entry before it; a chain changes form once, at
 * migration 0009), then in the other. Accepting either gives a forger nothing:
 * the forms' preimages open with different tags and each form encodes its
 * fields unambiguously, so a recorded hash matches one content and
 * predecessor in one form only, barring a SHA-256 collision, and neither form
 * commits to less than the other. A mark (a column per entry, or "form 2 from
 * entry N" on the balance row) would cost every write something to save one
 * hash where a chain changes form, would itself need protecting, and a
 * process still running older code during an upgrade may write a form-1 entry
 * after form-2 ones.
 */
export function advance(
  head: ChainHead,
  e: ChainEntry,
  prefer: ChainForm = CURRENT_FORM,
): { head: ChainHead; form: ChainForm } | { reason: ChainBreakReason } {
  if (e.hash === null) return { reason: 'unchained' }
  for (const form of prefer === 2 ? ([2, 1] as const) : ([1, 2] as const)) {
    const hash = entryHashOf(form, e, head.hash)
    if (hash === e.hash) return { head: { hash, count: head.count + 1n }, form }
  }
  return { reason: 'hash' }
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
  let form = CURRENT_FORM
  let checked = 0
  for (const e of entries) {
    const step = advance(head, e, form)
    if ('reason' in step) return { ok: false, checked, head, firstBroken: { ...chain, seq: e.seq.toString(), reason: step.reason } }
    head = step.head
    form = step.form
    checked++
  }
  if (recorded && (recorded.hash !== head.hash || recorded.count !== head.count)) {
    return { ok: false, checked, head, firstBroken: { ...chain, seq: null, reason: 'head' } }
  }
  return { ok: true, checked, head }
}
