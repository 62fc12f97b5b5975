/**
 * Reading certificates: one by serial, a page of them (a member's, those of
 * members living in a grid's subtree, those issued in a year), and the public check a
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
import { type SQL, and, desc, eq, gte, like, lt, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { type CertificateDocument, SignedCertificate, publicForm, verifyCertificate } from '../domain/certificate.js'
import { CommunityErrorCode, notFound } from '../domain/errors.js'
import { GridPath } from '../domain/grid.js'
import { CommunityId } from '../domain/ids.js'
import { bounds } from '../domain/periods.js'
import { parse } from '../domain/validate.js'
import { subtreePattern } from '../grids/reads.js'
import { publicName } from '../recognition/names.js'
import { requireMember } from '../storage/member-reads.js'
import { certificates, grids, members } from '../storage/schema.js'
import { type Certificate, CertificateOutput, type CertificateRow, certificateView } from './view.js'

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

/** A serial as the decimal text of a page cursor. */
const SerialText = z.string().regex(/^[1-9]\d{0,14}$/, 'cursor is not a nextCursor of this list')

export const ListCertificatesInput = z.strictObject({
  tenantId: Id,
  /** Only this member's (MEMBER_NOT_FOUND when there is no such member). */
  memberId: CommunityId.optional(),
  /** Only those of members living now in this grid's subtree (its path, e.g. `root/g1/`). */
  gridPath: GridPath.optional(),
  /** Only those issued in this year, in the community's time zone. */
  year: z
    .string()
    .regex(/^\d{4}$/, 'a year such as 2026')
    .optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  /** The previous page's `nextCursor`. */
  cursor: SerialText.optional(),
})
export type ListCertificatesInput = z.input<typeof ListCertificatesInput>

export const CertificatePageOutput = z.object({
  certificates: z.array(CertificateOutput).describe('Newest first (by serial).'),
  nextCursor: z.string().nullable(),
})
export type CertificatePage = z.output<typeof CertificatePageOutput>

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

/** Certificates newest first (by serial), filtered as asked; the cursor is the last one's serial. */
export async function listCertificates(ctx: CommunityContext, input: ListCertificatesInput): Promise<CertificatePage> {
  const q = parse(ListCertificatesInput, input)
  const { publicKey, settings } = await ctx.community(q.tenantId)
  const where: SQL[] = [eq(certificates.tenantId, q.tenantId)]
  if (q.memberId !== undefined) {
    await requireMember(ctx.db, q.tenantId, q.memberId)
    where.push(eq(certificates.memberId, q.memberId))
  }
  if (q.year !== undefined) {
    const { from, to } = bounds(q.year, settings.timeZone)
    where.push(gte(certificates.issuedAt, from), lt(certificates.issuedAt, to))
  }
  if (q.cursor !== undefined) where.push(lt(certificates.serial, BigInt(q.cursor)))
  const base = ctx.db.select({ c: certificates }).from(certificates)
  const scoped =
    q.gridPath === undefined
      ? base
      : base
          .innerJoin(members, and(eq(members.tenantId, certificates.tenantId), eq(members.id, certificates.memberId)))
          .innerJoin(grids, and(eq(grids.tenantId, members.tenantId), eq(grids.id, members.gridId)))
  if (q.gridPath !== undefined) where.push(like(grids.path, subtreePattern(q.gridPath)))
  const found = await scoped
    .where(and(...where))
    .orderBy(desc(certificates.serial))
    .limit(q.limit + 1)
  const page = found.slice(0, q.limit).map((f) => f.c)
  const last = page[page.length - 1]
  return {
    certificates: page.map((r) => certificateView(r, publicKey)),
    nextCursor: found.length > q.limit && last ? String(last.serial) : null,
  }
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
