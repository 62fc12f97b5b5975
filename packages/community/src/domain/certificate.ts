/**
 * Volunteer service certificates (志愿服务证明), pure: the document a
 * community signs, its canonical form (what the signature covers), signing
 * with the community's Ed25519 key, and verifying offline with nothing but
 * the public key. Also the canonical hash closed periods' snapshots use.
 *
 * The signed document never names its holder: it carries the member's
 * pseudonym and a salted digest of their full name (SHA-256 of the canonical
 * JSON of `{ name, salt }`, the salt 16 random bytes made per certificate).
 * The holder's copy adds `holder: { name, salt }` beside the signed fields,
 * outside the signature, so whoever holds it can show that the name is the
 * one certified; the public form (without `holder`) proves the certificate
 * and gives nothing to test a guessed name against. Erasing the member drops
 * `holder`, and the signature still verifies.
 *
 * @example
 * const signature = signCertificate(document, community.privateKey)
 * verifyCertificate(document, signature, community.publicKey) // true: the holder's copy, name checked
 * verifyCertificate(publicForm(document), signature, community.publicKey) // true: the public form
 * verifyCertificate({ ...document, hours: '99.00' }, signature, community.publicKey) // false
 */
import { canonicalJson } from '@timebank/ledger/kit'
import { type KeyObject, createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto'
import { z } from 'zod'

/** What a certificate covers: the member's approved hours of a period, or of one activity. */
export const CertificateScope = z.union([
  z.strictObject({ period: z.string() }),
  z.strictObject({ activityId: z.string(), title: z.string() }),
])
export type CertificateScope = z.infer<typeof CertificateScope>

/** Bytes of randomness in a certificate's name salt (hex in the document). */
export const NAME_SALT_BYTES = 16

const Hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${2 * bytes}}$`), `${2 * bytes} lowercase hex digits`)

/** The signed document (the public form): every field a reader of the certificate relies on, and no name. */
export const SignedCertificate = z.strictObject({
  version: z.literal(2),
  community: z.strictObject({
    tenantId: z.string(),
    name: z.string(),
    issuer: z.string().describe('Who issues it, as printed (the community by default).'),
  }),
  serial: z.number().int().positive().describe('Gap-free per community, from 1.'),
  member: z.strictObject({
    pseudonym: z.string().describe("The member's pseudonym (V-XXXXXXXX), never their id."),
    nameDigest: Hex(32).describe('SHA-256 (hex) of the canonical JSON of `{ name, salt }`: the full name, salted per certificate.'),
  }),
  scope: CertificateScope,
  hours: z.string().describe('Certified hours, decimal text, e.g. "12.50".'),
  content: z.string().describe('What was done: the activities and task kinds summarised, or as the issuer gave it.'),
  recordCount: z.number().int().positive().describe('How many hour records it certifies.'),
  issuedAt: z.string().describe('ISO instant.'),
  verifyUrl: z.string(),
})
export type SignedCertificate = z.infer<typeof SignedCertificate>

/** The holder's part of their copy, outside the signature: the name `member.nameDigest` is the digest of, and its salt. */
export const CertificateHolder = z.strictObject({
  name: z.string().describe("The member's full name as certified."),
  salt: Hex(NAME_SALT_BYTES).describe('The salt of `member.nameDigest`, hex.'),
})
export type CertificateHolder = z.infer<typeof CertificateHolder>

/** A certificate as stored and as its holder has it: the signed fields, and `holder` until the member is erased. */
export const CertificateDocument = SignedCertificate.extend({
  holder: CertificateHolder.optional().describe('Not signed: checked against `member.nameDigest`. Gone once the member is erased.'),
})
export type CertificateDocument = z.infer<typeof CertificateDocument>

/** SHA-256 of a value's canonical JSON, hex. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex')
}

/** The salted digest that stands for the holder's name in the signed document. */
export const nameDigest = (salt: string, name: string): string => canonicalHash({ name, salt })

/** The document without its holder's part: what the signature covers, and all the public sees. */
export function publicForm(document: CertificateDocument | SignedCertificate): SignedCertificate {
  const { holder: _holder, ...signed } = document as CertificateDocument
  return signed
}

/** The name the holder's copy shows: the full name while the member has one, their pseudonym once erased. */
export const holderName = (document: CertificateDocument): string => document.holder?.name ?? document.member.pseudonym

/**
 * The bytes a certificate's signature covers: the canonical JSON of the document without `holder`. The
 * one encoding signing and verifying share; the holder's name is never among them.
 */
export function signedBytes(document: CertificateDocument | SignedCertificate): Buffer {
  return Buffer.from(canonicalJson(publicForm(document)), 'utf8')
}

const privateKeyOf = (key: string | KeyObject): KeyObject =>
  typeof key === 'string' ? createPrivateKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'pkcs8' }) : key

const publicKeyOf = (key: string | KeyObject): KeyObject =>
  typeof key === 'string' ? createPublicKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'spki' }) : key

/** Sign a document with the community's Ed25519 private key (PKCS#8 DER base64, or a KeyObject): base64url. */
export function signCertificate(document: CertificateDocument | SignedCertificate, privateKey: string | KeyObject): string {
  return sign(null, signedBytes(document), privateKeyOf(privateKey)).toString('base64url')
}

/**
 * True when `signature` (base64url) is the community's signature of this document, offline: needs only
 * the public key (SPKI DER base64, as the community publishes it, or a KeyObject). Takes the holder's
 * copy (with `holder`: its name and salt must also give `member.nameDigest`) or the public form (without
 * it). A malformed key, signature or document verifies nothing: false, never an exception.
 */
export function verifyCertificate(document: unknown, signature: string, publicKey: string | KeyObject): boolean {
  try {
    if (document === null || typeof document !== 'object' || Array.isArray(document)) return false
    const { holder } = document as { holder?: unknown }
    if (holder !== undefined) {
      const h = CertificateHolder.safeParse(holder)
      const member = (document as { member?: { nameDigest?: unknown } }).member
      if (!h.success || member?.nameDigest !== nameDigest(h.data.salt, h.data.name)) return false
    }
    return verify(null, signedBytes(document as CertificateDocument), publicKeyOf(publicKey), Buffer.from(signature, 'base64url'))
  } catch {
    return false
  }
}

/** One certified record, for the summary of what was done. */
export interface ServiceItem {
  /** The activity's title, or the task kind of a record without one. */
  label: string
  /** Hundredths of an hour. */
  hours: bigint
}

/**
 * What was done, summarised: each activity or task kind with its records and hours, most hours
 * first (then by label), e.g. "Clean-up day 2.00 h; elder-visit ×3 4.50 h". `format` writes hours.
 */
export function summariseContent(items: readonly ServiceItem[], format: (hundredths: bigint) => string): string {
  const byLabel = new Map<string, { count: number; hours: bigint }>()
  for (const i of items) {
    const s = byLabel.get(i.label) ?? { count: 0, hours: 0n }
    s.count += 1
    s.hours += i.hours
    byLabel.set(i.label, s)
  }
  return [...byLabel]
    .sort(([a, x], [b, y]) => (x.hours === y.hours ? (a < b ? -1 : a > b ? 1 : 0) : x.hours > y.hours ? -1 : 1))
    .map(([label, s]) => `${label}${s.count > 1 ? ` ×${s.count}` : ''} ${format(s.hours)} h`)
    .join('; ')
}

/** Where a certificate is checked: `${base}/verify/${tenantId}/${serial}`, the base without a trailing '/'. */
export const verifyUrl = (publicBaseUrl: string, tenantId: string, serial: number): string =>
  `${publicBaseUrl.replace(/\/+$/, '')}/verify/${encodeURIComponent(tenantId)}/${serial}`
