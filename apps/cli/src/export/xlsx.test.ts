import { describe, expect, it } from 'vitest'
import { exactNumber } from './xlsx.js'

describe('exactNumber', () => {
  it('makes an amount a number with as many decimals shown, only when the double keeps it exactly', () => {
    expect(exactNumber('12.50')).toEqual({ value: 12.5, numFmt: '0.00' })
    expect(exactNumber('-2.00')).toEqual({ value: -2, numFmt: '0.00' })
    expect(exactNumber('120')).toEqual({ value: 120, numFmt: '0' })
    expect(exactNumber('12345678901234567.89')).toBeUndefined()
    expect(exactNumber('0.1234567890123456789')).toBeUndefined()
    expect(exactNumber('1e3')).toBeUndefined()
  })
})
