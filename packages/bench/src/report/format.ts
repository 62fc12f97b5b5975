/**
 * Number formatting for the table: thousands separators, 3 significant digits
 * for small values.
 *
 * @example
 * fmt(12345.6) // '12,346'
 * fmt(0.4321) // '0.432'
 */
export function fmt(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-'
  const a = Math.abs(n)
  if (a >= 100) return Math.round(n).toLocaleString('en')
  if (a >= 10) return n.toFixed(1)
  if (a >= 1) return n.toFixed(2)
  return n.toPrecision(3)
}

export function ratio(n: number | null): string {
  return n === null || !Number.isFinite(n) ? '-' : `${n.toFixed(2)}x`
}
