/**
 * Reading certificates: one by serial, a member's, and the public check a
 * verifyUrl leads to: is the signature the community's, and is the
 * certificate still standing (revoked once any record it certifies has been
 * reversed after a complaint). The public answer is the signed document
 * alone, which names the holder only by pseudonym and salted name digest,
 * with the name masked beside it (the pseudonym once erased): it proves a
 * certificate without publishing whom it names, nor giving anything to test a
 * guessed name against, nor any client-chosen id (member, records). The
 * holder's own copy (full name and salt) verifies offline with
 * `verifyCertificate`.
 *
 * @example
 * const { valid, revoked } = await verifyBySerial(ctx, { tenantId, serial: 12 })
 */
import { Id } from '@timebank/ledger'
import { pgArray, rows } from '@timebank/ledger/kit'
import { and, desc, eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { type CertificateDocument, SignedCertificate, publicForm, verifyCertificate } from '../domain/certificate.js'
import { CommunityErrorCode, notFound } from '../domain/errors.js'
import { CommunityId } from '../domain/ids.js'
import { parse } from '../domain/validate.js'
import { publicName } from '../recognition/names.js'
import { requireMember } from '../storage/member-reads.js'
import { certificates } from '../storage/schema.js'
import { type Certificate, type CertificateRow, certificateView } from './view.js'

/** A serial as a number, or as the decimal text of a URL path. */
export const CertificateSerial = z.union([
  z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'a serial is a positive whole number')
    .transform(Number),
])

export const CertificateRef = z.strictObject({ tenantId: Id, serial: CertificateSerial })
export type CertificateRef = z.input<typeof CertificateRef>

export const ListCertificatesInput = z.strictObject({ tenantId: Id, memberId: CommunityId })
export type ListCertificatesInput = z.input<typeof ListCertificatesInput>

export const VerificationOutput = z.object({
  serial: z.number().int(),
  valid: z.boolean().describe("True when the signature is the community's signature of the document as issued."),
  revoked: z.boolean().describe('True once any record it certifies has been reversed (or is being reversed).'),
  name: z.string().describe('The holder, masked (张*明); their pseudonym once erased.'),
  document: SignedCertificate.describe('The signed document (public form): the holder named by pseudonym and salted name digest only.'),
  signature: z.string().describe('Ed25519 signature of the canonical JSON of `document`, base64url.'),
  publicKey: z.string().describe("The community's Ed25519 public key, SPKI DER base64."),
})
export type Verification = z.output<typeof VerificationOutput>

async function find(ctx: CommunityContext, tenantId: string, serial: number): Promise<CertificateRow> {
  const [row] = await ctx.db
    .select()
    .from(certificates)
    .where(and(eq(certificates.tenantId, tenantId), eq(certificates.serial, BigInt(serial))))
  if (!row) throw notFound(CommunityErrorCode.CERTIFICATE_NOT_FOUND, 'certificate', String(serial), 'serial')
  return row
}

export async function getCertificate(ctx: CommunityContext, input: CertificateRef): Promise<Certificate> {
  const { tenantId, serial } = parse(CertificateRef, input)
  const { publicKey } = await ctx.community(tenantId)
  return certificateView(await find(ctx, tenantId, serial), publicKey)
}

/** A member's certificates, newest first. */
export async function listCertificates(ctx: CommunityContext, input: ListCertificatesInput): Promise<Certificate[]> {
  const { tenantId, memberId } = parse(ListCertificatesInput, input)
  const { publicKey } = await ctx.community(tenantId)
  await requireMember(ctx.db, tenantId, memberId)
  const found = await ctx.db
    .select()
    .from(certificates)
    .where(and(eq(certificates.tenantId, tenantId), eq(certificates.memberId, memberId)))
    .orderBy(desc(certificates.serial))
  return found.map((r) => certificateView(r, publicKey))
}

export async function verifyBySerial(ctx: CommunityContext, input: CertificateRef): Promise<Verification> {
  const { tenantId, serial } = parse(CertificateRef, input)
  const { publicKey } = await ctx.community(tenantId)
  const row = await find(ctx, tenantId, serial)
  const document = row.document as CertificateDocument
  const [reversed] = await rows<{ n: number }>(
    ctx.db,
    sql`select count(*)::int as n from cm_hour_records
        where tenant_id = ${tenantId} and id = any(${pgArray(row.recordIds)}::text[]) and status in ('reversing', 'reversed')`,
  )
  const [member] = await rows<{ status: string }>(
    ctx.db,
    sql`select status from cm_members where tenant_id = ${tenantId} and id = ${row.memberId}`,
  )
  return {
    serial,
    valid: verifyCertificate(document, row.signature, publicKey),
    revoked: (reversed?.n ?? 0) > 0,
    // The name as issued, masked; the pseudonym once the member is erased (or the name forgotten).
    name: publicName({ name: document.holder?.name ?? null, status: member?.status ?? '', pseudonym: document.member.pseudonym }),
    document: publicForm(document),
    signature: row.signature,
    publicKey,
  }
}
