import fc from 'fast-check'
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

describe('canonicalJson on any JSON value', () => {
  // Equal values in any key order give one text, and that text parses back to the value.
  it('is JSON that parses back to the value, the same for every key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v)
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)))
        const shuffled = JSON.parse(JSON.stringify(v), (_k, x) =>
          x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).reverse()) : x,
        )
        expect(canonicalJson(shuffled)).toBe(text)
      }),
      { numRuns: 500 },
    )
  })
})

describe('canonicalJson of what has no JSON form', () => {
  it('refuses it rather than guessing', () => {
    for (const v of [1n, Number.NaN, Number.POSITIVE_INFINITY, [undefined], () => 1, Symbol('x')]) {
      expect(() => canonicalJson({ a: v })).toThrow(TypeError)
    }
  })
})
