import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { maskIdNumber, maskName, maskPhone } from './mask.js'

describe('masking', () => {
  it('keeps the first and last character of a name', () => {
    expect(maskName('张小明')).toBe('张*明')
    expect(maskName('欧阳小明')).toBe('欧**明')
    expect(maskName('李雷')).toBe('李*')
    expect(maskName('Ana')).toBe('A*a')
    expect(maskName('王')).toBe('*')
    expect(maskName(null)).toBe('')
  })

  it('keeps the first three and last four digits of a phone', () => {
    expect(maskPhone('13812341234')).toBe('138****1234')
    expect(maskPhone('138-1234-1234')).toBe('138****1234')
    expect(maskPhone('12345')).toBe('*****')
  })

  it('keeps the first and last four characters of an ID number', () => {
    expect(maskIdNumber('110101199003071234')).toBe('1101**********1234')
  })

  it('never shows a name whole, and keeps its length', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 2, maxLength: 12 }).filter((s) => s.trim() === s && s.length > 0 && !s.includes('*')),
        (name) => {
          const masked = maskName(name)
          expect(masked).not.toBe(name)
          expect([...masked].length).toBe(Math.max(2, [...name].length) === 2 ? 2 : [...name].length)
        },
      ),
    )
  })
})
