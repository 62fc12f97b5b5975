import { describe, expect, it } from 'vitest'
import { instantOf, memberIdOf, normalizeDate, recordIdOf, roleOf } from './fields.js'

describe('import fields', () => {
  it('reads dates and times as staff type them', () => {
    expect(['1958/4/12', '1958.4.12', '1958年4月12日', '1958-04-12', '12/4/1958'].map(normalizeDate)).toEqual([
      '1958-04-12',
      '1958-04-12',
      '1958-04-12',
      '1958-04-12',
      '12/4/1958',
    ])
    expect(instantOf('9:05', '2025/3/1', '+08:00')).toBe('2025-03-01T09:05:00+08:00')
    expect(instantOf('2025-03-01 14:00:30', undefined, '+08:00')).toBe('2025-03-01T14:00:30+08:00')
    expect(instantOf('2025-03-01T14:00:00Z', '2020-01-01', '+08:00')).toBe('2025-03-01T14:00:00Z')
    expect(instantOf('14:00', undefined, '+08:00')).toBeUndefined()
    expect(instantOf('afternoon', '2025-03-01', '+08:00')).toBeUndefined()
    expect(['队长', '组织者', 'Member'].map(roleOf)).toEqual(['leader', 'organiser', 'member'])
  })

  it('keys a person by id, else normalized ID number, else normalized phone, the same on every run', () => {
    expect(memberIdOf({ memberId: 'ana', idNumber: '110105195804120011' })).toBe('ana')
    const byId = memberIdOf({ idNumber: '11010519580412001x' })
    expect(byId).toMatch(/^m-[0-9a-f]{24}$/)
    expect(memberIdOf({ idNumber: ' 11010519580412001X', phone: '138 1234 1234' })).toBe(byId)
    expect(memberIdOf({ phone: '138-1234-1234' })).toBe(memberIdOf({ phone: '+86 13812341234' }))
    expect(memberIdOf({ phone: '138-1234-1234' })).not.toBe(byId)
    expect(memberIdOf({ phone: '12' })).toBeUndefined()
    expect(recordIdOf('ana', 'kind:clean-up', '2025-03-01T14:00:00+08:00')).toBe(recordIdOf('ana', 'kind:clean-up', '2025-03-01T06:00:00Z'))
  })
})
