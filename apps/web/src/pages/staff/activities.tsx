/**
 * `/staff/activities`: activities running now, coming up, or past (the last 90 days at a time),
 * as the API lists them for this user; and `/staff/activities/new`, creating one. Times are typed
 * as wall-clock times in the community's time zone and sent as instants with its offset; what the
 * form holds is otherwise sent as typed, for the API to judge.
 */
import { type ApiRefusal, ok } from '../../api.js'
import { requireStaff } from '../../access.js'
import type { WebApp } from '../../env.js'
import type { MessageKey } from '../../i18n/catalogue.js'
import { Csrf, Page } from '../../layout.js'
import { text } from '../form.js'
import {
  type C,
  type GridChoice,
  GridOptions,
  NextPage,
  RefusalNotice,
  communityZone,
  formRefusal,
  formStatus,
  gridChoices,
  newId,
  oneOf,
  withQuery,
} from './kit.js'
import { zonedInstant } from './zoned.js'

const WHEN = ['current', 'upcoming', 'past'] as const
type When = (typeof WHEN)[number]
const whenKey = (w: When): MessageKey => `staff.activities.${w}`

/** The past is shown this many days at a time, newest first. */
const PAST_DAYS = 90
const DAY_MS = 86_400_000
const PAGE = 100
const PAST_PAGE = 1000

export const activityStatusKey = (s: 'open' | 'cancelled' | 'closed'): MessageKey => `staff.activityStatus.${s}`

interface ActivityView {
  id: string
  title?: string
  kind?: string
  place?: string
  gridId?: string
  startsAt?: string
  endsAt?: string
  capacity?: string
  maxHours?: string
  refusal?: ApiRefusal
}

/** The points rule in force, in a sentence: an activity's kind decides its points (the API takes no rule per activity). */
async function pointsNote(c: C): Promise<{ note: string; kinds: string[] }> {
  const { t } = c.var.words
  const { rules } = await ok(c.var.api.v1.community['points-rules'].$get())
  const rule = rules[0]?.rule
  if (!rule) return { note: t('staff.activity.points.none'), kinds: [] }
  const fixed = Object.entries(rule.fixedPoints ?? {})
  return {
    note: t('staff.activity.points.rule', {
      perHour: rule.pointsPerHour,
      fixed: fixed.length === 0 ? t('staff.activity.points.noFixed') : fixed.map(([k, v]) => `${k}: ${v}`).join(', '),
    }),
    kinds: fixed.map(([k]) => k),
  }
}

function ActivityForm({
  c,
  grids,
  points,
  view,
}: {
  c: C
  grids: GridChoice[]
  points: { note: string; kinds: string[] }
  view: ActivityView
}) {
  const { t } = c.var.words
  return (
    <Page c={c} title={t('staff.activities.new')}>
      <RefusalNotice c={c} refusal={view.refusal} />
      <form method="post" action="/staff/activities/new" class="stack">
        <Csrf c={c} />
        <input type="hidden" name="id" value={view.id} />
        <label>
          {t('staff.activity.title')}
          <input name="title" required maxlength={200} value={view.title ?? ''} />
        </label>
        <label>
          {t('staff.activity.kind')}
          <input name="kind" required maxlength={48} list="kinds" autocapitalize="none" value={view.kind ?? ''} />
          <span class="muted">{t('staff.activity.kindHint')}</span>
        </label>
        <datalist id="kinds">
          {points.kinds.map((k) => (
            <option value={k} />
          ))}
        </datalist>
        <p class="muted">{points.note}</p>
        <label>
          {t('staff.activity.place')}
          <input name="place" required maxlength={200} value={view.place ?? ''} />
        </label>
        <label>
          {t('staff.member.grid')}
          <select name="gridId" required>
            <GridOptions grids={grids} selected={view.gridId} />
          </select>
        </label>
        <label>
          {t('staff.activity.startsAt')}
          <input name="startsAt" type="datetime-local" required value={view.startsAt ?? ''} />
        </label>
        <label>
          {t('staff.activity.endsAt')}
          <input name="endsAt" type="datetime-local" required value={view.endsAt ?? ''} />
        </label>
        <p class="muted">{t('staff.activity.zoneHint')}</p>
        <label>
          {t('staff.activity.capacity')}
          <input name="capacity" type="number" inputmode="numeric" required value={view.capacity ?? '20'} />
        </label>
        <label>
          {t('staff.activity.maxHours')}
          <input name="maxHours" inputmode="decimal" required value={view.maxHours ?? '2'} />
        </label>
        <button type="submit">{t('staff.activities.create')}</button>
      </form>
    </Page>
  )
}

