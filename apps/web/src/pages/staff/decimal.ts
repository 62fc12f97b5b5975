/**
 * The little exact arithmetic the console needs on the API's decimal text: adding the roll-ups of
 * several root grids, and comparing a stock level with a threshold. BigInt on the digits, never a
 * float, so "0.1" + "0.2" is "0.3".
 *
 * @example
 * sumDecimals(['1.50', '2.25']) // '3.75'
 * compareDecimals('4', '5.0')  // -1
 */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/

/** The value in units of 10^-scale; undefined for text that is not a decimal. */
function toUnits(value: string, scale: number): bigint | undefined {
  const m = DECIMAL.exec(value)
  if (!m) return undefined
  const [, sign, whole = '0', fraction = ''] = m
  const units = BigInt(whole + fraction.padEnd(scale, '0'))
  return sign === '-' ? -units : units
}

const scaleOf = (value: string) => DECIMAL.exec(value)?.[3]?.length ?? 0

function fromUnits(units: bigint, scale: number): string {
  const sign = units < 0n ? '-' : ''
  const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, '0')
  return scale === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`
}

/** The exact sum, at the largest scale among the values; "0" for none. Throws on text that is not a decimal. */
export function sumDecimals(values: readonly string[]): string {
  const scale = Math.max(0, ...values.map(scaleOf))
  let total = 0n
  for (const v of values) {
    const units = toUnits(v, scale)
    if (units === undefined) throw new Error(`not a decimal: ${v}`)
    total += units
  }
  return fromUnits(total, scale)
}

/** -1, 0 or 1 as a is below, equal to or above b. Throws on text that is not a decimal. */
export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const scale = Math.max(scaleOf(a), scaleOf(b))
  const x = toUnits(a, scale)
  const y = toUnits(b, scale)
  if (x === undefined || y === undefined) throw new Error(`not a decimal: ${x === undefined ? a : b}`)
  return x < y ? -1 : x > y ? 1 : 0
}
