import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatAmount, parseAmount, parseBound } from './amount.js'
import { isLedgerError } from './errors.js'

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (e) {
    return isLedgerError(e) ? e.code : 'NOT_A_LEDGER_ERROR'
  }
  return undefined
}

describe('parseAmount', () => {
  it('reads decimal strings into exact minor units', () => {
    expect(parseAmount('1.5', 2)).toBe(150n)
    expect(parseAmount('1.50', 2)).toBe(150n)
    expect(parseAmount('0.01', 2)).toBe(1n)
    expect(parseAmount('12', 0)).toBe(12n)
    expect(parseAmount('999999999999999999', 0)).toBe(999999999999999999n)
  })

  it.each([
    ['more decimals than the scale', '1.005', 2],
    ['more written decimals than the scale, even if zero', '1.500', 2],
    ['a written decimal on a whole-number asset', '1.0', 0],
    ['any decimals on a whole-number asset', '1.5', 0],
    ['zero', '0', 2],
    ['zero with decimals', '0.00', 2],
    ['a negative amount', '-1', 2],
    ['exponent notation', '1e3', 2],
    ['a leading plus', '+1', 2],
    ['leading zeros', '01', 2],
    ['a bare dot', '1.', 2],
    ['spaces', ' 1', 2],
    ['NaN', 'NaN', 2],
    ['Infinity', 'Infinity', 2],
    ['hex', '0x10', 2],
    ['19 significant digits', '1234567890123456789', 0],
    ['a value too large for its scale', '99999999999999999', 2],
    ['an empty string', '', 2],
  ])('rejects %s, never rounding', (_, text, scale) => {
    expect(codeOf(() => parseAmount(text, scale))).toBe('INVALID_AMOUNT')
  })

  it.each([[1.5], [150n], [null], [undefined], [{}]])('rejects the non-string %s', (value) => {
    expect(codeOf(() => parseAmount(value, 2))).toBe('INVALID_AMOUNT')
  })

  it('round-trips every representable amount through format and parse', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 16n }), fc.integer({ min: 0, max: 2 }), (minor, scale) => {
        expect(parseAmount(formatAmount(minor, scale), scale)).toBe(minor)
      }),
    )
  })

  it('either parses exactly or refuses, for arbitrary decimal text', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,20}(\.[0-9]{1,6})?$/), fc.integer({ min: 0, max: 4 }), (text, scale) => {
        let minor: bigint
        try {
          minor = parseAmount(text, scale)
        } catch (e) {
          expect(isLedgerError(e) && e.code).toBe('INVALID_AMOUNT')
          return
        }
        // Exact: formatting back gives the same number (up to trailing zeros), never a rounded one.
        const [whole = '', frac = ''] = text.split('.')
        const expected = BigInt(whole + frac.padEnd(scale, '0'))
        expect(minor).toBe(expected)
      }),
    )
  })
})

describe('parseBound', () => {
  it('accepts signed limits, zero included', () => {
    expect(parseBound('0', 2)).toBe(0n)
    expect(parseBound('-10', 2)).toBe(-1000n)
    expect(parseBound('1500', 2)).toBe(150000n)
  })

  it('refuses limits more precise than the asset', () => {
    expect(codeOf(() => parseBound('-0.5', 0))).toBe('INVALID_AMOUNT')
  })
})

describe('formatAmount', () => {
  it('pads to exactly the scale, with a sign for negatives', () => {
    expect(formatAmount(0n, 2)).toBe('0.00')
    expect(formatAmount(5n, 2)).toBe('0.05')
    expect(formatAmount(-150n, 2)).toBe('-1.50')
    expect(formatAmount(42n, 0)).toBe('42')
    expect(formatAmount(-9223372036854775808n, 0)).toBe('-9223372036854775808')
  })
})
