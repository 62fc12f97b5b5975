import { describe, expect, it } from 'vitest'
import { compareDecimals, sumDecimals } from './decimal.js'

describe('exact decimal text', () => {
  it('adds without a float', () => {
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3')
    expect(sumDecimals(['1.50', '2.25', '10'])).toBe('13.75')
    expect(sumDecimals(['99999999999999999.99', '0.01'])).toBe('100000000000000000.00')
    expect(sumDecimals(['-1.5', '0.25'])).toBe('-1.25')
    expect(sumDecimals([])).toBe('0')
  })

  it('compares across scales', () => {
    expect(compareDecimals('4', '5.0')).toBe(-1)
    expect(compareDecimals('5.00', '5')).toBe(0)
    expect(compareDecimals('5.01', '5')).toBe(1)
    expect(compareDecimals('-1', '0')).toBe(-1)
  })

  it('refuses text that is not a decimal', () => {
    expect(() => sumDecimals(['1', 'x'])).toThrow(/not a decimal/)
    expect(() => compareDecimals('1e3', '1')).toThrow(/not a decimal/)
  })
})
