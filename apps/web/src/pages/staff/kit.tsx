/**
 * Pieces the staff console's pages share: how a refusal reads, which status a re-rendered form
 * answers with, the community's time zone, the grid picker and the
 * pager. Nothing here decides anything: the API does.
 */
import type { Context } from 'hono'
import { type ApiRefusal, ok } from '../../api.js'
import type { Me, WebEnv } from '../../env.js'
import type { MessageKey } from '../../i18n/catalogue.js'
import { Notice } from '../../layout.js'
import { refusalOf } from '../form.js'

export type C = Context<WebEnv>

/** Our words for the refusals staff meet in the course of their work; any other shows the API's message. */
const REFUSALS: Record<string, MessageKey> = {
  SECOND_APPROVER_REQUIRED: 'staff.refusal.secondApprover',
  RECORD_NOT_FOUND: 'staff.refusal.recordNotFound',
  INVALID_TRANSITION: 'staff.refusal.invalidTransition',
  MEMBER_NOT_FOUND: 'staff.refusal.memberNotFound',
  MEMBER_NOT_ACTIVE: 'staff.refusal.memberNotActive',
  MEMBER_EXISTS: 'staff.refusal.memberExists',
  GRID_NOT_FOUND: 'staff.refusal.gridNotFound',
  ACTIVITY_CANCELLED: 'staff.refusal.activityCancelled',
  ACTIVITY_CLOSED: 'staff.refusal.activityClosed',
  ACTIVITY_NOT_ENDED: 'staff.refusal.activityNotEnded',
  ACTIVITY_ENDED: 'staff.refusal.activityEnded',
  CHECKIN_CLOSED: 'staff.refusal.checkinClosed',
  ALREADY_CHECKED_IN: 'staff.refusal.alreadyCheckedIn',
  ALREADY_CHECKED_OUT: 'staff.refusal.alreadyCheckedOut',
  NOT_CHECKED_IN: 'staff.refusal.notCheckedIn',
}

/** What to tell staff about a refusal, with its code (for support). */
export function refusalText(c: C, e: { code: string; message: string }): string {
  const key = REFUSALS[e.code]
  return key ? `${c.var.words.t(key)} (${e.code})` : `${e.message} (${e.code})`
}

/**
 * The refusal of a form's write, to show on the form again. What is not the form's fault (signed
 * out, the API failing) goes to the error page instead. A 403 is shown on the form: it names the
 * rule (e.g. SECOND_APPROVER_REQUIRED), which the error page's "not allowed" would hide.
 */
export async function formRefusal(res: { ok: boolean; status: number; json(): Promise<unknown> }): Promise<ApiRefusal> {
  const refusal = await refusalOf(res)
  if (refusal.status >= 500 || refusal.status === 401) throw refusal
  return refusal
}

/** The status of a form shown again after a refusal: 403 as the API said, 422 when understood but refused, else 400. */
export const formStatus = (r: ApiRefusal): 400 | 403 | 422 => (r.status === 403 ? 403 : r.status === 409 || r.status === 422 ? 422 : 400)

/** An error notice for a refusal, or nothing. */
export function RefusalNotice({ c, refusal }: { c: C; refusal?: ApiRefusal | undefined }) {
  return refusal ? <Notice kind="error">{refusalText(c, refusal)}</Notice> : null
}

/** The community's time zone: dates typed by staff and months are in it. */
export async function communityZone(c: C): Promise<string> {
  return (await ok(c.var.api.v1.community.$get())).settings.timeZone
}

/** A fresh id for a form that creates something: a double submission replays instead of creating twice. */
export const newId = (): string => crypto.randomUUID()

/** A member's name (or id alone) linking to their page. */
export function MemberLink({ id, name }: { id: string; name?: string | null | undefined }) {
  return (
    <a href={`/staff/members/${encodeURIComponent(id)}`}>
      {name ?? id}
      {name ? <span class="muted"> ({id})</span> : null}
    </a>
  )
}

export interface GridChoice {
  id: string
  name: string
  depth: number
}

/** The grids this user works in: the whole tree, or a grid leader's subtree. */
export async function gridChoices(c: C, me: Me): Promise<GridChoice[]> {
  const page = await ok(c.var.api.v1.grids.$get({ query: { ...(me.gridId ? { under: me.gridId } : {}), limit: '5000' } }))
  return page.grids.map((g) => ({ id: g.id, name: g.name, depth: g.depth }))
}

/** A select of grids, indented by depth; `blank` adds a first option with no grid. */
export function GridOptions({ grids, selected, blank }: { grids: GridChoice[]; selected?: string | undefined; blank?: string }) {
  const top = Math.min(...grids.map((g) => g.depth))
  return (
    <>
      {blank !== undefined ? <option value="">{blank}</option> : null}
      {grids.map((g) => (
        <option value={g.id} selected={g.id === selected}>
          {`${'\u3000'.repeat(Math.max(0, g.depth - top))}${g.name} (${g.id})`}
        </option>
      ))}
    </>
  )
}

/** This page's address with some query values replaced (undefined or '' removes one). */
export function withQuery(c: C, changes: Record<string, string | undefined>): string {
  const url = new URL(c.req.url)
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') url.searchParams.delete(k)
    else url.searchParams.set(k, v)
  }
  const search = url.searchParams.toString()
  return `${url.pathname}${search ? `?${search}` : ''}`
}

/** The link to the next page, when there is one. */
export function NextPage({ c, param, value }: { c: C; param: string; value: string | null | undefined }) {
  if (!value) return null
  return (
    <p>
      <a class="button secondary" href={withQuery(c, { [param]: value })}>
        {c.var.words.t('list.next')}
      </a>
    </p>
  )
}

/** A query value from a fixed set, or undefined. */
export function oneOf<T extends string>(value: string | undefined, options: readonly T[]): T | undefined {
  return (options as readonly string[]).includes(value ?? '') ? (value as T) : undefined
}

/** A confirmation after a redirect (`?done=…`), in our words; anything else in the query shows nothing. */
export function DoneNotice({ c, done }: { c: C; done: Partial<Record<string, MessageKey>> }) {
  const key = done[c.req.query('done') ?? '']
  return key ? <Notice kind="ok">{c.var.words.t(key)}</Notice> : null
}
