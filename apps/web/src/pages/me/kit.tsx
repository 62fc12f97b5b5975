/**
 * What every resident page shares: amounts with their unit, a one-button form, the notice a page
 * shows after a POST/redirect/GET (`?done=`, looked up in a fixed list so no text comes from the URL),
 * and how a form answers an API refusal: the page again, with the refusal in plain words.
 */
import { randomUUID } from 'node:crypto'
import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import type { ApiRefusal } from '../../api.js'
import type { WebEnv } from '../../env.js'
import type { MessageKey } from '../../i18n/catalogue.js'
import { Csrf, Notice } from '../../layout.js'
import { refusalOf } from '../form.js'
import { plainRefusal } from './plain.js'

export type C = Context<WebEnv>

/** "12.50 小时": an exact decimal string with its unit. */
export const hours = (c: C, amount: string): string => c.var.words.t('amount.hours', { amount: c.var.words.amount(amount) })
/** "300 积分". */
export const points = (c: C, amount: string): string => c.var.words.t('amount.points', { amount: c.var.words.amount(amount) })
/** An amount of HOUR or POINT with its unit. */
export const amountOf = (c: C, asset: string, amount: string): string => (asset === 'POINT' ? points(c, amount) : hours(c, amount))

/**
 * A fresh id for a form that creates something, put in a hidden field when the form is drawn: the same
 * form posted twice sends the same id, and the API answers the second as a replay.
 */
export const newId = (prefix: string): string => `${prefix}-${randomUUID()}`

/** A path parameter for the typed client, which puts it in the URL as it is. */
export const seg = (value: string): string => encodeURIComponent(value)

/** What a page shows above its content. */
export type Shown = { kind: 'ok' | 'error'; text: string } | undefined

export function Shown({ notice }: { notice: Shown }) {
  return notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null
}

/** The notice named by `?done=`, if it is one of the page's. */
export function doneNotice(c: C, known: Record<string, MessageKey>): Shown {
  const done = c.req.query('done')
  const key = done !== undefined && Object.hasOwn(known, done) ? known[done] : undefined
  return key ? { kind: 'ok', text: c.var.words.t(key) } : undefined
}

/** A form of one big button (and hidden fields): one action on one thing. */
export function Act({
  c,
  action,
  label,
  fields = {},
  secondary,
  children,
}: {
  c: C
  action: string
  label: string
  fields?: Record<string, string>
  secondary?: boolean
  children?: Child
}) {
  return (
    <form method="post" action={action} class="act">
      <Csrf c={c} />
      {Object.entries(fields).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      {children}
      <button type="submit" class={secondary ? 'secondary' : undefined}>
        {label}
      </button>
    </form>
  )
}

/**
 * The answer to a form the API refused: the page drawn again with the refusal in plain words (400 for
 * input it could not read, 422 for anything else it declined). Session and server failures go on to
 * the app's error page.
 */
export async function refused(
  c: C,
  res: { ok: boolean; status: number; json(): Promise<unknown> },
  draw: (notice: Shown) => Promise<Response> | Response,
): Promise<Response> {
  return refusedWith(c, await refusalOf(res), draw)
}

/** As `refused`, for a refusal already read (to choose how to draw the page by its code). */
export function refusedWith(
  c: C,
  refusal: ApiRefusal,
  draw: (notice: Shown) => Promise<Response> | Response,
): Promise<Response> | Response {
  if (refusal.status === 401 || refusal.status >= 500) throw refusal
  c.status(refusal.status === 400 ? 400 : 422)
  return draw({ kind: 'error', text: plainRefusal(c.var.words, refusal) })
}

/** A status of the API (a wish's, an order's) in words; the status itself when the page has no words for it. */
export function statusWord(c: C, table: Record<string, MessageKey>, status: string): string {
  const key = Object.hasOwn(table, status) ? table[status] : undefined
  return key ? c.var.words.t(key) : status
}

/**
 * The last second of a local day (a date input's "YYYY-MM-DD") in the community's time zone, as the
 * API's instant text. Text that is not a date goes through as it is, for the API to refuse.
 */
export function endOfDay(date: string, timeZone: string): string {
  const noon = new Date(`${date}T12:00:00Z`)
  if (Number.isNaN(noon.getTime())) return date
  const zone = new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'longOffset' }).formatToParts(noon)
  const offset = zone.find((p) => p.type === 'timeZoneName')?.value.replace('GMT', '') ?? ''
  return `${date}T23:59:59${offset === '' ? 'Z' : offset}`
}
