/**
 * Reading certificates: one by serial, a member's, and the public check a
 * verifyUrl leads to: is the signature the community's, and is the
 * certificate still standing (revoked once any record it certifies has been
 * reversed after a complaint). The public answer masks the member's name, so
 * it proves a certificate without publishing whom it names in full; the
 * holder's own copy (full name) verifies offline with `verifyCertificate`.
 *
 * @example
 * const { valid, revoked } = await verifyBySerial(ctx, { tenantId, serial: 12 })
 */
import { Id } from '@timebank/ledger'
import { pgArray, rows } from '@timebank/ledger/kit'
import { and, desc, eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CertificateDocument, verifyCertificate } from '../domain/certificate.js'
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
  revokedRecords: z.array(z.string()).describe('The certified records reversed since.'),
  document: CertificateDocument.describe("The document as issued, with the member's name masked: the public answer."),
  signature: z.string(),
  publicKey: z.string(),
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
  const reversed = await rows<{ id: string }>(
    ctx.db,
    sql`select id from cm_hour_records
        where tenant_id = ${tenantId} and id = any(${pgArray(row.recordIds)}::text[]) and status in ('reversing', 'reversed')
        order by id`,
  )
  const [member] = await rows<{ status: string; pseudonym: string }>(
    ctx.db,
    sql`select status, pseudonym from cm_members where tenant_id = ${tenantId} and id = ${row.memberId}`,
  )
  // The name as issued, masked; an erased member's pseudonym instead.
  const name = member
    ? publicName({ name: document.member.name, status: member.status, pseudonym: member.pseudonym })
    : publicName({ name: document.member.name, status: '', pseudonym: '' })
  return {
    serial,
    valid: verifyCertificate(document, row.signature, publicKey),
    revoked: reversed.length > 0,
    revokedRecords: reversed.map((r) => r.id),
    document: { ...document, member: { ...document.member, name } },
    signature: row.signature,
    publicKey,
  }
}
