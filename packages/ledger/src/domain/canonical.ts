/**
 * Canonical JSON: object keys sorted, undefined members dropped, so two equal
 * requests serialise (and hash, and sign) the same whatever their key order.
 * Anything without one exact JSON form (a bigint, NaN or Infinity, a function,
 * undefined inside an array) is refused rather than guessed. Every operation
 * is hashed with it, so it builds one string in place rather than arrays of
 * pieces.
 *
 * @example
 * canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${value} has no JSON form`)
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ','
      const v = value[i]
      if (v === undefined) throw new TypeError('undefined inside an array has no canonical JSON form')
      out += canonicalJson(v)
    }
    return `${out}]`
  }
  if (typeof value !== 'object') throw new TypeError(`a ${typeof value} has no canonical JSON form`)
  const record = value as Record<string, unknown>
  // The default sort compares UTF-16 code units, the same order on every machine.
  const keys = Object.keys(record).sort()
  let out = '{'
  for (const k of keys) {
    const v = record[k]
    if (v === undefined) continue
    if (out.length > 1) out += ','
    out += `${JSON.stringify(k)}:${canonicalJson(v)}`
  }
  return `${out}}`
}
