import { describe, expect, it } from 'vitest'
import { localInput, monthIn, zonedInstant } from './zoned.js'

describe('wall-clock time in the community zone', () => {
  it('gives the instant with the zone offset', () => {
    expect(zonedInstant('2026-03-02T09:00', 'Asia/Shanghai')).toBe('2026-03-02T09:00:00+08:00')
    expect(zonedInstant('2026-01-15T08:30', 'UTC')).toBe('2026-01-15T08:30:00+00:00')
  })

  it('follows daylight saving time on either side of a change', () => {
    expect(zonedInstant('2026-01-10T12:00', 'Europe/Berlin')).toBe('2026-01-10T12:00:00+01:00')
    expect(zonedInstant('2026-07-10T12:00', 'Europe/Berlin')).toBe('2026-07-10T12:00:00+02:00')
    expect(zonedInstant('2026-07-10T12:00', 'America/New_York')).toBe('2026-07-10T12:00:00-04:00')
  })

  it('is null for text that is no real time', () => {
    expect(zonedInstant('2026-02-30T09:00', 'Asia/Shanghai')).toBeNull()
    expect(zonedInstant('tomorrow', 'Asia/Shanghai')).toBeNull()
    expect(zonedInstant('', 'Asia/Shanghai')).toBeNull()
  })

  it('puts an instant in the month of the zone, not of UTC', () => {
    expect(monthIn(new Date('2026-02-28T17:00:00Z'), 'Asia/Shanghai')).toBe('2026-03')
    expect(monthIn(new Date('2026-02-28T17:00:00Z'), 'UTC')).toBe('2026-02')
  })

  it('reads back what it was given', () => {
    const at = new Date(zonedInstant('2026-03-02T09:05', 'Asia/Shanghai') as string)
    expect(localInput(at, 'Asia/Shanghai')).toBe('2026-03-02T09:05')
  })
})
