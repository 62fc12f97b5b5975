import { describe, expect, it } from 'vitest'
import { canonicalJson } from './canonical.js'

describe('canonicalJson', () => {
  it('serialises equal values the same whatever their key order', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}')
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }))
  })

  it('drops undefined members, as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}')
  })
})
