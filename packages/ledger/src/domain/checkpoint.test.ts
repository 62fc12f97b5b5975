import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { type ChainLeaf, type CheckpointBody, checkpointAuthentic, merkleRoot, signCheckpoint, sortLeaves } from './checkpoint.js'

const leaves: ChainLeaf[] = [
  { accountId: 'ben', shard: 0, head: 'bb', count: 2n },
  { accountId: 'sys:issuance:HOUR', shard: 3, head: null, count: 0n },
  { accountId: 'ana', shard: 0, head: 'aa', count: 3n },
]
const { privateKey, publicKey } = generateKeyPairSync('ed25519')
const bodyOf = (l: ChainLeaf[]): CheckpointBody => ({
  tenantId: 'maple',
  number: 1n,
  atMicros: 1_767_225_600_000_000n,
  root: merkleRoot(sortLeaves(l)),
  chains: l.length,
  entries: l.reduce((n, x) => n + x.count, 0n),
  previousRoot: null,
})

describe('checkpoint', () => {
  it('takes the root over the leaves in one order, whatever order they come in', () => {
    expect(merkleRoot(sortLeaves(leaves))).toBe(merkleRoot(sortLeaves([...leaves].reverse())))
    expect(sortLeaves(leaves).map((l) => l.accountId)).toEqual(['ana', 'ben', 'sys:issuance:HOUR'])
  })

  it('changes the root when any leaf changes', () => {
    const root = merkleRoot(sortLeaves(leaves))
    for (const changed of [
      { ...leaves[0], head: 'bc' },
      { ...leaves[0], count: 3n },
      { ...leaves[0], shard: 1 },
      { ...leaves[0], accountId: 'bem' },
    ] as ChainLeaf[]) {
      expect(merkleRoot(sortLeaves([changed, ...leaves.slice(1)]))).not.toBe(root)
    }
    expect(merkleRoot(sortLeaves(leaves.slice(1)))).not.toBe(root)
  })

  it('verifies its own signature and nothing altered', () => {
    const body = bodyOf(leaves)
    const signature = signCheckpoint(body, privateKey)
    expect(checkpointAuthentic(body, leaves, signature, publicKey)).toBe(true)
    expect(checkpointAuthentic({ ...body, number: 2n }, leaves, signature, publicKey)).toBe(false)
    expect(checkpointAuthentic(body, [{ ...leaves[0], count: 5n } as ChainLeaf, ...leaves.slice(1)], signature, publicKey)).toBe(false)
    expect(checkpointAuthentic(body, leaves, signature, generateKeyPairSync('ed25519').publicKey)).toBe(false)
  })
})
