/**
 * `/me/activities`: the resident's own sign-ups first (each with how it stands: signed up, waiting,
 * cancelled, checked in, checked out, as the API says in one list), then open activities still to
 * come or under way, those of the resident's own grid first, each with its places; an activity's
 * page to sign up or cancel. Whether a place is free, a waitlist place is given, or a cancellation
 * is allowed, the API answers.
 */
import { ok } from '../../api.js'
import { requireMember } from '../../access.js'
import type { WebApp } from '../../env.js'
import { Page } from '../../layout.js'
import { Act, type C, Shown, doneNotice, hours, refused, seg } from './kit.js'

type Activity = {
  id: string
  title: string
  place: string
  startsAt: string
  endsAt: string
  capacity: number
  signed: number
  waitlisted: number
  maxHours: string
  status: string
}

const DONE = {
  signed: 'me.activities.done.signed',
  waitlisted: 'me.activities.done.waitlisted',
  cancelled: 'me.activities.done.cancelled',
} as const

const LIST_SIZE = '50'
/** The latest of the resident's own sign-ups shown. */
const MINE_SIZE = '20'

type SignupState = 'signed' | 'waitlisted' | 'cancelled' | 'checkedIn' | 'checkedOut'

/** How a sign-up stands, in words. */
function stateText(c: C, state: SignupState, position: number | null): string {
  const { t } = c.var.words
  return state === 'waitlisted' ? t('me.activities.state.waitlisted', { position: position ?? '' }) : t(`me.activities.state.${state}`)
}

function MineCard({ c, s }: { c: C; s: { activity: Activity; state: SignupState; signup: { position: number | null } } }) {
  return (
    <li class="card">
      <h3>
        <a href={`/me/activities/${encodeURIComponent(s.activity.id)}`}>{s.activity.title}</a>
      </h3>
      <p>
        <When c={c} a={s.activity} />
      </p>
      <p>
        <span class={`badge state-${s.state}`}>{stateText(c, s.state, s.signup.position)}</span>
      </p>
    </li>
  )
}

function When({ c, a }: { c: C; a: Activity }) {
  return (
    <>
      {c.var.words.dateTime(a.startsAt)} – {c.var.words.dateTime(a.endsAt)}
    </>
  )
}

function Places({ c, a }: { c: C; a: Activity }) {
  const { t } = c.var.words
  return (
    <>
      {t('me.activities.places', { signed: a.signed, capacity: a.capacity })}
      {a.waitlisted > 0 ? ` ${t('me.activities.waiting', { count: a.waitlisted })}` : ''}
    </>
  )
}

function Card({ c, a }: { c: C; a: Activity }) {
  const { t } = c.var.words
  return (
    <li class="card">
      <h3>
        <a href={`/me/activities/${encodeURIComponent(a.id)}`}>{a.title}</a>
      </h3>
      <p>
        <When c={c} a={a} />
      </p>
      <p>{t('me.activities.where', { place: a.place })}</p>
      <p class="muted">
        <Places c={c} a={a} />
      </p>
      <Act c={c} action={`/me/activities/${encodeURIComponent(a.id)}/signup`} label={t('me.activities.signUp')} />
    </li>
  )
}

