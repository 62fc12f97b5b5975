/**
 * Exact arithmetic on the API's decimal strings ("12.50", "-3", "0.75"), as scaled bigints: sums
 * and comparisons for figures a page adds up (a month's hours over grids) and the ratios a chart
 * draws with. Nothing here goes through a float; `ratio` alone hands back a Number, for pixel
 * geometry only.
 *
 * @example
 * sumDecimals(['1.5', '2.25'])   // '3.75'
 * ratio('1.5', '3')              // 0.5
 */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/

/** The text as units of 10^-scale, and that scale; null for anything that is not a plain decimal. */
export function parseDecimal(text: string): { units: bigint; scale: number } | null {
  const match = DECIMAL.exec(text.trim())
  if (!match) return null
  const [, sign, whole, fraction = ''] = match
  const units = BigInt(`${whole}${fraction}`)
  return { units: sign === '-' ? -units : units, scale: fraction.length }
}

/** The text in units of 10^-scale (scale at least the text's own). Throws on text that is not a decimal: the API sends none, so one is a bug to see, not a zero to add. */
function unitsAt(text: string, scale: number): bigint {
  const parsed = parseDecimal(text)
  if (!parsed) throw new Error(`not a decimal: ${text}`)
  return parsed.units * 10n ** BigInt(scale - parsed.scale)
}

/** The largest scale among the values (0 when none has decimals). */
const scaleOf = (values: readonly string[]): number => Math.max(0, ...values.map((v) => parseDecimal(v)?.scale ?? 0))

/** Units back to text with `scale` decimals. */
function format(units: bigint, scale: number): string {
  const negative = units < 0n
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0')
  const whole = digits.slice(0, digits.length - scale)
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : ''
  return `${negative ? '-' : ''}${whole}${fraction}`
}

/** The exact sum, with as many decimals as the most precise value ("0" for none). */
export function sumDecimals(values: readonly string[]): string {
  const scale = scaleOf(values)
  return format(
    values.reduce((sum, v) => sum + unitsAt(v, scale), 0n),
    scale,
  )
}

/** -1, 0 or 1 as a is below, equal to or above b. */
export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const scale = scaleOf([a, b])
  const [x, y] = [unitsAt(a, scale), unitsAt(b, scale)]
  return x < y ? -1 : x > y ? 1 : 0
}

/** The largest value among them, as written ("0" for none). */
export function maxDecimal(values: readonly string[]): string {
  return values.reduce((max, v) => (parseDecimal(v) !== null && compareDecimals(v, max) > 0 ? v : max), '0')
}

/** Parts in a million that make the ratio precise enough for any drawing. */
const RESOLUTION = 1_000_000n

/**
 * value / max in [0, 1], for drawing only: computed on scaled bigints, then turned into a Number.
 * A value at or below zero, or a max at or below zero, draws nothing (0); above max, it is 1.
 */
export function ratio(value: string, max: string): number {
  const scale = scaleOf([value, max])
  const [v, m] = [unitsAt(value, scale), unitsAt(max, scale)]
  if (v <= 0n || m <= 0n) return 0
  if (v >= m) return 1
  return Number((v * RESOLUTION) / m) / Number(RESOLUTION)
}
