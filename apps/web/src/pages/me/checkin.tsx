/**
 * `/checkin/:tenant/:activity?code=NNNNNN`: the page the projector's QR code opens (the url of
 * `currentCode` in packages/community/src/activities/activities.ts). Reading it changes nothing: it
 * shows the activity and one big button that posts the code. A signed-out phone signs in first and
 * comes back here. The member's own attendance entry tells whether this scan is the check-in or
 * the check-out (a refusal of a second check-in says so too).
 */
import { ok } from '../../api.js'
import { Redirect, requireMember } from '../../access.js'
import type { WebApp } from '../../env.js'
import { Csrf, Notice, Page } from '../../layout.js'
import { refusalOf, text } from '../form.js'
import { type C, Shown, doneNotice, refusedWith, seg } from './kit.js'

type Step = 'in' | 'out' | 'none'

const DONE = { in: 'me.checkin.done.in', out: 'me.checkin.done.out' } as const

/** This page's path with the code (and what was just done). */
function selfUrl(c: C, code: string, done?: 'in' | 'out'): string {
  const { tenant, activity } = c.req.param() as { tenant: string; activity: string }
  const query = new URLSearchParams({ code, ...(done ? { done } : {}) })
  return `/checkin/${encodeURIComponent(tenant)}/${encodeURIComponent(activity)}?${query.toString()}`
}

/** Signed out: to sign in (into the community the code is for), then back to this very url. */
function signInFirst(c: C): void {
  if (c.var.token) return
  const url = new URL(c.req.url)
  const next = `${url.pathname}${url.search}`
  throw new Redirect(`/signin?${new URLSearchParams({ tenant: c.req.param('tenant') ?? '', next }).toString()}`)
}

async function checkinPage(c: C, step: Step, notice?: Shown) {
  signInFirst(c)
  const me = await requireMember(c)
  const { t } = c.var.words
  const code = c.req.query('code') ?? ''
  if (me.tenantId !== c.req.param('tenant')) {
    c.status(404)
    return c.html(
      <Page c={c} title={t('me.checkin.title')}>
        <Notice kind="error">{t('me.checkin.otherCommunity')}</Notice>
      </Page>,
    )
  }
  if (code === '') {
    step = 'none'
    notice ??= { kind: 'error', text: t('me.checkin.noCode') }
  }
  const param = { activityId: seg(c.req.param('activity') ?? '') }
  const [activity, attendance] = await Promise.all([
    ok(c.var.api.v1.activities[':activityId'].$get({ param })),
    step === 'in' ? ok(c.var.api.v1.activities[':activityId'].attendance.$get({ param })) : null,
  ])
  // Already checked in (the member sees only their own entry): this scan is the check-out.
  const mine = attendance?.entries[0]
  if (mine) step = mine.checkedOutAt === null ? 'out' : 'none'
  return c.html(
    <Page c={c} title={t('me.checkin.title')}>
      <Shown notice={notice ?? doneNotice(c, DONE)} />
      <h2>{activity.title}</h2>
      <p>
        {c.var.words.dateTime(activity.startsAt)} – {c.var.words.dateTime(activity.endsAt)}
      </p>
      <p>{t('me.activities.where', { place: activity.place })}</p>
      {step === 'none' ? null : (
        <form method="post" action={selfUrl(c, code)} class="act">
          <Csrf c={c} />
          <input type="hidden" name="code" value={code} />
          <input type="hidden" name="step" value={step} />
          <button type="submit" class="huge">
            {step === 'in' ? t('me.checkin.in') : t('me.checkin.out')}
          </button>
        </form>
      )}
      {step === 'in' ? <p class="muted">{t('me.checkin.rescan')}</p> : null}
      <p>
        <a href="/me">{t('me.back')}</a>
      </p>
    </Page>,
  )
}

/** After a check-in, the check-out; after a check-out, nothing more; otherwise the check-in. */
const stepAfter = (done: string | undefined): Step => (done === 'in' ? 'out' : done === 'out' ? 'none' : 'in')

export function checkinPages(web: WebApp): void {
  web.get('/checkin/:tenant/:activity', (c) => checkinPage(c, stepAfter(c.req.query('done'))))

  web.post('/checkin/:tenant/:activity', async (c) => {
    signInFirst(c)
    await requireMember(c)
    const form = await c.req.parseBody()
    const code = text(form.code)
    const activityId = seg(c.req.param('activity'))
    if (text(form.step) === 'out') {
      const res = await c.var.api.v1.activities[':activityId'].checkouts.$post({ param: { activityId }, json: { code } })
      if (!res.ok) {
        const refusal = await refusalOf(res)
        return refusedWith(c, refusal, (notice) => checkinPage(c, refusal.code === 'ALREADY_CHECKED_OUT' ? 'none' : 'out', notice))
      }
      return c.redirect(selfUrl(c, code, 'out'), 303)
    }
    const res = await c.var.api.v1.activities[':activityId'].checkins.$post({ param: { activityId }, json: { code } })
    if (!res.ok) {
      // Checked in already: the refusal says so, and the way on is the check-out.
      const refusal = await refusalOf(res)
      return refusedWith(c, refusal, (notice) => checkinPage(c, refusal.code === 'ALREADY_CHECKED_IN' ? 'out' : 'in', notice))
    }
    return c.redirect(selfUrl(c, code, 'in'), 303)
  })
}
