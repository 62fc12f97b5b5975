import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Month, monthsFromTo } from './periods.js'

const month = fc
  .record({ year: fc.integer({ min: 1990, max: 2100 }), month: fc.integer({ min: 1, max: 12 }) })
  .map(({ year, month }) => `${year}-${String(month).padStart(2, '0')}`)

describe('months from one to another', () => {
  it('lists every month once, in order, across years', () => {
    expect(monthsFromTo('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02'])
    expect(monthsFromTo('2026-03', '2026-03')).toEqual(['2026-03'])
    expect(monthsFromTo('2026-03', '2026-02')).toEqual([])
  })

  it('starts at from, ends at to, and steps one month at a time', () => {
    fc.assert(
      fc.property(month, month, (a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a]
        const months = monthsFromTo(from, to)
        expect(months[0]).toBe(from)
        expect(months[months.length - 1]).toBe(to)
        for (const m of months) expect(Month.safeParse(m).success).toBe(true)
        for (let i = 1; i < months.length; i++) expect((months[i] as string) > (months[i - 1] as string)).toBe(true)
        const span = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5)) - Number(from.slice(5)) + 1
        expect(months).toHaveLength(span)
      }),
    )
  })
})
