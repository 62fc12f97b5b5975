/**
 * From attendance to creditable hours: the time between check-in and
 * check-out, rounded by the community's rule (e.g. down to a quarter hour),
 * capped by the activity's maximum. Exact: hundredths of an hour as bigint.
 *
 * @example
 * creditableHours({ from, to, rounding: { step: '0.25', mode: 'down' }, maxHours: 200n }) // 150n for 1 h 40 min
 */
import { z } from 'zod'
import { Decimal, DecimalText, RoundingMode, Step, fromMinor, roundToStep, toMinor } from './rounding.js'

/** Hours are kept in hundredths (the HOUR asset's scale). */
export const HOURS_SCALE = 2

export const HoursRounding = z.strictObject({
  /** Credit whole multiples of this many hours, e.g. "0.25" (a quarter hour), "0.5", "1". */
  step: Step(HOURS_SCALE),
  mode: RoundingMode,
})
export type HoursRounding = z.infer<typeof HoursRounding>

/** The most one record credits, in hundredths: a day. */
export const MAX_RECORD_HOURS = 24n * 100n

/** Hours given by hand (entered or adjusted): "0" to "24", at most two decimals; more is refused, never rounded. */
export const RecordHours = DecimalText.pipe(
  // Piped: the checks below see only decimal text.
  z
    .string()
    .refine((s) => new Decimal(s).decimalPlaces() <= HOURS_SCALE, `hours may have at most ${HOURS_SCALE} decimal places`)
    .refine((s) => new Decimal(s).lte(fromMinor(MAX_RECORD_HOURS, HOURS_SCALE)), 'one record credits at most 24 hours'),
)

/** Hundredths of an hour from hours `RecordHours` accepted. */
export const recordHours = (text: string): bigint => toMinor(new Decimal(text), HOURS_SCALE)

const MS_PER_HOUR = new Decimal(3_600_000)

/** Hundredths of an hour to credit for attending from `from` to `to`. */
export function creditableHours(input: { from: Date; to: Date; rounding: HoursRounding; maxHours: bigint }): bigint {
  const ms = Math.max(0, input.to.getTime() - input.from.getTime())
  const hours = roundToStep(new Decimal(ms).div(MS_PER_HOUR), input.rounding.step, input.rounding.mode)
  const minor = toMinor(hours, HOURS_SCALE)
  return minor < input.maxHours ? minor : input.maxHours
}
