/**
 * Wall-clock time in the community's zone, as staff type it into a `datetime-local` field
 * ("2026-03-02T09:00"), turned into the instant with its offset the API takes
 * ("2026-03-02T09:00:00+08:00"); and the month (YYYY-MM) an instant falls in there.
 *
 * @example
 * zonedInstant('2026-03-02T09:00', 'Asia/Shanghai') // '2026-03-02T09:00:00+08:00'
 * monthIn(new Date('2026-02-28T17:00:00Z'), 'Asia/Shanghai') // '2026-03'
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/

function wallClock(at: number, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') }
}

/** Minutes the zone is ahead of UTC at an instant. */
function offsetAt(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone)
  return Math.round((Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - at) / 60_000)
}

/** The instant a wall-clock time names in the zone, with its offset; null when it is no real time. */
export function zonedInstant(local: string, timeZone: string): string | null {
  const m = LOCAL.exec(local)
  if (!m) return null
  const [, y, mo, d, h, mi, s = '00'] = m
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  // Date.UTC rolls 02-30 over to March: a day that does not exist is no time at all.
  if (new Date(wall).toISOString().slice(0, 19) !== `${y}-${mo}-${d}T${h}:${mi}:${s}`) return null
  // Twice: the offset at the wall time read as UTC may differ from the one at the instant itself (a DST change).
  const first = offsetAt(wall, timeZone)
  const offset = offsetAt(wall - first * 60_000, timeZone)
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  const hh = String(Math.floor(abs / 60)).padStart(2, '0')
  const mm = String(abs % 60).padStart(2, '0')
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${sign}${hh}:${mm}`
}

/** The month (YYYY-MM) an instant falls in, in the zone. */
export function monthIn(at: Date, timeZone: string): string {
  const w = wallClock(at.getTime(), timeZone)
  return `${w.year}-${String(w.month).padStart(2, '0')}`
}

/** The wall-clock time of an instant in the zone, as a `datetime-local` field shows it. */
export function localInput(at: Date, timeZone: string): string {
  const w = wallClock(at.getTime(), timeZone)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${w.year}-${p(w.month)}-${p(w.day)}T${p(w.hour)}:${p(w.minute)}`
}
