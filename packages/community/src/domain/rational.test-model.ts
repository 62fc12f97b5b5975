/**
 * An independent model of exact arithmetic for the property tests: rationals
 * of bigints, and rounding to a step by each mode, written from the
 * definitions rather than with decimal.js, so the tests check the code
 * against something that shares none of it.
 */
export interface Q {
  n: bigint
  d: bigint
}

const abs = (x: bigint) => (x < 0n ? -x : x)
function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [abs(a), abs(b)]
  while (y) [x, y] = [y, x % y]
  return x || 1n
}
export const q = (n: bigint, d = 1n): Q => {
  const g = gcd(n, d)
  return d < 0n ? { n: -n / g, d: -d / g } : { n: n / g, d: d / g }
}
/** A decimal string as a rational. */
export function fromText(s: string): Q {
  const [whole, frac = ''] = s.split('.')
  return q(BigInt(`${whole}${frac}`), 10n ** BigInt(frac.length))
}
export const mul = (a: Q, b: Q) => q(a.n * b.n, a.d * b.d)
export const div = (a: Q, b: Q) => q(a.n * b.d, a.d * b.n)

/** `x` (not negative) rounded to whole multiples of `step`, then expressed in units of `unit`. */
export function roundTo(x: Q, step: Q, mode: 'down' | 'up' | 'half-up' | 'half-even', unit: Q): bigint {
  const k = div(x, step) // how many steps
  const floor = k.n / k.d
  const rem = q(k.n - floor * k.d, k.d) // in [0, 1)
  let whole = floor
  if (rem.n !== 0n) {
    const twice = rem.n * 2n // compare rem with 1/2: 2·rem.n vs rem.d
    if (mode === 'up') whole = floor + 1n
    else if (mode === 'half-up') whole = twice >= rem.d ? floor + 1n : floor
    else if (mode === 'half-even') whole = twice > rem.d || (twice === rem.d && floor % 2n === 1n) ? floor + 1n : floor
  }
  const value = mul(q(whole), step)
  const inUnits = div(value, unit)
  if (inUnits.d !== 1n) throw new Error('not a whole number of units')
  return inUnits.n
}
