/**
 * Cells as staff type them into Excel, made into what the API takes: dates
 * written 1958/4/12 or 1958年4月12日, times of day with the community's UTC
 * offset, Chinese role names, and the derived member id that keys a person
 * by their ID number (or phone) when the sheet has no member id column.
 *
 * @example
 * memberIdOf({ idNumber: '11010519491231002X' }) // 'm-…' the same on every run
 */
import { createHash } from 'node:crypto'
import { IdNumber, Phone } from '@timebank/community'

/** YYYY-MM-DD from 1958-04-12, 1958/4/12, 1958.4.12 or 1958年4月12日; the text as is otherwise (the schema then refuses it). */
export function normalizeDate(s: string): string {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s.trim())
  return m ? `${m[1]}-${m[2]?.padStart(2, '0')}-${m[3]?.padStart(2, '0')}` : s
}

/**
 * An instant from a sheet's date and time: a full ISO instant is taken as is; `14:00`, `14:00:30`
 * on `date`, or `2026-03-01 14:00`, are local times at `offset` (e.g. +08:00). Undefined when nothing matches.
 */
export function instantOf(time: string | undefined, date: string | undefined, offset: string): string | undefined {
  if (time === undefined) return undefined
  const t = time.trim()
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(t)) return t
  const full = /^(\S+)\s+(\d{1,2}:\d{2}(?::\d{2})?)$/.exec(t)
  const day = full ? normalizeDate(full[1] ?? '') : date === undefined ? undefined : normalizeDate(date)
  const clock = full ? full[2] : /^\d{1,2}:\d{2}(?::\d{2})?$/.test(t) ? t : undefined
  if (day === undefined || clock === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined
  const [h, m, sec = '00'] = clock.split(':')
  return `${day}T${h?.padStart(2, '0')}:${m}:${sec}${offset}`
}

const ROLES: Record<string, string> = { 队员: 'member', 志愿者: 'member', 队长: 'leader', 负责人: 'leader', 组织者: 'organiser' }

/** The API's role name for a Chinese or English one. */
export function roleOf(s: string): string {
  return ROLES[s] ?? s.toLowerCase()
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 24)

/**
 * The member id a row stands for: its own id column, else one derived from the ID number, else from the phone,
 * each normalized first (so "138 1234 1234" and "13812341234" are one person). Hashed, so the id shown in URLs,
 * logs and the books does not spell out the ID number. Undefined when the row has none of the three.
 */
export function memberIdOf(fields: Record<string, string>): string | undefined {
  if (fields.memberId !== undefined) return fields.memberId
  const id = fields.idNumber === undefined ? undefined : IdNumber.safeParse(fields.idNumber)
  if (id?.success) return `m-${hash(`idNumber:${id.data}`)}`
  const phone = fields.phone === undefined ? undefined : Phone.safeParse(fields.phone)
  if (phone?.success) return `m-${hash(`phone:${phone.data}`)}`
  return undefined
}

/** A hour record's id from what makes it the same service: the member, the activity (or task kind) and the start. */
export function recordIdOf(memberId: string, activityOrKind: string, startedAt: string): string {
  return `si-${hash(`${memberId}|${activityOrKind}|${new Date(startedAt).toISOString()}`)}`
}
