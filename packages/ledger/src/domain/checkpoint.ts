/**
 * Signed checkpoints: one Merkle root over every chain's head and length
 * (sorted by account, then shard), signed with the tenant's Ed25519 key.
 * Whoever rewrites a whole chain consistently (every hash recomputed, the
 * balance row's head updated) still cannot make it pass through the head a
 * checkpoint recorded, nor re-sign the checkpoint without the private key.
 *
 * Keys are those the community keeps for certificates: the private key as
 * PKCS#8 DER base64 (or a KeyObject), the public key as SPKI DER base64 (or a
 * KeyObject).
 *
 * @example
 * const root = merkleRoot(sortLeaves(leaves))
 * const signature = signCheckpoint(body, privateKey)
 * checkpointAuthentic(body, leaves, signature, publicKey) // true
 */
import { type KeyObject, createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto'
import { ErrorCode, LedgerError } from './errors.js'

/** One chain as a checkpoint records it. */
export interface ChainLeaf {
  accountId: string
  shard: number
  /** Hash of the chain's last entry, hex; null for a chain with no entries yet. */
  head: string | null
  count: bigint
}

/** What a checkpoint's signature covers. */
export interface CheckpointBody {
  tenantId: string
  /** 1, 2, … per tenant. */
  number: bigint
  atMicros: bigint
  /** Merkle root of the leaves, hex. */
  root: string
  chains: number
  entries: bigint
  /** The root of the tenant's checkpoint before this one (hex), null for the first: checkpoints chain too. */
  previousRoot: string | null
}

const field = (s: string) => `${Buffer.byteLength(s, 'utf8')}:${s}`
const sha256 = (...parts: (Buffer | string)[]) => {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return h.digest()
}
// Leaves and inner nodes hash with different prefixes, so no inner node can pass for a leaf (RFC 6962).
const LEAF = Buffer.from([0])
const NODE = Buffer.from([1])

/** Leaves in the one order the root is taken in: account id by its UTF-8 bytes, then shard. */
export function sortLeaves(leaves: readonly ChainLeaf[]): ChainLeaf[] {
  return [...leaves].sort((a, b) => Buffer.compare(Buffer.from(a.accountId, 'utf8'), Buffer.from(b.accountId, 'utf8')) || a.shard - b.shard)
}

export function leafHash(l: ChainLeaf): Buffer {
  return sha256(LEAF, ['tb1-leaf', field(l.accountId), String(l.shard), l.count.toString(), l.head ?? ''].join('|'))
}

/** Merkle root of sorted leaves, hex: pairs hashed level by level, an odd last node carried up as is; no leaves hash to SHA-256 of nothing. */
export function merkleRoot(sorted: readonly ChainLeaf[]): string {
  if (sorted.length === 0) return sha256().toString('hex')
  let level = sorted.map(leafHash)
  while (level.length > 1) {
    const next: Buffer[] = []
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as Buffer
      const right = level[i + 1]
      next.push(right ? sha256(NODE, left, right) : left)
    }
    level = next
  }
  return (level[0] as Buffer).toString('hex')
}

/** The canonical text a checkpoint's signature is over. */
export function checkpointText(b: CheckpointBody): string {
  return [
    'tb1-checkpoint',
    field(b.tenantId),
    b.number.toString(),
    b.atMicros.toString(),
    String(b.chains),
    b.entries.toString(),
    b.root,
    b.previousRoot ?? '',
  ].join('|')
}

const badKey = (which: string, format: string) =>
  new LedgerError(ErrorCode.VALIDATION, `${which} must be an Ed25519 key: a KeyObject or ${format} base64`, { field: which })

/** The tenant's private key from PKCS#8 DER base64 or a KeyObject; VALIDATION when it is not an Ed25519 private key. */
export function privateKeyOf(key: string | KeyObject): KeyObject {
  let k: KeyObject
  try {
    k = typeof key === 'string' ? createPrivateKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'pkcs8' }) : key
  } catch {
    throw badKey('privateKey', 'PKCS#8 DER')
  }
  if (k.type !== 'private' || k.asymmetricKeyType !== 'ed25519') throw badKey('privateKey', 'PKCS#8 DER')
  return k
}

/** The tenant's public key from SPKI DER base64 or a KeyObject; VALIDATION when it is not an Ed25519 public key. */
export function publicKeyOf(key: string | KeyObject): KeyObject {
  let k: KeyObject
  try {
    k = typeof key === 'string' ? createPublicKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'spki' }) : key
  } catch {
    throw badKey('publicKey', 'SPKI DER')
  }
  if (k.type !== 'public' || k.asymmetricKeyType !== 'ed25519') throw badKey('publicKey', 'SPKI DER')
  return k
}

/** Ed25519 signature of the checkpoint's text, base64url. */
export function signCheckpoint(body: CheckpointBody, privateKey: KeyObject): string {
  return sign(null, Buffer.from(checkpointText(body), 'utf8'), privateKey).toString('base64url')
}

/** True when the leaves hash to the body's root and the signature over the body verifies under the key. */
export function checkpointAuthentic(body: CheckpointBody, leaves: readonly ChainLeaf[], signature: string, publicKey: KeyObject): boolean {
  if (leaves.length !== body.chains || leaves.reduce((n, l) => n + l.count, 0n) !== body.entries) return false
  if (merkleRoot(sortLeaves(leaves)) !== body.root) return false
  return verify(null, Buffer.from(checkpointText(body), 'utf8'), publicKey, Buffer.from(signature, 'base64url'))
}
