import { generateKeyPairSync } from 'node:crypto'
import fc from 'fast-check'
import { canonicalJson } from '@timebank/ledger/kit'
import { describe, expect, it } from 'vitest'
import {
  type CertificateDocument,
  CertificateDocument as CertificateDocumentSchema,
  SignedCertificate,
  canonicalHash,
  holderName,
  nameDigest,
  publicForm,
  signCertificate,
  signedBytes,
  summariseContent,
  verifyCertificate,
  verifyUrl,
} from './certificate.js'

/** The same value with every object's keys in another order. */
function reorder(value: unknown, pick: (n: number) => number): unknown {
  if (Array.isArray(value)) return value.map((v) => reorder(v, pick))
  if (value === null || typeof value !== 'object') return value
  const keys = Object.keys(value)
  const shuffled: string[] = []
  while (keys.length > 0) shuffled.push(keys.splice(pick(keys.length), 1)[0] as string)
  return Object.fromEntries(shuffled.map((k) => [k, reorder((value as Record<string, unknown>)[k], pick)]))
}

const keys = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    publicKeyObject: publicKey,
  }
}

const holder = { name: '张小明', salt: '00112233445566778899aabbccddeeff' }
const document: CertificateDocument = {
  version: 2,
  community: { tenantId: 'maple', name: 'Maple Street', issuer: '枫树街社区居委会' },
  serial: 7,
  member: { pseudonym: 'V-ABCDEFGH', nameDigest: nameDigest(holder.salt, holder.name) },
  scope: { period: '2026-Q1' },
  hours: '12.50',
  content: 'Spring clean-up 2.00 h; elder-visit ×3 10.50 h',
  recordCount: 5,
  issuedAt: '2026-04-02T02:00:00.000Z',
  verifyUrl: 'https://timebank.example/verify/maple/7',
  holder,
}

/** Every leaf of a value with its path. */
function leaves(value: unknown, path: (string | number)[] = []): [(string | number)[], unknown][] {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, Array.isArray(value) ? Number(k) : k]))
  }
  return [[path, value]]
}

function withLeaf(value: unknown, path: (string | number)[], leaf: unknown): unknown {
  if (path.length === 0) return leaf
  const [head, ...rest] = path as [string | number, ...(string | number)[]]
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>
  copy[head] = withLeaf(copy[head], rest, leaf)
  return copy
}

