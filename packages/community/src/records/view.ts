/**
 * An hour record as the community shows it: hours and points as the ledger's
 * decimal text, instants as Dates.
 */
import { formatAmount } from '@timebank/ledger'
import { z } from 'zod'
import { HOURS_SCALE } from '../domain/hours.js'
import { Conduct, Role } from '../domain/points.js'
import { RecordStatus } from '../domain/record.js'
import type { hourRecords } from '../storage/schema.js'

export const HourRecordOutput = z.object({
  tenantId: z.string(),
  id: z.string(),
  memberId: z.string(),
  activityId: z.string().nullable(),
  kind: z.string().describe('The task kind.'),
  role: Role,
  conduct: Conduct,
  startedAt: z.date(),
  endedAt: z.date(),
  hours: z.string().describe('Hours to credit, e.g. "1.50".'),
  points: z.string().nullable().describe('Points it credits; set when it is approved.'),
  ruleVersion: z.number().int().nullable().describe('The points rule version it was credited under.'),
  status: RecordStatus,
  manual: z.boolean().describe('Entered by hand: approved only by someone other than who entered it.'),
  createdBy: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.date().nullable(),
  adjustedBy: z.string().nullable().describe('Who last changed its hours, conduct or role: approved only by someone else.'),
  reason: z.string().nullable().describe('Why it was rejected, or why a complaint about it was upheld.'),
  postedAt: z.date().nullable().describe('When the ledger posted its credit.'),
  postedPeriod: z.string().nullable().describe('The month (YYYY-MM) the credit counts in.'),
  reversedAt: z.date().nullable(),
  reversedPeriod: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.date(),
})
export type HourRecord = z.output<typeof HourRecordOutput>

export type RecordRow = typeof hourRecords.$inferSelect

export const recordView = (r: RecordRow): HourRecord => ({
  tenantId: r.tenantId,
  id: r.id,
  memberId: r.memberId,
  activityId: r.activityId,
  kind: r.kind,
  role: r.role as HourRecord['role'],
  conduct: r.conduct as HourRecord['conduct'],
  startedAt: r.startedAt,
  endedAt: r.endedAt,
  hours: formatAmount(r.hours, HOURS_SCALE),
  points: r.points === null ? null : r.points.toString(),
  ruleVersion: r.ruleVersion,
  status: r.status as HourRecord['status'],
  manual: r.manual,
  createdBy: r.createdBy,
  decidedBy: r.decidedBy,
  decidedAt: r.decidedAt,
  adjustedBy: r.adjustedBy,
  reason: r.reason,
  postedAt: r.postedAt,
  postedPeriod: r.postedPeriod,
  reversedAt: r.reversedAt,
  reversedPeriod: r.reversedPeriod,
  note: r.note,
  createdAt: r.createdAt,
})
