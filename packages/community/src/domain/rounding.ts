/**
 * Explicit rounding, exact: decimal strings in, decimal.js inside, never a
 * float. Durations become hours and points become whole numbers by a rule the
 * community configures: a step (e.g. a quarter hour) and a mode.
 *
 * @example
 * roundToStep('1.6', '0.25', 'down')  // '1.5'
 * roundToStep('2.5', '1', 'half-even') // '2'
 */
import { Decimal as DecimalJs } from 'decimal.js'
import { z } from 'zod'

/**
 * decimal.js rounds every product and quotient to its precision (20 significant digits by default) before
 * any rule of ours runs. Rule values have at most 18 digits and a product of the formula's factors about
 * 50, so the community's decimals carry 100: products are exact, and only a non-terminating quotient
 * (a duration in hours, a value over a step) is cut, far below any step it is then rounded to.
 */
export const Decimal = DecimalJs.clone({ precision: 100 })
export type Decimal = DecimalJs

/** How a value between two steps is settled. */
export const RoundingMode = z.enum(['down', 'up', 'half-up', 'half-even'])
export type RoundingMode = z.infer<typeof RoundingMode>

const MODES: Record<RoundingMode, DecimalJs.Rounding> = {
  down: DecimalJs.ROUND_DOWN,
  up: DecimalJs.ROUND_UP,
  'half-up': DecimalJs.ROUND_HALF_UP,
  'half-even': DecimalJs.ROUND_HALF_EVEN,
}

/** A decimal string of zero or more, e.g. "0", "0.25" or "1.4": at most 9 digits before the point and 9 after. */
export const DecimalText = z.string().regex(/^(0|[1-9]\d{0,8})(\.\d{1,9})?$/, 'a decimal like "0.25" or "1.4"')

/** A step to round to: a positive decimal string with at most `scale` decimals. */
export const Step = (scale: number) =>
  // Piped, so the refines see only text the regex accepted (zod runs a refine even after its regex failed).
  DecimalText.pipe(
    z
      .string()
      .refine((s) => new Decimal(s).gt(0), 'the step must be greater than zero')
      .refine((s) => new Decimal(s).decimalPlaces() <= scale, `the step may have at most ${scale} decimal place(s)`),
  )

/** `value` rounded to a whole number of `step`s, by `mode` (values are never negative here). */
export function roundToStep(value: DecimalJs.Value, step: DecimalJs.Value, mode: RoundingMode): Decimal {
  const s = new Decimal(step)
  return new Decimal(value).div(s).toDecimalPlaces(0, MODES[mode]).times(s)
}

/** A decimal as integer minor units at `scale` (it must have no more decimals: refused, never rounded). */
export function toMinor(value: Decimal, scale: number): bigint {
  const minor = value.times(new Decimal(10).pow(scale))
  if (!minor.isInteger()) throw new Error(`${value.toString()} has more than ${scale} decimals`)
  return BigInt(minor.toFixed(0))
}

/** Minor units at `scale` as a Decimal. */
export const fromMinor = (minor: bigint, scale: number): Decimal => new Decimal(minor.toString()).div(new Decimal(10).pow(scale))
