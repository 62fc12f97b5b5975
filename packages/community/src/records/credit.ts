/**
 * The ledger steps of hour records, and finishing the intents that name them.
 * A record claimed for approval (`approving`) is finished by posting its credit
 * in one atomic ledger batch (spendable hours, points, lifetime hours; each
 * with an id derived from the record) and then marking it approved with the
 * month it counts in; one claimed for reversal (`reversing`) likewise with the
 * reversals of those credits. Either step may run again at any time: the
 * ledger replays what it already has, and the mark is conditional on the
 * intent, so nothing is credited twice and every intent ends once.
 *
 * A step the ledger refuses puts its records back (pending, or approved); if
 * another caller's identical step went through meanwhile, that caller's mark
 * still lands (a mark accepts the state a refusal puts a record back in: the
 * ledger holding the step is what counts), and a record the ledger credited
 * under an earlier claim adopts what the ledger holds. The ledger is the truth.
 *
 * @example
 * const outcome = await finishApprovals(ctx, tenantId, claimedRows)
 */
import {
  type BatchResult,
  type ErrorCode,
  LedgerError,
  type Operation,
  type Transfer,
  formatAmount,
  isLedgerError,
  parseAmount,
} from '@timebank/ledger'
import { pgArray, rows } from '@timebank/ledger/kit'
import { sql } from 'drizzle-orm'
import type { CommunityContext } from '../context.js'
import { HOURS_SCALE } from '../domain/hours.js'
import { ASSETS, type RecordStep, memberAccount, poolAccount, recordReversal, recordStep } from '../domain/ids.js'
import { monthOf, periodsOfMonth } from '../domain/periods.js'
import { lockRecords, logEvents, periodLockKey } from '../storage/events.js'
import type { RecordRow } from './view.js'

/** The ledger's largest batch: records are posted in chunks whose operations (three to five each) fit in one. */
const MAX_OPERATIONS = 5000

/** Consecutive runs of records whose operations fit in one ledger batch. */
function chunks(records: RecordRow[], opsOf: (r: RecordRow) => Operation[]): RecordRow[][] {
  const out: RecordRow[][] = []
  let chunk: RecordRow[] = []
  let size = 0
  for (const r of records) {
    const n = opsOf(r).length
    if (chunk.length > 0 && size + n > MAX_OPERATIONS) {
      out.push(chunk)
      chunk = []
      size = 0
    }
    chunk.push(r)
    size += n
  }
  if (chunk.length > 0) out.push(chunk)
  return out
}

/** What moving value for a record failed on: its id and the ledger's refusal. */
export interface CreditFailure {
  recordId: string
  error: { code: string; message: string; details?: Record<string, unknown> }
}

interface Credit {
  step: RecordStep
  /** The account credited: the member's of the asset, or the pool's for the excess over a cap. */
  to: string
  asset: string
  amount: bigint
  scale: number
}

/** The credits a claimed record posts: only those with something to post. */
function creditsOf(r: RecordRow): Credit[] {
  const out: Credit[] = []
  const excess = r.excessHours ?? 0n
  const points = r.points ?? 0n
  const excessPoints = r.excessPoints ?? 0n
  const member = (asset: string) => memberAccount(r.memberId, asset)
  if (r.hours > excess)
    out.push({ step: 'hours', to: member(ASSETS.hours), asset: ASSETS.hours, amount: r.hours - excess, scale: HOURS_SCALE })
  if (excess > 0n) out.push({ step: 'excess', to: poolAccount(ASSETS.hours), asset: ASSETS.hours, amount: excess, scale: HOURS_SCALE })
  if (points > excessPoints)
    out.push({ step: 'points', to: member(ASSETS.points), asset: ASSETS.points, amount: points - excessPoints, scale: 0 })
  if (excessPoints > 0n)
    out.push({ step: 'excess-points', to: poolAccount(ASSETS.points), asset: ASSETS.points, amount: excessPoints, scale: 0 })
  // Lifetime hours are what was served, all of it: a cap limits what is kept, not what was done.
  if (r.hours > 0n) out.push({ step: 'lifetime', to: member(ASSETS.lifetime), asset: ASSETS.lifetime, amount: r.hours, scale: HOURS_SCALE })
  return out
}