async function listPage(c: C) {
  const me = await requireMember(c)
  const { t } = c.var.words
  const api = c.var.api.v1
  const from = new Date().toISOString()
  const member = await ok(api.members[':memberId'].$get({ param: { memberId: seg(me.memberId) } }))
  const [signedUp, mine, all] = await Promise.all([
    ok(api.members[':memberId'].signups.$get({ param: { memberId: seg(me.memberId) }, query: { limit: MINE_SIZE } })),
    member.gridId === null
      ? undefined
      : ok(api.activities.$get({ query: { from, status: 'open', gridId: member.gridId, limit: LIST_SIZE } })),
    ok(api.activities.$get({ query: { from, status: 'open', limit: LIST_SIZE } })),
  ])
  const near = new Set((mine?.activities ?? []).map((a) => a.id))
  const others = all.activities.filter((a) => !near.has(a.id))
  return c.html(
    <Page c={c} title={t('me.activities.title')}>
      <Shown notice={doneNotice(c, DONE)} />
      <h2>{t('me.activities.mine')}</h2>
      {signedUp.signups.length === 0 ? (
        <p>{t('me.activities.mineNone')}</p>
      ) : (
        <ul class="me-cards">
          {signedUp.signups.map((s) => (
            <MineCard c={c} s={s} />
          ))}
        </ul>
      )}
      {mine ? (
        <>
          <h2>{t('me.activities.near')}</h2>
          {mine.activities.length === 0 ? (
            <p>{t('me.activities.none')}</p>
          ) : (
            <ul class="me-cards">
              {mine.activities.map((a) => (
                <Card c={c} a={a} />
              ))}
            </ul>
          )}
        </>
      ) : null}
      <h2>{mine ? t('me.activities.others') : t('me.activities.all')}</h2>
      {others.length === 0 ? (
        <p>{t('me.activities.none')}</p>
      ) : (
        <ul class="me-cards">
          {others.map((a) => (
            <Card c={c} a={a} />
          ))}
        </ul>
      )}
      <p class="muted">{t('me.activities.checkinHint')}</p>
    </Page>,
  )
}

async function activityPage(c: C, notice?: Shown) {
  await requireMember(c)
  const { t } = c.var.words
  const a = await ok(c.var.api.v1.activities[':activityId'].$get({ param: { activityId: seg(c.req.param('activityId') ?? '') } }))
  const base = `/me/activities/${encodeURIComponent(a.id)}`
  return c.html(
    <Page c={c} title={a.title}>
      <Shown notice={notice ?? doneNotice(c, DONE)} />
      <dl class="facts">
        <dt>{t('me.activities.when')}</dt>
        <dd>
          <When c={c} a={a} />
        </dd>
        <dt>{t('me.activities.place')}</dt>
        <dd>{a.place}</dd>
        <dt>{t('me.activities.placesTitle')}</dt>
        <dd>
          <Places c={c} a={a} />
        </dd>
        <dt>{t('me.activities.most')}</dt>
        <dd>{hours(c, a.maxHours)}</dd>
      </dl>
      {a.status === 'cancelled' ? <p class="notice error">{t('me.refusal.activityCancelled')}</p> : null}
      {a.status === 'closed' ? <p class="notice">{t('me.refusal.activityClosed')}</p> : null}
      <Act c={c} action={`${base}/signup`} label={t('me.activities.signUp')} />
      <Act c={c} action={`${base}/cancel`} label={t('me.activities.cancel')} secondary />
      <p class="muted">{t('me.activities.checkinHint')}</p>
      <p>
        <a href="/me/activities">{t('me.activities.back')}</a>
      </p>
    </Page>,
  )
}

export function activityPages(web: WebApp): void {
  web.get('/me/activities', listPage)
  web.get('/me/activities/:activityId', (c) => activityPage(c))

  web.post('/me/activities/:activityId/signup', async (c) => {
    const me = await requireMember(c)
    const activityId = c.req.param('activityId')
    const res = await c.var.api.v1.activities[':activityId'].signups[':memberId'].$post({
      param: { activityId: seg(activityId), memberId: seg(me.memberId) },
      json: {},
    })
    if (!res.ok) return refused(c, res, (notice) => activityPage(c, notice))
    const { signup } = await res.json()
    return c.redirect(
      `/me/activities/${encodeURIComponent(activityId)}?done=${signup.status === 'waitlisted' ? 'waitlisted' : 'signed'}`,
      303,
    )
  })

  web.post('/me/activities/:activityId/cancel', async (c) => {
    const me = await requireMember(c)
    const activityId = c.req.param('activityId')
    const res = await c.var.api.v1.activities[':activityId'].signups[':memberId'].$delete({
      param: { activityId: seg(activityId), memberId: seg(me.memberId) },
    })
    if (!res.ok) return refused(c, res, (notice) => activityPage(c, notice))
    return c.redirect(`/me/activities/${encodeURIComponent(activityId)}?done=cancelled`, 303)
  })
}
