/**
 * Deciding hour records: approve (one or hundreds at once: one ledger batch),
 * reject, adjust with a reason, and uphold a complaint (a pending record is
 * rejected, an approved one reversed in the ledger). Every change of state
 * goes through the state machine (domain/record.ts); every approval claims its
 * records first (`approving`, with the points and rule version fixed), so a
 * crash at any point is finished by running the step again.
 *
 * @example
 * const results = await approve(ctx, { tenantId, recordIds: ['r1', 'r2'], actor: 'key_staff' })
 */
import { Id, formatAmount } from '@timebank/ledger'
import { pgArray, rows } from '@timebank/ledger/kit'
import { and, eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { CommunityContext } from '../context.js'
import { CommunityError, CommunityErrorCode, notFound } from '../domain/errors.js'
import { HOURS_SCALE, RecordHours, recordHours } from '../domain/hours.js'
import { RecordId, memberAccount } from '../domain/ids.js'
import { POLICY_ASSETS, PolicyAsset, type PolicyRefusal, capOf, evaluatePolicy } from '../domain/policy.js'
import { heldBalance, violation } from '../policy-check.js'
import { Conduct, Role, computePoints } from '../domain/points.js'
import { type RecordStatus, soleApproverRefusal, statesAllowing, transition, transitionRefusal } from '../domain/record.js'
import { parse } from '../domain/validate.js'
import { getRule } from '../rules.js'
import { lockRecords, logEvents } from '../storage/events.js'
import { hourRecords } from '../storage/schema.js'
import { finishApprovals, finishReversals, refusalOf } from './credit.js'
import { type HourRecord, type RecordRow, recordView } from './view.js'

const Actor = z.string().min(1).max(200)
/** Most records one request decides: a day's sign-in sheets for a large community. */
export const MAX_DECISIONS = 5000

export const ApproveInput = z.strictObject({ tenantId: Id, recordIds: z.array(RecordId).min(1).max(MAX_DECISIONS), actor: Actor })
export const RejectInput = ApproveInput.extend({ reason: z.string().min(1).max(2000) })
/** The fields of an adjustment; `AdjustInput` adds that something must change. */
export const AdjustFields = z.strictObject({
  tenantId: Id,
  recordId: RecordId,
  hours: RecordHours.optional(),
  conduct: Conduct.optional(),
  role: Role.optional(),
  reason: z.string().min(1).max(2000),
  actor: Actor,
})
export const AdjustInput = AdjustFields.refine(
  (a) => a.hours !== undefined || a.conduct !== undefined || a.role !== undefined,
  'change hours, conduct or role',
)
export const ComplainInput = z.strictObject({ tenantId: Id, recordId: RecordId, reason: z.string().min(1).max(2000), actor: Actor })

/** The outcome for one record of a bulk decision. */
export type Decision =
  | { recordId: string; ok: true; record: HourRecord }
  | { recordId: string; ok: false; error: { code: string; message: string; details?: Record<string, unknown> } }

const failure = (recordId: string, e: { code: string; message: string; details?: Record<string, unknown> | undefined }): Decision => ({
  recordId,
  ok: false,
  error: { code: e.code, message: e.message, ...(e.details === undefined ? {} : { details: e.details }) },
})

async function readRecords(ctx: CommunityContext, tenantId: string, ids: string[]): Promise<Map<string, RecordRow>> {
  if (ids.length === 0) return new Map()
  const found = await ctx.db
    .select()
    .from(hourRecords)
    .where(and(eq(hourRecords.tenantId, tenantId), sql`${hourRecords.id} = any(${pgArray(ids)}::text[])`))
  return new Map(found.map((r) => [r.id, r]))
}

/** What of a record's hours and points goes to the pool instead of the member (null: none). */
type Split = { allowed: true; excessHours: bigint | null; excessPoints: bigint | null } | PolicyRefusal

/**
 * How the policy's storage caps (on hours, on points) split each record's credit: none, refused, or the excess to
 * the pool. The members' balances are read before the records are locked and counted on as each record is claimed
 * (a record refused by either cap counts on nothing); a credit approved elsewhere meanwhile is caught by the
 * accounts' ceilings (set from the caps), which refuse and release.
 */
async function capRoom(ctx: CommunityContext, tenantId: string, ids: string[]): Promise<{ split(r: RecordRow, points: bigint): Split }> {
  const policy = await ctx.policy(tenantId)
  const capped = PolicyAsset.options.filter((asset) => capOf(policy.policy, asset) !== null)
  if (capped.length === 0) return { split: () => ({ allowed: true, excessHours: null, excessPoints: null }) }
  const memberIds = new Set([...(await readRecords(ctx, tenantId, ids)).values()].map((r) => r.memberId))
  const key = (memberId: string, asset: PolicyAsset) => `${asset}\n${memberId}`
  const held = new Map<string, bigint>()
  for (const memberId of memberIds) {
    for (const asset of capped) {
      held.set(key(memberId, asset), await heldBalance(ctx, tenantId, memberAccount(memberId, asset), POLICY_ASSETS[asset]))
    }
  }
  return {
    split(r, points) {
      const amounts: Record<PolicyAsset, bigint> = { HOUR: r.hours, POINT: points }
      const excess: Record<PolicyAsset, bigint | null> = { HOUR: null, POINT: null }
      const credits: [string, bigint][] = []
      for (const asset of capped) {
        const balance = held.get(key(r.memberId, asset)) ?? 0n
        const decision = evaluatePolicy(policy, { action: 'credit', asset, amount: amounts[asset], balance })
        if (!decision.allowed) return decision
        credits.push([key(r.memberId, asset), balance + (decision.credit ?? amounts[asset])])
        if ((decision.excess ?? 0n) > 0n) excess[asset] = decision.excess ?? null
      }
      for (const [k, after] of credits) held.set(k, after)
      return { allowed: true, excessHours: excess.HOUR, excessPoints: excess.POINT }
    },
  }
}

/**
 * Approve records: each pending one is claimed with its points under the rule in force, then all are
 * credited in one ledger batch and marked approved. One already approved answers as it is; one another
 * approver claimed is finished here too. A manual record needs an approver other than who entered it.
 */
export async function approve(ctx: CommunityContext, input: z.input<typeof ApproveInput>): Promise<Decision[]> {
  const { tenantId, recordIds, actor } = parse(ApproveInput, input)
  await ctx.community(tenantId)
  const ids = [...new Set(recordIds)]
  const rule = await getRule(ctx, tenantId)
  const cap = await capRoom(ctx, tenantId, ids)
  const out = new Map<string, Decision>()
  const now = ctx.now()
  const toFinish = await ctx.db.transaction(async (tx) => {
    // Locked in id order, as every claimer does, so two bulk approvals never wait on each other in a cycle.
    const locked = await tx
      .select()
      .from(hourRecords)
      .where(and(eq(hourRecords.tenantId, tenantId), sql`${hourRecords.id} = any(${pgArray(ids)}::text[])`))
      .orderBy(sql`${hourRecords.id} collate "C"`)
      .for('update')
    const claim: RecordRow[] = []
    const finish: RecordRow[] = []
    // Records of a sheet repeat the same hours, role and kind: the points of each combination are computed once.
    const pointsOf = new Map<string, bigint>()
    for (const r of locked) {
      const status = r.status as RecordStatus
      if (status === 'approved') out.set(r.id, { recordId: r.id, ok: true, record: recordView(r) })
      else if (status === 'approving') finish.push(r)
      else if (status === 'pending' && soleApproverRefusal(r, actor) !== null) {
        const how = soleApproverRefusal(r, actor) === 'entered' ? 'entered by hand' : 'adjusted'
        out.set(
          r.id,
          failure(
            r.id,
            new CommunityError(
              CommunityErrorCode.SECOND_APPROVER_REQUIRED,
              `record ${r.id} was ${how} by ${actor}: someone else must approve it`,
              { recordId: r.id },
            ),
          ),
        )
      } else if (status !== 'pending') {
        out.set(r.id, failure(r.id, transitionRefusal(status, 'approve', r.id) as CommunityError))
      } else {
        const key = `${r.hours}|${r.role}|${r.conduct}|${r.kind}`
        let points = pointsOf.get(key)
        if (points === undefined) {
          points = computePoints({ hours: r.hours, role: r.role as Role, conduct: r.conduct as Conduct, kind: r.kind }, rule.rule)
          pointsOf.set(key, points)
        }
        const split = cap.split(r, points)
        if (!split.allowed) {
          out.set(r.id, failure(r.id, violation(split)))
          continue
        }
        const { excessHours, excessPoints } = split
        claim.push({
          ...r,
          status: 'approving',
          points,
          ruleVersion: rule.version,
          excessHours,
          excessPoints,
          decidedBy: actor,
          decidedAt: now,
        })
      }
    }
    if (claim.length > 0) {
      await tx.execute(sql`
        update cm_hour_records r set status = 'approving', points = u.points, rule_version = ${rule.version}, decided_by = ${actor},
                                     decided_at = ${now.toISOString()}::timestamptz, excess_hours = u.excess_hours,
                                     excess_points = u.excess_points
        from unnest(${pgArray(claim.map((c) => c.id))}::text[], ${pgArray(claim.map((c) => c.points))}::int8[],
                    ${pgArray(claim.map((c) => c.excessHours))}::int8[], ${pgArray(claim.map((c) => c.excessPoints))}::int8[])
                 as u(id, points, excess_hours, excess_points)
        where r.tenant_id = ${tenantId} and r.id = u.id and r.status = 'pending'`)
    }
    return [...claim, ...finish]
  })
  const claimed = new Set(toFinish.map((r) => r.id))
  for (const id of ids) {
    if (!out.has(id) && !claimed.has(id)) {
      out.set(id, failure(id, notFound(CommunityErrorCode.RECORD_NOT_FOUND, 'record', id, 'recordId')))
    }
  }
  const { marked: approved, failed } = await finishApprovals(ctx, tenantId, toFinish, actor)
  for (const f of failed) out.set(f.recordId, failure(f.recordId, refusalOf(f)))
  // What this call marked is known; a record another approver finished meanwhile is read as it stands.
  const elsewhere: string[] = []
  for (const r of toFinish) {
    if (out.has(r.id)) continue
    const mark = approved.get(r.id)
    if (mark)
      out.set(r.id, {
        recordId: r.id,
        ok: true,
        record: recordView({ ...mark.row, status: 'approved', postedAt: mark.at, postedPeriod: mark.month }),
      })
    else elsewhere.push(r.id)
  }
  for (const r of (await readRecords(ctx, tenantId, elsewhere)).values()) out.set(r.id, { recordId: r.id, ok: true, record: recordView(r) })
  return ids.map((id) => out.get(id) as Decision)
}

/** Reject pending records with a reason. A record already rejected answers as it is, so a retry changes nothing. */
export async function reject(ctx: CommunityContext, input: z.input<typeof RejectInput>): Promise<Decision[]> {
  const { tenantId, recordIds, actor, reason } = parse(RejectInput, input)
  await ctx.community(tenantId)
  const ids = [...new Set(recordIds)]
  const now = ctx.now()
  const from = statesAllowing('reject')
  await ctx.db.transaction(async (tx) => {
    await lockRecords(tx, tenantId, ids, from)
    const done = await rows<{ id: string }>(
      tx,
      sql`update cm_hour_records set status = ${transition('pending', 'reject')}, decided_by = ${actor},
                                     decided_at = ${now.toISOString()}::timestamptz, reason = ${reason}
          where tenant_id = ${tenantId} and status = any(${pgArray(from)}::text[]) and id = any(${pgArray(ids)}::text[]) returning id`,
    )
    await logEvents(
      tx,
      tenantId,
      actor,
      now,
      done.map((d) => ({ recordId: d.id, action: 'rejected', detail: { reason } })),
    )
  })
  const found = await readRecords(ctx, tenantId, ids)
  return ids.map((id) => {
    const r = found.get(id)
    if (!r) return failure(id, notFound(CommunityErrorCode.RECORD_NOT_FOUND, 'record', id, 'recordId'))
    if (r.status === 'rejected') return { recordId: id, ok: true, record: recordView(r) }
    return failure(id, transitionRefusal(r.status as RecordStatus, 'reject', id) as CommunityError)
  })
}

/**
 * Change a pending record's hours, conduct or role, with the reason kept in its history. Who adjusts it
 * may not then approve it alone.
 */
export async function adjust(ctx: CommunityContext, input: z.input<typeof AdjustInput>): Promise<HourRecord> {
  const a = parse(AdjustInput, input)
  await ctx.community(a.tenantId)
  const now = ctx.now()
  return ctx.db.transaction(async (tx) => {
    const [r] = await tx
      .select()
      .from(hourRecords)
      .where(and(eq(hourRecords.tenantId, a.tenantId), eq(hourRecords.id, a.recordId)))
      .for('update')
    if (!r) throw notFound(CommunityErrorCode.RECORD_NOT_FOUND, 'record', a.recordId, 'recordId')
    transition(r.status as RecordStatus, 'adjust', r.id)
    const changes = {
      ...(a.hours === undefined ? {} : { hours: recordHours(a.hours) }),
      ...(a.conduct === undefined ? {} : { conduct: a.conduct }),
      ...(a.role === undefined ? {} : { role: a.role }),
    }
    const [updated] = await tx
      .update(hourRecords)
      .set({ ...changes, adjustedBy: a.actor })
      .where(and(eq(hourRecords.tenantId, a.tenantId), eq(hourRecords.id, a.recordId)))
      .returning()
    const hoursText = (h: bigint) => formatAmount(h, HOURS_SCALE)
    const before = { hours: hoursText(r.hours), conduct: r.conduct, role: r.role }
    const after = { hours: hoursText(changes.hours ?? r.hours), conduct: changes.conduct ?? r.conduct, role: changes.role ?? r.role }
    await logEvents(tx, a.tenantId, a.actor, now, [{ recordId: r.id, action: 'adjusted', detail: { reason: a.reason, before, after } }])
    return recordView(updated as RecordRow)
  })
}

/**
 * Uphold a complaint about a record: its credit becomes nothing. A pending record is rejected; an
 * approved one is reversed in the ledger (every credit it posted, linked to it) and taken off its
 * member's totals in the month the reversal posts. A record being approved is approved first (or, if
 * the ledger refuses that approval, rejected). Its note stays as entered; the reason is kept beside it.
 */
export async function complain(ctx: CommunityContext, input: z.input<typeof ComplainInput>): Promise<HourRecord> {
  const { tenantId, recordId, reason, actor } = parse(ComplainInput, input)
  await ctx.community(tenantId)
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = ctx.now()
    const step = await ctx.db.transaction(async (tx) => {
      const [r] = await tx
        .select()
        .from(hourRecords)
        .where(and(eq(hourRecords.tenantId, tenantId), eq(hourRecords.id, recordId)))
        .for('update')
      if (!r) throw notFound(CommunityErrorCode.RECORD_NOT_FOUND, 'record', recordId, 'recordId')
      const status = r.status as RecordStatus
      if (status === 'approving' || status === 'reversing') return { finish: status, row: r }
      if (status === 'rejected' || status === 'reversed') return { done: r }
      const next = transition(status, 'complain', r.id)
      const [updated] = await tx
        .update(hourRecords)
        .set(next === 'rejected' ? { status: next, decidedBy: actor, decidedAt: now, reason } : { status: next, reason })
        .where(and(eq(hourRecords.tenantId, tenantId), eq(hourRecords.id, recordId)))
        .returning()
      await logEvents(tx, tenantId, actor, now, [{ recordId, action: 'complaint', detail: { reason, outcome: next } }])
      return next === 'rejected' ? { done: updated as RecordRow } : { finish: 'reversing' as const, row: updated as RecordRow }
    })
    if ('done' in step) return recordView(step.done as RecordRow)
    const { failed } =
      step.finish === 'approving'
        ? await finishApprovals(ctx, tenantId, [step.row], actor)
        : await finishReversals(ctx, tenantId, [step.row], actor)
    const refused = failed[0]
    // An approval the ledger refused left the record pending: loop to reject it. A refused reversal stands.
    if (refused && step.finish === 'reversing') throw refusalOf(refused)
    // Approved (then loop to reverse it), pending again (then loop to reject it) or reversed (loop to return it).
  }
  throw new Error(`record ${recordId} kept changing while a complaint about it was upheld`)
}
