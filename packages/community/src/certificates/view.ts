/**
 * A certificate as the community shows it to staff and to the member: the
 * holder's copy of the document (the signed fields and `holder`, the full
 * name and its salt, until the member is erased), its signature and the
 * public key that checks it offline. Not for the public: see queries.ts.
 */
import { z } from 'zod'
import { CertificateDocument } from '../domain/certificate.js'
import type { certificates } from '../storage/schema.js'

export const CertificateOutput = z.object({
  tenantId: z.string(),
  serial: z.number().int().describe('Gap-free per community, from 1.'),
  memberId: z.string(),
  document: CertificateDocument.describe(
    'The signature covers the canonical JSON (sorted keys, no spaces) of every field but `holder`, whose name and salt give `member.nameDigest`.',
  ),
  signature: z.string().describe('Ed25519 signature of the canonical document, base64url.'),
  publicKey: z.string().describe("The community's Ed25519 public key, SPKI DER base64: verifies the signature offline."),
  recordIds: z.array(z.string()).describe('The hour records certified: it is revoked once any is reversed.'),
  issuedBy: z.string(),
  issuedAt: z.date(),
  requestId: z.string().describe("The client's id for the issuing request."),
})
export type Certificate = z.output<typeof CertificateOutput>

export type CertificateRow = typeof certificates.$inferSelect

export const certificateView = (r: CertificateRow, publicKey: string): Certificate => ({
  tenantId: r.tenantId,
  serial: Number(r.serial),
  memberId: r.memberId,
  document: r.document as CertificateDocument,
  signature: r.signature,
  publicKey,
  recordIds: r.recordIds,
  issuedBy: r.issuedBy,
  issuedAt: r.issuedAt,
  requestId: r.requestId,
})