export function activityListPages(web: WebApp): void {
  web.get('/staff/activities', async (c) => {
    await requireStaff(c)
    const { t, dateTime } = c.var.words
    const when = oneOf(c.req.query('when'), WHEN) ?? 'current'
    const cursor = c.req.query('cursor') || undefined
    const now = new Date()
    const untilText = c.req.query('until')
    const until = when === 'past' && untilText && !Number.isNaN(Date.parse(untilText)) ? new Date(untilText) : now
    const query =
      when === 'current'
        ? { from: now.toISOString(), to: now.toISOString(), limit: String(PAGE) }
        : when === 'upcoming'
          ? { from: now.toISOString(), limit: String(PAGE) }
          : { from: new Date(until.getTime() - PAST_DAYS * DAY_MS).toISOString(), to: until.toISOString(), limit: String(PAST_PAGE) }
    const page = await ok(c.var.api.v1.activities.$get({ query: { ...query, ...(cursor && when !== 'past' ? { cursor } : {}) } }))
    // The API filters by "ends after" and "starts before": what is still running shows under "now" only.
    const shown =
      when === 'upcoming'
        ? page.activities.filter((a) => Date.parse(a.startsAt) > now.getTime())
        : when === 'past'
          ? page.activities.filter((a) => Date.parse(a.endsAt) <= now.getTime()).reverse()
          : page.activities
    return c.html(
      <Page c={c} title={t('staff.activities.title')}>
        <p>
          <a class="button" href="/staff/activities/new">
            {t('staff.activities.new')}
          </a>
        </p>
        <nav aria-label={t('staff.activities.when')} class="tabs">
          <ul>
            {WHEN.map((w) => (
              <li>
                <a href={`/staff/activities?when=${w}`} aria-current={w === when ? 'page' : undefined}>
                  {t(whenKey(w))}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {when === 'past' ? (
          <p class="muted">
            {t('staff.activities.pastWindow', { from: dateTime(new Date(until.getTime() - PAST_DAYS * DAY_MS)), to: dateTime(until) })}
          </p>
        ) : null}
        {shown.length === 0 ? (
          <p class="muted">{t('list.empty')}</p>
        ) : (
          <table class="responsive">
            <thead>
              <tr>
                <th scope="col">{t('staff.activity.title')}</th>
                <th scope="col">{t('staff.activity.startsAt')}</th>
                <th scope="col">{t('staff.activity.endsAt')}</th>
                <th scope="col">{t('staff.activity.place')}</th>
                <th scope="col">{t('staff.member.grid')}</th>
                <th scope="col" class="num">
                  {t('staff.activity.signed')}
                </th>
                <th scope="col" class="num">
                  {t('staff.activity.waitlisted')}
                </th>
                <th scope="col">{t('staff.members.status')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((a) => (
                <tr>
                  <td data-label={t('staff.activity.title')}>
                    <a href={`/staff/activities/${encodeURIComponent(a.id)}`}>{a.title}</a>
                  </td>
                  <td data-label={t('staff.activity.startsAt')}>{dateTime(a.startsAt)}</td>
                  <td data-label={t('staff.activity.endsAt')}>{dateTime(a.endsAt)}</td>
                  <td data-label={t('staff.activity.place')}>{a.place}</td>
                  <td data-label={t('staff.member.grid')}>{a.gridId}</td>
                  <td class="num" data-label={t('staff.activity.signed')}>{`${a.signed} / ${a.capacity}`}</td>
                  <td class="num" data-label={t('staff.activity.waitlisted')}>
                    {a.waitlisted}
                  </td>
                  <td data-label={t('staff.members.status')}>{t(activityStatusKey(a.status))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {when === 'past' ? (
          <p>
            <a class="button secondary" href={withQuery(c, { until: new Date(until.getTime() - PAST_DAYS * DAY_MS).toISOString() })}>
              {t('staff.activities.earlier')}
            </a>
          </p>
        ) : (
          <NextPage c={c} param="cursor" value={page.nextCursor} />
        )}
      </Page>,
    )
  })

  web.get('/staff/activities/new', async (c) => {
    const me = await requireStaff(c)
    const [grids, points] = await Promise.all([gridChoices(c, me), pointsNote(c)])
    return c.html(<ActivityForm c={c} grids={grids} points={points} view={{ id: newId(), gridId: me.gridId ?? undefined }} />)
  })

  web.post('/staff/activities/new', async (c) => {
    const me = await requireStaff(c)
    const form = await c.req.parseBody()
    const view: ActivityView = {
      id: text(form.id) || newId(),
      title: text(form.title),
      kind: text(form.kind),
      place: text(form.place),
      gridId: text(form.gridId),
      startsAt: text(form.startsAt),
      endsAt: text(form.endsAt),
      capacity: text(form.capacity),
      maxHours: text(form.maxHours),
    }
    const zone = await communityZone(c)
    // Sent as typed when it is no wall-clock time or whole number: the API's refusal says what is wrong.
    const instant = (local: string) => zonedInstant(local, zone) ?? local
    const capacity = /^\d{1,9}$/.test(view.capacity ?? '') ? Number(view.capacity) : (view.capacity as unknown as number)
    const res = await c.var.api.v1.activities.$post({
      json: {
        id: view.id,
        title: view.title ?? '',
        kind: view.kind ?? '',
        place: view.place ?? '',
        gridId: view.gridId ?? '',
        startsAt: instant(view.startsAt ?? ''),
        endsAt: instant(view.endsAt ?? ''),
        capacity,
        maxHours: view.maxHours ?? '',
      },
    })
    if (!res.ok) {
      const refusal = await formRefusal(res)
      const [grids, points] = await Promise.all([gridChoices(c, me), pointsNote(c)])
      c.status(formStatus(refusal))
      return c.html(<ActivityForm c={c} grids={grids} points={points} view={{ ...view, refusal }} />)
    }
    const { activity } = await res.json()
    return c.redirect(`/staff/activities/${encodeURIComponent(activity.id)}?done=created`, 303)
  })
}