/** The ledger operations of a record's approval: deterministic from the claimed record, so a retry replays them. */
export function approvalOps(r: RecordRow): Operation[] {
  return creditsOf(r).map((c) => ({
    type: 'earn',
    id: recordStep(r.id, c.step),
    to: c.to,
    amount: formatAmount(c.amount, c.scale),
    evidence: { activity: r.activityId ?? r.kind, reviewer: r.decidedBy ?? r.createdBy, note: `hour record ${r.id}` },
    // What the record is credited under, so a record can adopt a credit the ledger holds (see adopt).
    metadata: {
      recordId: r.id,
      ...(r.ruleVersion === null ? {} : { ruleVersion: r.ruleVersion }),
      ...(r.decidedBy === null ? {} : { approvedBy: r.decidedBy }),
    },
  }))
}

/** The ledger operations undoing a record's approval, likewise deterministic. */
function reversalOps(r: RecordRow): Operation[] {
  return creditsOf(r).map((c) => ({
    type: 'reverse',
    id: recordReversal(r.id, c.step),
    transferId: recordStep(r.id, c.step),
    reason: `substantiated complaint about hour record ${r.id}`,
    metadata: { recordId: r.id },
  }))
}

/** Post `ops` of many records in one batch; a refused record is set aside and the rest posted. */
async function postAll(
  ctx: CommunityContext,
  tenantId: string,
  records: RecordRow[],
  opsOf: (r: RecordRow) => Operation[],
): Promise<{ postedAt: Map<string, Date>; failed: CreditFailure[]; conflicted: RecordRow[] }> {
  const postedAt = new Map<string, Date>()
  const failed: CreditFailure[] = []
  const conflicted: RecordRow[] = []
  let pending = records
  while (pending.length > 0) {
    const owner: string[] = []
    const operations: Operation[] = []
    for (const r of pending) {
      for (const op of opsOf(r)) {
        operations.push(op)
        owner.push(r.id)
      }
    }
    if (operations.length === 0) break
    let result: BatchResult
    try {
      result = await ctx.ledger.batch({ tenantId, operations })
    } catch (e) {
      // A malformed batch is a bug of ours, not the records'; contention and outages go to the caller.
      if (isLedgerError(e) && e.code === 'VALIDATION') throw new Error(`hour record batch refused: ${e.message}`, { cause: e })
      throw e
    }
    if (result.committed) {
      result.results.forEach((item, i) => {
        const id = owner[i] as string
        if (item.ok && !postedAt.has(id)) postedAt.set(id, item.transfer.createdAt)
      })
      break
    }
    const index = result.results.findIndex((item) => !item.ok && item.error.code !== 'LINKED_EVENT_FAILED')
    const item = result.results[index]
    const id = owner[index]
    if (!item || item.ok || id === undefined) throw new Error('a refused ledger batch named no failing operation')
    // The ledger holds this record's step with other content: credited under an earlier claim.
    if (item.error.code === 'IDEMPOTENCY_CONFLICT') conflicted.push(pending.find((r) => r.id === id) as RecordRow)
    else failed.push({ recordId: id, error: item.error })
    pending = pending.filter((r) => r.id !== id)
  }
  return { postedAt, failed, conflicted }
}

const PARALLEL = 16

/** The ledger's transfers under these ids, null where it has none; a few reads in flight at once. */
export async function ledgerTransfers(ctx: CommunityContext, tenantId: string, ids: string[]): Promise<Map<string, Transfer | null>> {
  const out = new Map<string, Transfer | null>()
  for (let i = 0; i < ids.length; i += PARALLEL) {
    await Promise.all(
      ids.slice(i, i + PARALLEL).map(async (transferId) => {
        try {
          out.set(transferId, await ctx.ledger.getTransfer({ tenantId, transferId }))
        } catch (e) {
          if (isLedgerError(e) && e.code === 'TRANSFER_NOT_FOUND') out.set(transferId, null)
          else throw e
        }
      }),
    )
  }
  return out
}

/** The steps whose amounts make a record's figures (lifetime hours repeat the hours), in the order adopt reads them. */
const CREDIT_STEPS = ['hours', 'excess', 'points', 'excess-points'] as const satisfies readonly RecordStep[]

/**
 * Claimed records the ledger already credited under an earlier claim (released after a refusal while the
 * other claimer's credit went through, then claimed again): each takes what the ledger holds (hours,
 * points, rule version, approver; a batch is atomic, so the ledger holds all of that claim's credits or
 * none) and when it was posted. A record the ledger holds nothing for stays refused.
 */
