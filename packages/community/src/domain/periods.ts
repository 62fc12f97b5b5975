/**
 * Periods in a community's time zone: months (2026-03), quarters (2026-Q1) and
 * years (2026). A credit counts in the month the ledger posted it, so a closed
 * month never changes: a later correction counts in the month it is posted.
 *
 * @example
 * monthOf(new Date('2026-03-31T17:00:00Z'), 'Asia/Shanghai') // '2026-04'
 * bounds('2026-Q1', 'Asia/Shanghai') // { from: 2025-12-31T16:00Z, to: 2026-03-31T16:00Z }
 */
import { z } from 'zod'

export const Period = z.string().regex(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/, 'periods are YYYY-MM, YYYY-Qn or YYYY')
export type Period = z.infer<typeof Period>

/** A valid IANA time zone name. */
export const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}, 'an IANA time zone such as Asia/Shanghai')

const formatters = new Map<string, Intl.DateTimeFormat>()
function partsIn(at: Date, timeZone: string) {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, f)
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]))
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
  }
}

/** The local calendar date of an instant, YYYY-MM-DD. */
export function dateIn(at: Date, timeZone: string): string {
  const p = partsIn(at, timeZone)
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`
}

/** The month (YYYY-MM) an instant falls in. */
export function monthOf(at: Date, timeZone: string): string {
  return dateIn(at, timeZone).slice(0, 7)
}

/** The instant local midnight starts the given day (time zones' offsets found, not assumed). */
export function startOfDay(year: number, month: number, day: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day)
  let guess = wall
  // Two corrections settle any offset, daylight saving included.
  for (let i = 0; i < 2; i++) {
    const p = partsIn(new Date(guess), timeZone)
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
    guess += wall - shown
  }
  return new Date(guess)
}

/** The months (YYYY-MM) a period is made of. */
export function monthsOf(period: Period): string[] {
  const year = period.slice(0, 4)
  const months = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `${year}-${String(from + i).padStart(2, '0')}`)
  if (period.length === 4) return months(1, 12)
  if (period[5] === 'Q') {
    const q = Number(period[6])
    return months(q * 3 - 2, q * 3)
  }
  return [period]
}

/** Where a period starts (inclusive) and ends (exclusive), as instants. */
export function bounds(period: Period, timeZone: string): { from: Date; to: Date } {
  const months = monthsOf(period)
  const [y1, m1] = (months[0] as string).split('-').map(Number) as [number, number]
  const [y2, m2] = (months[months.length - 1] as string).split('-').map(Number) as [number, number]
  const next = m2 === 12 ? [y2 + 1, 1] : [y2, m2 + 1]
  return { from: startOfDay(y1, m1, 1, timeZone), to: startOfDay(next[0] as number, next[1] as number, 1, timeZone) }
}

/** The periods a month belongs to: itself, its quarter and its year. */
export function periodsOfMonth(month: string): string[] {
  const m = Number(month.slice(5, 7))
  return [month, `${month.slice(0, 4)}-Q${Math.ceil(m / 3)}`, month.slice(0, 4)]
}

/** A month, YYYY-MM. */
export const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month such as 2026-03')

/** Every month from `from` to `to`, both included, in order (none when `to` is before `from`). */
export function monthsFromTo(from: string, to: string): string[] {
  const index = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1
  const out: string[] = []
  for (let i = index(from); i <= index(to); i++) out.push(`${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`)
  return out
}
