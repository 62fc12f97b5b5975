/**
 * Explicit rounding, exact: decimal strings in, decimal.js inside, never a
 * float. Durations become hours and points become whole numbers by a rule the
 * community configures: a step (e.g. a quarter hour) and a mode.
 *
 * @example
 * roundToStep('1.6', '0.25', 'down')  // '1.5'
 * roundToStep('2.5', '1', 'half-even') // '2'
 */
import { Decimal } from 'decimal.js'
import { z } from 'zod'

/** How a value between two steps is settled. */
export const RoundingMode = z.enum(['down', 'up', 'half-up', 'half-even'])
export type RoundingMode = z.infer<typeof RoundingMode>

const MODES: Record<RoundingMode, Decimal.Rounding> = {
  down: Decimal.ROUND_DOWN,
  up: Decimal.ROUND_UP,
  'half-up': Decimal.ROUND_HALF_UP,
  'half-even': Decimal.ROUND_HALF_EVEN,
}

/** A positive decimal string, e.g. "0.25" or "1.4". */
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
export function roundToStep(value: Decimal.Value, step: Decimal.Value, mode: RoundingMode): Decimal {
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