async function adopt(
  ctx: CommunityContext,
  tenantId: string,
  records: RecordRow[],
): Promise<{ adopted: RecordRow[]; postedAt: Map<string, Date>; failed: CreditFailure[] }> {
  const found = await ledgerTransfers(
    ctx,
    tenantId,
    records.flatMap((r) => CREDIT_STEPS.map((step) => recordStep(r.id, step))),
  )
  const adopted: RecordRow[] = []
  const postedAt = new Map<string, Date>()
  const failed: CreditFailure[] = []
  for (const r of records) {
    const [hours, excess, points, excessPoints] = CREDIT_STEPS.map((step) => found.get(recordStep(r.id, step)) ?? null)
    const credit = hours ?? excess ?? points ?? excessPoints
    if (!credit) {
      const message = `the ledger refused record ${r.id}'s credit as a conflict but holds none`
      failed.push({ recordId: r.id, error: { code: 'IDEMPOTENCY_CONFLICT', message } })
      continue
    }
    const meta = credit.metadata as { ruleVersion?: unknown; approvedBy?: unknown }
    adopted.push({
      ...r,
      hours: (hours ? parseAmount(hours.amount, HOURS_SCALE) : 0n) + (excess ? parseAmount(excess.amount, HOURS_SCALE) : 0n),
      excessHours: excess ? parseAmount(excess.amount, HOURS_SCALE) : null,
      points: (points ? parseAmount(points.amount, 0) : 0n) + (excessPoints ? parseAmount(excessPoints.amount, 0) : 0n),
      excessPoints: excessPoints ? parseAmount(excessPoints.amount, 0) : null,
      ruleVersion: typeof meta.ruleVersion === 'number' ? meta.ruleVersion : r.ruleVersion,
      decidedBy: typeof meta.approvedBy === 'string' ? meta.approvedBy : r.decidedBy,
      decidedAt: credit.createdAt,
    })
    postedAt.set(r.id, credit.createdAt)
  }
  return { adopted, postedAt, failed }
}

/** The months closed (directly or by their quarter or year) among those given. */
async function closedMonths(ex: Pick<CommunityContext['db'], 'execute'>, tenantId: string, months: Iterable<string>): Promise<Set<string>> {
  const wanted = [...new Set(months)]
  if (wanted.length === 0) return new Set()
  const periods = [...new Set(wanted.flatMap(periodsOfMonth))]
  const closed = new Set(
    (
      await rows<{ period: string }>(
        ex,
        sql`select period from cm_closed_periods where tenant_id = ${tenantId} and period = any(${pgArray(periods)}::text[])`,
      )
    ).map((r) => r.period),
  )
  return new Set(wanted.filter((m) => periodsOfMonth(m).some((p) => closed.has(p))))
}

/**
 * The month a posting counts in: the month of its instant, unless that month has been closed since
 * (a crashed step finished late), then the current month: a closed month never changes. Read inside
 * the transaction that counts the postings, under the lock closing a period takes exclusively
 * (periodLock), so a period cannot close between this read and the count.
 */
async function countedMonths(
  ctx: CommunityContext,
  tx: Pick<CommunityContext['db'], 'execute'>,
  tenantId: string,
  timeZone: string,
  at: Map<string, Date>,
): Promise<Map<string, string>> {
  await tx.execute(sql`select pg_advisory_xact_lock_shared(${periodLockKey(tenantId)})`)
  // A batch's postings share one instant: each distinct instant's month is worked out once.
  const monthAt = new Map<number, string>()
  const month = (when: Date) => {
    let m = monthAt.get(when.getTime())
    if (m === undefined) {
      m = monthOf(when, timeZone)
      monthAt.set(when.getTime(), m)
    }
    return m
  }
  const months = new Map([...at].map(([id, when]) => [id, month(when)]))
  const closed = await closedMonths(tx, tenantId, months.values())
  const current = monthOf(ctx.now(), timeZone)
  return new Map([...months].map(([id, m]) => [id, closed.has(m) ? current : m]))
}

