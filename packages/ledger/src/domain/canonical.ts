/**
 * Canonical JSON: object keys sorted, undefined members dropped, so two equal
 * requests serialise (and hash) the same whatever their key order. Every
 * operation is hashed with it, so it builds one string in place rather than
 * arrays of pieces.
 *
 * @example
 * canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ','
      // As JSON.stringify does for arrays: what has no JSON form is null.
      out += canonicalJson(value[i]) ?? 'null'
    }
    return `${out}]`
  }
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
