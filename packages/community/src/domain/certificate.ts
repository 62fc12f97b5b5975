/**
 * Volunteer service certificates (志愿服务证明), pure: the document a
 * community signs, its canonical form (what the signature covers), signing
 * with the community's Ed25519 key, and verifying offline with nothing but
 * the public key. Also the canonical hash closed periods' snapshots use.
 *
 * @example
 * const signature = signCertificate(document, community.privateKey)
 * verifyCertificate(document, signature, community.publicKey) // true
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

/** The signed document: every field a reader of the certificate relies on, and nothing else. */
export const CertificateDocument = z.strictObject({
  version: z.literal(1),
  community: z.strictObject({
    tenantId: z.string(),
    name: z.string(),
    issuer: z.string().describe('Who issues it, as printed (the community by default).'),
  }),
  serial: z.number().int().positive().describe('Gap-free per community, from 1.'),
  member: z.strictObject({ id: z.string(), name: z.string() }),
  scope: CertificateScope,
  hours: z.string().describe('Certified hours, decimal text, e.g. "12.50".'),
  content: z.string().describe('What was done: the activities and task kinds summarised, or as the issuer gave it.'),
  records: z.array(z.string()).describe('The hour records certified; the certificate is revoked once any is reversed.'),
  issuedAt: z.string().describe('ISO instant.'),
  verifyUrl: z.string(),
})
export type CertificateDocument = z.infer<typeof CertificateDocument>

/** SHA-256 of a value's canonical JSON, hex. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex')
}

/** The bytes a certificate's signature covers. */
export const signedBytes = (document: CertificateDocument): Buffer => Buffer.from(canonicalJson(document), 'utf8')

const privateKeyOf = (key: string | KeyObject): KeyObject =>
  typeof key === 'string' ? createPrivateKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'pkcs8' }) : key

const publicKeyOf = (key: string | KeyObject): KeyObject =>
  typeof key === 'string' ? createPublicKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'spki' }) : key

/** Sign a document with the community's Ed25519 private key (PKCS#8 DER base64, or a KeyObject): base64url. */
export function signCertificate(document: CertificateDocument, privateKey: string | KeyObject): string {
  return sign(null, signedBytes(document), privateKeyOf(privateKey)).toString('base64url')
}

/**
 * True when `signature` (base64url) is the community's signature of exactly this document. Offline:
 * needs only the public key (SPKI DER base64, as the community publishes it, or a KeyObject). A
 * malformed key, signature or document verifies nothing: false, never an exception.
 */
export function verifyCertificate(document: unknown, signature: string, publicKey: string | KeyObject): boolean {
  try {
    return verify(null, Buffer.from(canonicalJson(document), 'utf8'), publicKeyOf(publicKey), Buffer.from(signature, 'base64url'))
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