/** Add (or subtract) records' hours and points to their members' month totals, grouped so each row is touched once. */
async function addToTotals(
  tx: Pick<CommunityContext['db'], 'execute'>,
  tenantId: string,
  items: { memberId: string; month: string; hours: bigint; points: bigint; records: number }[],
): Promise<void> {
  const sums = new Map<string, { memberId: string; month: string; hours: bigint; points: bigint; records: number }>()
  for (const i of items) {
    const key = `${i.month}\u0000${i.memberId}`
    const s = sums.get(key) ?? { memberId: i.memberId, month: i.month, hours: 0n, points: 0n, records: 0 }
    s.hours += i.hours
    s.points += i.points
    s.records += i.records
    sums.set(key, s)
  }
  // In (month, member) order, the order of the table's key, so concurrent upserts lock rows alike.
  const list = [...sums.values()].sort((a, b) => (a.month === b.month ? (a.memberId < b.memberId ? -1 : 1) : a.month < b.month ? -1 : 1))
  if (list.length === 0) return
  await tx.execute(sql`
    insert into cm_member_totals (tenant_id, member_id, month, hours, points, records)
    select ${tenantId}, u.member_id, u.month, u.hours, u.points, u.records
    from unnest(${pgArray(list.map((s) => s.memberId))}::text[], ${pgArray(list.map((s) => s.month))}::text[],
                ${pgArray(list.map((s) => s.hours))}::int8[], ${pgArray(list.map((s) => s.points))}::int8[],
                ${pgArray(list.map((s) => s.records))}::int[]) with ordinality as u(member_id, month, hours, points, records, n)
    order by u.n
    on conflict (tenant_id, month, member_id) do update
      set hours = cm_member_totals.hours + excluded.hours,
          points = cm_member_totals.points + excluded.points,
          records = cm_member_totals.records + excluded.records`)
}

/** Put records whose ledger step was refused back to the state they were claimed from. */
async function release(ctx: CommunityContext, tenantId: string, from: 'approving' | 'reversing', failed: CreditFailure[], actor: string) {
  if (failed.length === 0) return
  const back = from === 'approving' ? 'pending' : 'approved'
  const ids = failed.map((f) => f.recordId)
  const now = ctx.now()
  await ctx.db.transaction(async (tx) => {
    await lockRecords(tx, tenantId, ids, from)
    const released = await rows<{ id: string }>(
      tx,
      sql`update cm_hour_records set status = ${back}
            ${from === 'approving' ? sql`, points = null, rule_version = null, excess_hours = null, excess_points = null, decided_by = null, decided_at = null` : sql`, reason = null`}
          where tenant_id = ${tenantId} and status = ${from} and id = any(${pgArray(ids)}::text[])
          returning id`,
    )
    const why = new Map(failed.map((f) => [f.recordId, f.error]))
    const action = from === 'approving' ? 'approval-refused' : 'reversal-refused'
    await logEvents(
      tx,
      tenantId,
      actor,
      now,
      released.map(({ id }) => ({ recordId: id, action, detail: { ledger: why.get(id) } })),
    )
  })
}

/** A record a finish marked: when the ledger posted its step, the month that counts in, and its figures as written. */
export interface Marked {
  at: Date
  month: string
  row: RecordRow
}

/** The two intents a record can be claimed for, and what finishing each writes. */
const STEPS = {
  approval: {
    from: 'approving',
    back: 'pending',
    to: 'approved',
    ops: approvalOps,
    at: 'posted_at',
    month: 'posted_period',
    sign: 1n,
    event: 'approved',
  },
  reversal: {
    from: 'reversing',
    back: 'approved',
    to: 'reversed',
    ops: reversalOps,
    at: 'reversed_at',
    month: 'reversed_period',
    sign: -1n,
    event: 'reversed',
  },
} as const

/**
 * Finish claimed records of one kind: post their ledger operations, then, in one transaction, mark them
 * (when the ledger posted them and the month they count in), add them to (or take them off) their
 * members' month totals, and log it. Records the ledger refuses go back to the state they were claimed
 * from, with the refusal; those it credited under an earlier claim adopt that credit. Returns the ones
 * this call marked and the ones refused.
 */