describe('canonical JSON', () => {
  it('sorts keys and leaves out spaces', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: '3', c: null }], e: undefined, f: true })).toBe('{"a":[2,{"c":null,"d":"3"}],"b":1,"f":true}')
  })

  it('does not depend on key order, and reads back to itself', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.infiniteStream(fc.nat()), (value, picks) => {
        const it = picks[Symbol.iterator]()
        const text = canonicalJson(value)
        expect(canonicalJson(reorder(value, (n) => (it.next().value as number) % n))).toBe(text)
        expect(canonicalJson(JSON.parse(text))).toBe(text)
        // No whitespace between tokens: as long as JSON.stringify's compact form.
        expect(text.length).toBe(JSON.stringify(JSON.parse(text)).length)
      }),
    )
  })

  it('refuses what has no exact JSON form', () => {
    expect(() => canonicalJson({ a: 1n })).toThrow(TypeError)
    expect(() => canonicalJson([Number.NaN])).toThrow(TypeError)
    expect(() => canonicalJson([undefined])).toThrow(TypeError)
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError)
  })

  it('hashes the canonical form: key order does not change the hash, a value does', () => {
    expect(canonicalHash({ a: 1, b: [1, 2] })).toBe(canonicalHash({ b: [1, 2], a: 1 }))
    expect(canonicalHash({ a: 1, b: [1, 2] })).not.toBe(canonicalHash({ a: 1, b: [2, 1] }))
    expect(canonicalHash({})).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('certificate signatures', () => {
  const k = keys()
  const signature = signCertificate(document, k.privateKey)
  const shown = publicForm(document)

  it('verify offline with the public key alone, whatever the key order or JSON round trip', () => {
    for (const form of [document, shown]) {
      expect(verifyCertificate(form, signature, k.publicKey)).toBe(true)
      expect(verifyCertificate(form, signature, k.publicKeyObject)).toBe(true)
      expect(verifyCertificate(JSON.parse(JSON.stringify(form)), signature, k.publicKey)).toBe(true)
      expect(
        verifyCertificate(
          reorder(form, (n) => n - 1),
          signature,
          k.publicKey,
        ),
      ).toBe(true)
    }
    expect(CertificateDocumentSchema.parse(document)).toEqual(document)
    expect(SignedCertificate.parse(shown)).toEqual(shown)
    expect(() => SignedCertificate.parse(document)).toThrow()
  })

  it("fail when any value of the document changes, the holder's name and salt included", () => {
    for (const form of [document, shown]) {
      for (const [path, leaf] of leaves(form)) {
        const changed = typeof leaf === 'number' ? leaf + 1 : `${String(leaf)}x`
        expect(verifyCertificate(withLeaf(form, path, changed), signature, k.publicKey), path.join('.')).toBe(false)
      }
      expect(verifyCertificate({ ...form, extra: 1 }, signature, k.publicKey)).toBe(false)
      expect(verifyCertificate({ ...form, recordCount: 4 }, signature, k.publicKey)).toBe(false)
    }
    expect(verifyCertificate({ ...document, holder: { ...holder, name: '张小朋' } }, signature, k.publicKey)).toBe(false)
    expect(verifyCertificate({ ...document, holder: { ...holder, salt: 'ff'.repeat(16) } }, signature, k.publicKey)).toBe(false)
    expect(verifyCertificate({ ...document, hours: '99.00' }, signature, k.publicKey)).toBe(false)
    expect(verifyCertificate({ ...document, holder: { name: holder.name } }, signature, k.publicKey)).toBe(false)
    expect(verifyCertificate({ ...document, holder: null }, signature, k.publicKey)).toBe(false)
  })

  it("cover no name: the signed bytes of the holder's copy and of the public form are the same, whatever the name", () => {
    const bytes = signedBytes(document)
    expect(bytes.equals(signedBytes(shown))).toBe(true)
    expect(bytes.equals(signedBytes({ ...document, holder: { name: '李四', salt: holder.salt } }))).toBe(true)
    expect(bytes.includes(Buffer.from(holder.name, 'utf8'))).toBe(false)
    expect(bytes.includes(Buffer.from(holder.salt, 'utf8'))).toBe(false)
    expect(bytes.toString('utf8')).not.toContain('holder')
    // Without the salt, a guessed name cannot be tested against the public form: every guess (the right one
    // too) gives the same bytes, and the digest of the right name under any other salt is another digest.
    for (const guess of ['张小明', '张大明', '张一明']) {
      const tried = { ...shown, holder: { name: guess, salt: '00'.repeat(16) } }
      expect(signedBytes(tried).equals(bytes), guess).toBe(true)
      expect(verifyCertificate(tried, signature, k.publicKey), guess).toBe(false)
    }
  })

  it('digest the name with its salt: canonical, salted, name-sensitive', () => {
    expect(nameDigest(holder.salt, holder.name)).toBe(canonicalHash({ salt: holder.salt, name: holder.name }))
    expect(nameDigest(holder.salt, holder.name)).toMatch(/^[0-9a-f]{64}$/)
    expect(nameDigest(holder.salt, '张小朋')).not.toBe(nameDigest(holder.salt, holder.name))
    expect(nameDigest('ff'.repeat(16), holder.name)).not.toBe(nameDigest(holder.salt, holder.name))
  })

  it('show the holder by name on their copy, by pseudonym once the name is gone', () => {
    expect(holderName(document)).toBe('张小明')
    expect(holderName(shown)).toBe('V-ABCDEFGH')
  })

  it('fail when any byte of the signed form changes', async () => {
    const { verify } = await import('node:crypto')
    const bytes = signedBytes(document)
    const sig = Buffer.from(signature, 'base64url')
    fc.assert(
      fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, flip) => {
        const tampered = Buffer.from(bytes)
        tampered[i] = (tampered[i] as number) ^ flip
        expect(verify(null, tampered, k.publicKeyObject, sig)).toBe(false)
      }),
      { numRuns: 200 },
    )
  })

  it("fail with another community's key, or a malformed key, signature or document, without throwing", () => {
    expect(verifyCertificate(document, signature, keys().publicKey)).toBe(false)
    expect(verifyCertificate(document, signature, 'not a key')).toBe(false)
    expect(verifyCertificate(document, 'AAAA', k.publicKey)).toBe(false)
    expect(verifyCertificate({ a: 1n }, signature, k.publicKey)).toBe(false)
    for (const bad of [null, 'text', 7, [document], { ...document, member: null }]) {
      expect(verifyCertificate(bad, signature, k.publicKey)).toBe(false)
    }
  })
})

describe('certificate content', () => {
  it('summarises what was done, most hours first, counting repeats', () => {
    const text = summariseContent(
      [
        { label: 'elder-visit', hours: 150n },
        { label: 'Spring clean-up', hours: 200n },
        { label: 'elder-visit', hours: 300n },
        { label: 'errand', hours: 200n },
      ],
      (h) => (Number(h) / 100).toFixed(2),
    )
    expect(text).toBe('elder-visit ×2 4.50 h; Spring clean-up 2.00 h; errand 2.00 h')
  })

  it('links to the public check without a doubled slash', () => {
    expect(verifyUrl('https://tb.example/', 'maple', 12)).toBe('https://tb.example/verify/maple/12')
    expect(verifyUrl('https://tb.example', 'maple', 12)).toBe('https://tb.example/verify/maple/12')
  })
})
