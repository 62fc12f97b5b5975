/**
 * Exact amounts: decimal strings at the edges, bigint minor units inside.
 *
 * Nothing is ever rounded: an amount with more decimals than the asset's scale
 * is refused.
 *
 * @example
 * parseAmount('1.5', 2) // 150n
 * formatAmount(150n, 2) // '1.50'
 */
import { Decimal } from 'decimal.js'
import { ErrorCode, LedgerError } from './errors.js'

/** Largest number of significant digits an amount may have (fits in int8). */
export const MAX_SIGNIFICANT_DIGITS = 18
/** Largest scale an asset may have. */
export const MAX_SCALE = 9

const PLAIN_DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/
const SIGNED_DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/

function invalid(message: string, input: unknown): LedgerError {
  return new LedgerError(ErrorCode.INVALID_AMOUNT, message, { amount: typeof input === 'string' ? input.slice(0, 64) : String(input) })
}

// 10^scale per scale, built once: every amount of every operation is multiplied by one.
const UNIT = Array.from({ length: MAX_SCALE + 1 }, (_, scale) => new Decimal(10).pow(scale))

function toMinor(text: string, scale: number, what: string): bigint {
  const d = new Decimal(text)
  // Written digits count, not the value: "1.50" is two decimals even though it equals 1.5.
  const written = text.includes('.') ? text.length - text.indexOf('.') - 1 : 0
  if (written > scale) {
    throw invalid(`${what} ${text} has more than ${scale} decimal place(s)`, text)
  }
  if (d.precision(true) > MAX_SIGNIFICANT_DIGITS) {
    throw invalid(`${what} ${text} has more than ${MAX_SIGNIFICANT_DIGITS} significant digits`, text)
  }
  const minor = d.times(UNIT[scale] ?? new Decimal(10).pow(scale))
  // Same bound on the minor-unit integer, so it always fits PostgreSQL's int8.
  if (minor.abs().precision(true) > MAX_SIGNIFICANT_DIGITS) {
    throw invalid(`${what} ${text} is too large for scale ${scale}`, text)
  }
  return BigInt(minor.toFixed(0))
}

/**
 * Parse a strictly positive decimal string into minor units of an asset with `scale` decimals.
 * Rejects zero, negatives, exponents, signs, spaces, NaN and excess precision.
 * @throws LedgerError INVALID_AMOUNT
 */
export function parseAmount(text: unknown, scale: number): bigint {
  if (typeof text !== 'string' || !PLAIN_DECIMAL.test(text)) {
    throw invalid('amount must be a plain decimal string like "12" or "1.5"', text)
  }
  const minor = toMinor(text, scale, 'amount')
  if (minor <= 0n) throw invalid('amount must be greater than zero', text)
  return minor
}

/**
 * Parse a signed bound (an account's floor or ceiling) into minor units.
 * @throws LedgerError INVALID_AMOUNT
 */
export function parseBound(text: unknown, scale: number): bigint {
  if (typeof text !== 'string' || !SIGNED_DECIMAL.test(text)) {
    throw invalid('limit must be a decimal string like "0", "-10" or "1500"', text)
  }
  return toMinor(text, scale, 'limit')
}

/** Format minor units as a decimal string with exactly `scale` decimals. */
export function formatAmount(minor: bigint, scale: number): string {
  const negative = minor < 0n
  const digits = (negative ? -minor : minor).toString().padStart(scale + 1, '0')
  const whole = scale === 0 ? digits : digits.slice(0, digits.length - scale)
  const fraction = scale === 0 ? '' : `.${digits.slice(digits.length - scale)}`
  return `${negative ? '-' : ''}${whole}${fraction}`
}
