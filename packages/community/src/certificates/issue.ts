/**
 * Issuing a volunteer service certificate (志愿服务证明): the member's approved
 * hours of a period (records counted in its months) or of one activity, with
 * what was done, signed with the community's Ed25519 key under a serial that
 * is gap-free per community. The serial is taken from the community's counter
 * in the same transaction that stores the certificate, so a refused or
 * replayed issue gives its number back and concurrent issues queue on the
 * counter's row: serials run 1, 2, 3… without a gap or a repeat.
 *
 * The signed document names the member by pseudonym and a digest of their
 * full name salted with 16 random bytes (domain/certificate.ts); the name and
 * the salt are stored beside it as `holder`, for the member's own copy, until
 * the member is erased (erase.ts). The certified records' ids are kept in the
 * row (`record_ids`, for the revocation check), not in the document.
 *
 * The client's `requestId` makes issuing idempotent: the same request again
 * returns the certificate made the first time (even if its records changed
 * since), another request under the same id is IDEMPOTENCY_CONFLICT.
 *
 * @example
 * const { certificate } = await issueCertificate(ctx, { tenantId, requestId: 'req-7', memberId: 'ana', period: '2026', actor: 'key_staff' })
 */
import { randomBytes } from 'node:crypto'
import { Id, formatAmount } from '@timebank/ledger'
import { createOnce, pgArray, requestHash, rows, sameRequest } from '@timebank/ledger/kit'
import { and, eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import {
  type CertificateDocument,
  type CertificateScope,
  NAME_SALT_BYTES,
  nameDigest,
  signCertificate,
  summariseContent,
  verifyUrl,
} from '../domain/certificate.js'
import { CommunityError, CommunityErrorCode, notFound } from '../domain/errors.js'
import { HOURS_SCALE } from '../domain/hours.js'
import { CommunityId } from '../domain/ids.js'
import { Period, monthsOf } from '../domain/periods.js'
import { parse } from '../domain/validate.js'
import { type NamedMember, ownName } from '../recognition/names.js'
import { requireMember } from '../storage/member-reads.js'
import { certificates } from '../storage/schema.js'
import { type Certificate, CertificateOutput, type CertificateRow, certificateView } from './view.js'

/** The counter certificate serials are drawn from (cm_counters.name). */
export const SERIAL_COUNTER = 'certificate'

export const IssueCertificateInput = z
  .strictObject({
    tenantId: Id,
    /** The client's id for this request: issuing again with it returns the same certificate. */
    requestId: CommunityId,
    memberId: CommunityId,
    /** Certify the records counted in this month, quarter or year… */
    period: Period.optional(),
    /** …or those of this activity. */
    activityId: CommunityId.optional(),
    /** What was done, as printed; by default a summary of the activities and task kinds certified. */
    content: z.string().trim().min(1).max(1000).optional(),
    /** Who issues it (the staff key's id). */
    actor: z.string().min(1).max(200),
  })
  .refine((i) => (i.period === undefined) !== (i.activityId === undefined), {
    message: 'give either a period or an activityId',
    path: ['period'],
  })
export type IssueCertificateInput = z.input<typeof IssueCertificateInput>

export const IssueCertificateOutput = z.object({
  certificate: CertificateOutput,
  replayed: z.boolean().describe('True when the requestId had issued it before and this is that certificate.'),
})

const conflict = (requestId: string) =>
  new CommunityError(CommunityErrorCode.IDEMPOTENCY_CONFLICT, `request ${requestId} issued a certificate for another request`, {
    requestId,
  })

/** Thrown inside the issuing transaction to undo the serial it took when the request turns out to be a replay. */
class Replay {
  constructor(readonly row: CertificateRow) {}
}

interface Certified {
  id: string
  hours: bigint
  label: string
}

export async function issueCertificate(
  ctx: CommunityContext,
  input: IssueCertificateInput,
): Promise<{ certificate: Certificate; replayed: boolean }> {
  const q = parse(IssueCertificateInput, input)
  const community = await ctx.community(q.tenantId)
  const hash = requestHash({ memberId: q.memberId, period: q.period ?? null, activityId: q.activityId ?? null, content: q.content ?? null })
  // A retry answers what it made, whatever happened to its records since.
  const prior = await byRequest(ctx.db, q.tenantId, q.requestId)
  if (prior) {
    if (!sameRequest(prior.requestHash, hash)) throw conflict(q.requestId)
    return { certificate: certificateView(prior, community.publicKey), replayed: true }
  }
  await requireMember(ctx.db, q.tenantId, q.memberId)
  const { scope, records } = await inScope(ctx, q.tenantId, q.memberId, q.period, q.activityId)
  if (records.length === 0) {
    throw new CommunityError(CommunityErrorCode.NOTHING_TO_CERTIFY, `member ${q.memberId} has no approved hours in ${describe(scope)}`, {
      memberId: q.memberId,
      ...scope,
    })
  }
  const hours = records.reduce((s, r) => s + r.hours, 0n)
  const name = (await ctx.ledger.getTenant({ tenantId: q.tenantId })).name
  const issuedAt = ctx.now()
  const document = (serial: number, member: NamedMember): CertificateDocument => {
    const holder = { name: ownName(member), salt: randomBytes(NAME_SALT_BYTES).toString('hex') }
    return {
      version: 2,
      community: { tenantId: q.tenantId, name, issuer: community.settings.issuer ?? name },
      serial,
      member: { pseudonym: member.pseudonym, nameDigest: nameDigest(holder.salt, holder.name) },
      scope,
      hours: formatAmount(hours, HOURS_SCALE),
      content: q.content ?? summariseContent(records, (h) => formatAmount(h, HOURS_SCALE)),
      recordCount: records.length,
      issuedAt: issuedAt.toISOString(),
      verifyUrl: verifyUrl(community.settings.publicBaseUrl, q.tenantId, serial),
      holder,
    }
  }
  try {
    const row = await ctx.db.transaction(async (tx) => {
      const serial = await nextSerial(tx, q.tenantId)
      // The name as it is now, the member's row held until we commit: an erasure waits for this
      // certificate and then forgets its holder, or came first and leaves only the pseudonym.
      const [member] = await rows<NamedMember>(
        tx,
        sql`select name, status, pseudonym from cm_members where tenant_id = ${q.tenantId} and id = ${q.memberId} for share`,
      )
      if (!member) throw notFound(CommunityErrorCode.MEMBER_NOT_FOUND, 'member', q.memberId, 'memberId')
      const made = document(serial, member)
      const { row, replayed } = await createOnce<CertificateRow>({
        hash,
        insert: async () =>
          (
            await tx
              .insert(certificates)
              .values({
                tenantId: q.tenantId,
                serial: BigInt(serial),
                memberId: q.memberId,
                document: made,
                signature: signCertificate(made, community.privateKey),
                recordIds: records.map((r) => r.id),
                issuedBy: q.actor,
                issuedAt,
                requestHash: hash,
                requestId: q.requestId,
              })
              .onConflictDoNothing({ target: [certificates.tenantId, certificates.requestId] })
              .returning()
          )[0],
        existing: async () => {
          const winner = await byRequest(tx, q.tenantId, q.requestId)
          return winner && { row: winner, requestHash: winner.requestHash }
        },
        conflict: () => conflict(q.requestId),
      })
      if (replayed) throw new Replay(row)
      return row
    })
    return { certificate: certificateView(row, community.publicKey), replayed: false }
  } catch (e) {
    // The same request issued concurrently won the id: its certificate is the answer, our serial undone.
    if (e instanceof Replay) return { certificate: certificateView(e.row, community.publicKey), replayed: true }
    throw e
  }
}

/** The next serial of the community, taken in the caller's transaction (its row stays locked until it ends). */
async function nextSerial(tx: Pick<CommunityContext['db'], 'execute'>, tenantId: string): Promise<number> {
  const [row] = await rows<{ value: string }>(
    tx,
    sql`insert into cm_counters (tenant_id, name, value) values (${tenantId}, ${SERIAL_COUNTER}, 1)
        on conflict (tenant_id, name) do update set value = cm_counters.value + 1
        returning value::text as value`,
  )
  if (!row) throw new Error('the certificate counter returned no value')
  return Number(row.value)
}

async function byRequest(
  db: Pick<CommunityContext['db'], 'select'>,
  tenantId: string,
  requestId: string,
): Promise<CertificateRow | undefined> {
  const [row] = await db
    .select()
    .from(certificates)
    .where(and(eq(certificates.tenantId, tenantId), eq(certificates.requestId, requestId)))
  return row
}

/** The member's approved records with hours in the scope, oldest service first, each labelled by its activity or kind. */
async function inScope(
  ctx: CommunityContext,
  tenantId: string,
  memberId: string,
  period: string | undefined,
  activityId: string | undefined,
): Promise<{ scope: CertificateScope; records: Certified[] }> {
  let scope: CertificateScope
  if (activityId !== undefined) {
    const [activity] = await rows<{ title: string }>(
      ctx.db,
      sql`select title from cm_activities where tenant_id = ${tenantId} and id = ${activityId}`,
    )
    if (!activity) throw notFound(CommunityErrorCode.ACTIVITY_NOT_FOUND, 'activity', activityId, 'activityId')
    scope = { activityId, title: activity.title }
  } else {
    scope = { period: period as string }
  }
  const found = await rows<{ id: string; hours: string; kind: string; title: string | null }>(
    ctx.db,
    sql`select r.id, r.hours::text as hours, r.kind, a.title
        from cm_hour_records r left join cm_activities a on a.tenant_id = r.tenant_id and a.id = r.activity_id
        where r.tenant_id = ${tenantId} and r.member_id = ${memberId} and r.status = 'approved' and r.hours > 0
          and ${'activityId' in scope ? sql`r.activity_id = ${scope.activityId}` : sql`r.posted_period = any(${pgArray(monthsOf(scope.period))}::text[])`}
        order by r.started_at, r.id`,
  )
  return { scope, records: found.map((r) => ({ id: r.id, hours: BigInt(r.hours), label: r.title ?? r.kind })) }
}

const describe = (scope: CertificateScope) => ('period' in scope ? `period ${scope.period}` : `activity ${scope.activityId}`)
