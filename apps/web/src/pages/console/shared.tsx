/**
 * What the console's pages share: ids for forms that create, answering a form the API refused (the
 * page again with the API's message and its VALIDATION issues), the notice after a redirect, the
 * community's current month, the grid filter, and where a form sends the reader back to.
 */
import type { Context } from 'hono'
import type { StatusCode } from 'hono/utils/http-status'
import { type ApiRefusal, ok } from '../../api.js'
import type { Me, WebEnv } from '../../env.js'
import type { MessageKey } from '../../i18n/catalogue.js'
import { Notice } from '../../layout.js'
import { safeNext } from '../../security.js'
import { refusalOf } from '../form.js'

type Ctx = Context<WebEnv>
type Answer = { ok: boolean; status: number; json(): Promise<unknown> }

/**
 * A fresh id for a form that creates something, put in the form when it is shown: the same form
 * posted twice sends the same id, and the API replays instead of creating twice. A community id
 * (letters, digits, '-'; at most 48).
 */
export const formId = (prefix: string): string => `${prefix}-${crypto.randomUUID()}`

/**
 * After a form's API call: `then` on success; on a refusal the page again (`again`) with the API's
 * status (4xx). Signing in again and server failures go to the app's error page.
 */
export async function afterForm<R extends Answer>(
  c: Ctx,
  res: R,
  again: (refusal: ApiRefusal) => Response | Promise<Response>,
  then: (res: R) => Response | Promise<Response>,
): Promise<Response> {
  if (res.ok) return then(res)
  const refusal = await refusalOf(res)
  if (refusal.status === 401 || refusal.status >= 500) throw refusal
  c.status(refusal.status as StatusCode)
  return again(refusal)
}

/** The issues a VALIDATION refusal lists (`details.issues`), as "path: message". */
export function issuesOf(refusal: ApiRefusal): string[] {
  const issues = refusal.details?.issues
  if (!Array.isArray(issues)) return []
  return issues.map((i: { path?: unknown; message?: unknown }) =>
    [typeof i.path === 'string' && i.path !== '' ? i.path : null, typeof i.message === 'string' ? i.message : '']
      .filter((part) => part !== null)
      .join(': '),
  )
}

/** The API's refusal, read out at once: its message, and each of its VALIDATION issues. */
export function Refused({ refusal }: { refusal: ApiRefusal | undefined }) {
  if (!refusal) return null
  const issues = issuesOf(refusal)
  return (
    <div class="notice error" role="alert">
      <p>{refusal.message}</p>
      {issues.length > 0 ? (
        <ul>
          {issues.map((issue) => (
            <li>{issue}</li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

/** The notice a page shows after a form redirected to it with `?done=<what>`: only the keys it names. */
export function Done({ c, notes }: { c: Ctx; notes: Record<string, MessageKey> }) {
  const done = c.req.query('done')
  const key = done === undefined ? undefined : notes[done]
  return key ? <Notice kind="ok">{c.var.words.t(key)}</Notice> : null
}

/** Where a form goes back to: a path under `base` it was sent from (with its filters), or `base`. */
export function backTo(value: unknown, base: string): string {
  const path = safeNext(value, base)
  return path === base || path.startsWith(`${base}?`) ? path : base
}

/** `path` with `done=<what>` added to its query. */
export function withDone(path: string, done: string): string {
  const url = new URL(path, 'http://x')
  url.searchParams.set('done', done)
  return `${url.pathname}${url.search}`
}

/** The page's own path and query, for a form's `back` field. */
export const here = (c: Ctx): string => {
  const url = new URL(c.req.url)
  url.searchParams.delete('done')
  return `${url.pathname}${url.search}`
}

/** The community's time zone (its settings), which periods are counted in. */
export async function communityZone(c: Ctx): Promise<string> {
  const community = await ok(c.var.api.v1.community.$get())
  return community.settings.timeZone
}

/** The month (YYYY-MM) `at` falls in, in the time zone. */
export function monthIn(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(at)
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  return `${part('year')}-${part('month')}`
}

/** The `count` months up to and including `month` (YYYY-MM), oldest first. */
export function monthsUpTo(month: string, count: number): string[] {
  const [year, m] = month.split('-').map(Number) as [number, number]
  const index = year * 12 + (m - 1)
  return Array.from({ length: count }, (_, i) => {
    const at = index - (count - 1 - i)
    return `${Math.floor(at / 12)}-${String((at % 12) + 1).padStart(2, '0')}`
  })
}

/** The period a page is about: the one asked for, or the community's current month. */
export async function periodOf(c: Ctx): Promise<string> {
  const asked = c.req.query('period')?.trim()
  return asked ? asked : monthIn(new Date(), await communityZone(c))
}

export interface GridOption {
  id: string
  name: string
  depth: number
}

/** The grids a filter offers, in tree order: a grid-limited reader's subtree, everyone else's the whole tree. */
export async function gridsOf(c: Ctx, me: Me): Promise<GridOption[]> {
  const page = await ok(c.var.api.v1.grids.$get({ query: me.gridId ? { under: me.gridId } : {} }))
  return page.grids.map((g) => ({ id: g.id, name: g.name, depth: g.depth }))
}

/** A select of grids, the empty choice (`none`: "all grids") first; indented by depth. */
export function GridSelect({
  c,
  grids,
  value,
  name = 'gridId',
  none = 'console.filter.allGrids',
}: {
  c: Ctx
  grids: GridOption[]
  value: string | undefined
  name?: string
  /** The empty choice's words. */
  none?: MessageKey
}) {
  const { t } = c.var.words
  return (
    <label>
      {t('console.filter.grid')}
      <select name={name}>
        <option value="">{t(none)}</option>
        {grids.map((g) => (
          <option value={g.id} selected={g.id === value}>
            {`${'\u00a0\u00a0'.repeat(g.depth)}${g.name}`}
          </option>
        ))}
      </select>
    </label>
  )
}

/** A query value, or undefined when absent or blank. */
export const query = (c: Ctx, name: string): string | undefined => {
  const value = c.req.query(name)?.trim()
  return value ? value : undefined
}
