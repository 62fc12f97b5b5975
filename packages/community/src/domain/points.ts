/**
 * Points rules, per community and versioned, and the one formula that turns a
 * record into points: exact decimals, an explicit rounding to whole points.
 *
 *   base   = fixed points of the task kind, if the rule gives it some; else hours × points per hour
 *   points = round(base × role multiplier × conduct factor)
 *
 * @example
 * computePoints({ hours: 150n, role: 'leader', conduct: '1', kind: 'clean-up' }, rule) // 1.5 × 10 × 1.4 = 21n
 */
import { z } from 'zod'
import { HOURS_SCALE } from './hours.js'
import { Decimal, DecimalText, fromMinor, RoundingMode, roundToStep } from './rounding.js'

/** The role a member had in what they did: its multiplier is the rule's. */
export const Role = z.enum(['member', 'leader', 'organiser'])
export type Role = z.infer<typeof Role>

/** How well it was done: 1 (as expected), 0.5 (partly), 0 (not at all, e.g. a substantiated complaint). */
export const Conduct = z.enum(['1', '0.5', '0'])
export type Conduct = z.infer<typeof Conduct>

/** A task kind, e.g. elder-visit, clean-up, referral. */
export const TaskKind = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,47}$/, 'task kinds are 1-48 lower-case letters, digits, ".", "_" or "-"')

/** Decimal text of at most `max`: bounds that keep every record's points far inside a 64-bit column. */
const AtMost = (max: number, what: string) =>
  DecimalText.pipe(z.string().refine((s) => new Decimal(s).lte(max), `${what} is at most ${max.toLocaleString('en')}`))

export const PointsRule = z.strictObject({
  /** Points per hour served, e.g. "10"; at most 1,000,000. */
  pointsPerHour: AtMost(1_000_000, 'points per hour'),
  /** Multiplier per role, e.g. leader "1.4", organiser "1.2", member "1"; each at most 100. */
  roleMultipliers: z.strictObject({
    member: AtMost(100, 'a multiplier'),
    leader: AtMost(100, 'a multiplier'),
    organiser: AtMost(100, 'a multiplier'),
  }),
  /** Fixed points per task kind instead of hours × rate, e.g. { "referral": "2" }; each at most 1,000,000. */
  fixedPoints: z.record(TaskKind, AtMost(1_000_000, 'fixed points')).default({}),
  /** How fractional points become whole. */
  rounding: RoundingMode,
})
export type PointsRule = z.infer<typeof PointsRule>

/** The rule a new community starts with: 1 point an hour, the roles of one published platform. */
export const DEFAULT_POINTS_RULE: PointsRule = {
  pointsPerHour: '1',
  roleMultipliers: { member: '1', leader: '1.4', organiser: '1.2' },
  fixedPoints: {},
  rounding: 'half-up',
}

/** Whole points for a record under a rule. */
export function computePoints(record: { hours: bigint; role: Role; conduct: Conduct; kind: string }, rule: PointsRule): bigint {
  const fixed = rule.fixedPoints[record.kind]
  const base = fixed !== undefined ? new Decimal(fixed) : fromMinor(record.hours, HOURS_SCALE).times(rule.pointsPerHour)
  const points = roundToStep(base.times(rule.roleMultipliers[record.role]).times(record.conduct), 1, rule.rounding)
  return BigInt(points.toFixed(0))
}
