import { describe, expect, it } from 'vitest'
import { CATALOGUE, localeFrom } from './catalogue.js'
import { words } from './translate.js'

describe('words', () => {
  it('fills slots and leaves unknown ones as written', () => {
    expect(words('en').t('signin.locked', { minutes: 15 })).toContain('15 minutes')
    expect(words('zh-CN').t('list.count', {})).toBe('共 {count} 条')
  })

  it('groups an exact amount without going through a float', () => {
    expect(words('en').amount('12345678901234567.25')).toBe('12,345,678,901,234,567.25')
    expect(words('zh-CN').amount('-1500.00')).toBe('-1,500.00')
    expect(words('en').amount('7')).toBe('7')
    expect(words('en').amount('not a number')).toBe('not a number')
  })

  it("writes dates in the community's time zone", () => {
    expect(words('en', 'Asia/Shanghai').dateTime('2026-03-01T16:30:00Z')).toMatch(/Mar 2, 2026.*00:30/)
    expect(words('zh-CN', 'Asia/Shanghai').date('2026-03-01T16:30:00Z')).toBe('2026年3月2日')
  })

  it('every locale has every message, none empty', () => {
    const keys = Object.keys(CATALOGUE['zh-CN'])
    for (const table of Object.values(CATALOGUE)) {
      expect(Object.keys(table).sort()).toEqual([...keys].sort())
      for (const key of keys) expect(table[key as keyof typeof table].trim()).not.toBe('')
    }
  })

  it('a locale outside the list falls back to Chinese', () => {
    expect(localeFrom('fr')).toBe('zh-CN')
    expect(localeFrom(undefined)).toBe('zh-CN')
    expect(localeFrom('en')).toBe('en')
  })
})