async function finish(
  ctx: CommunityContext,
  tenantId: string,
  claimed: RecordRow[],
  actor: string,
  kind: keyof typeof STEPS,
): Promise<{ marked: Map<string, Marked>; failed: CreditFailure[] }> {
  const step = STEPS[kind]
  const { settings } = await ctx.community(tenantId)
  const markedAll = new Map<string, Marked>()
  const failedAll: CreditFailure[] = []
  for (const chunk of chunks(claimed, step.ops)) {
    const posted = await postAll(ctx, tenantId, chunk, step.ops)
    // Only an approval's credit can differ from an earlier claim's (the approver, the rule); a reversal's never does.
    const adoption =
      kind === 'approval'
        ? await adopt(ctx, tenantId, posted.conflicted)
        : {
            adopted: [],
            postedAt: new Map<string, Date>(),
            failed: posted.conflicted.map((r) => ({
              recordId: r.id,
              error: { code: 'IDEMPOTENCY_CONFLICT', message: 'conflicting reversal' },
            })),
          }
    const refusals = [...posted.failed, ...adoption.failed]
    failedAll.push(...refusals)
    await release(ctx, tenantId, step.from, refusals, actor)
    const set = new Set([...refusals.map((f) => f.recordId), ...posted.conflicted.map((r) => r.id)])
    const done = [...chunk.filter((r) => !set.has(r.id)), ...adoption.adopted]
    const adopted = new Set(adoption.adopted.map((r) => r.id))
    // A record with nothing to post (zero hours and points) counts when it is marked.
    const when = new Map(done.map((r) => [r.id, posted.postedAt.get(r.id) ?? adoption.postedAt.get(r.id) ?? ctx.now()]))
    const now = ctx.now()
    await ctx.db.transaction(async (tx) => {
      // Also in the state a refusal puts a record back in: another caller's refused step may have released it after
      // this one's went through, and the ledger holding the step is what counts.
      const states = [step.from, step.back]
      await lockRecords(
        tx,
        tenantId,
        done.map((r) => r.id),
        states,
      )
      const months = await countedMonths(ctx, tx, tenantId, settings.timeZone, when)
      // The figures the ledger was given are written again: a release may have cleared them, an adoption changes them.
      const marked = await rows<{ id: string; member_id: string; hours: string; points: string | null }>(
        tx,
        sql`update cm_hour_records r set status = ${step.to}, ${sql.identifier(step.at)} = u.at, ${sql.identifier(step.month)} = u.month,
                                         hours = u.hours, points = u.points, rule_version = u.rule_version,
                                         excess_hours = u.excess_hours, excess_points = u.excess_points,
                                         decided_by = u.decided_by, decided_at = u.decided_at
            from unnest(${pgArray(done.map((r) => r.id))}::text[], ${pgArray(done.map((r) => (when.get(r.id) as Date).toISOString()))}::timestamptz[],
                        ${pgArray(done.map((r) => months.get(r.id) ?? null))}::text[], ${pgArray(done.map((r) => r.hours))}::int8[],
                        ${pgArray(done.map((r) => r.points))}::int8[], ${pgArray(done.map((r) => r.ruleVersion))}::int[],
                        ${pgArray(done.map((r) => r.decidedBy))}::text[],
                        ${pgArray(done.map((r) => r.decidedAt?.toISOString() ?? null))}::timestamptz[],
                        ${pgArray(done.map((r) => r.excessHours))}::int8[], ${pgArray(done.map((r) => r.excessPoints))}::int8[])
                 as u(id, at, month, hours, points, rule_version, decided_by, decided_at, excess_hours, excess_points)
            where r.tenant_id = ${tenantId} and r.id = u.id and r.status = any(${pgArray(states)}::text[])
            returning r.id, r.member_id, r.hours::text as hours, r.points::text as points`,
      )
      await addToTotals(
        tx,
        tenantId,
        marked.map((m) => ({
          memberId: m.member_id,
          month: months.get(m.id) as string,
          hours: step.sign * BigInt(m.hours),
          points: step.sign * BigInt(m.points ?? '0'),
          records: Number(step.sign),
        })),
      )
      const rowOf = new Map(done.map((r) => [r.id, r]))
      for (const m of marked) {
        markedAll.set(m.id, { at: when.get(m.id) as Date, month: months.get(m.id) as string, row: rowOf.get(m.id) as RecordRow })
      }
      await logEvents(
        tx,
        tenantId,
        actor,
        now,
        marked.map((m) => ({
          recordId: m.id,
          action: step.event,
          detail: { at: when.get(m.id), month: months.get(m.id), ...(adopted.has(m.id) ? { adoptedFromLedger: true } : {}) },
        })),
      )
    })
  }
  return { marked: markedAll, failed: failedAll }
}

/** Finish records claimed for approval: credit them in the ledger, mark them approved, count them in their month. */
export const finishApprovals = (ctx: CommunityContext, tenantId: string, claimed: RecordRow[], actor: string) =>
  finish(ctx, tenantId, claimed, actor, 'approval')

/** Finish records claimed for reversal: reverse their credits, mark them reversed, take them off their month. */
export const finishReversals = (ctx: CommunityContext, tenantId: string, claimed: RecordRow[], actor: string) =>
  finish(ctx, tenantId, claimed, actor, 'reversal')

/** A ledger refusal of one record as the answer to a request about it: the ledger's own error, naming the record. */
export function refusalOf(f: CreditFailure): LedgerError {
  return new LedgerError(f.error.code as ErrorCode, `hour record ${f.recordId}: ${f.error.message}`, {
    ...f.error.details,
    recordId: f.recordId,
  })
}
