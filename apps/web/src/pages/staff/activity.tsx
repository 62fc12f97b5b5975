/**
 * `/staff/activities/:id`: one activity with its attendance (with `?live=1` the page reloads itself
 * every 15 seconds): who holds a place and has not come yet, who checked in and out and
 * the pending record each check-out made, and the waitlist. Staff check members in and out by
 * hand here (a walk-in by member id), open the projector's QR page, cancel the activity, or close it
 * once it has been held (the API checks out whoever is still in at its end).
 */
import { type ApiRefusal, ok } from '../../api.js'
import { requireStaff } from '../../access.js'
import type { WebApp } from '../../env.js'
import type { MessageKey } from '../../i18n/catalogue.js'
import { Csrf, Page } from '../../layout.js'
import { text } from '../form.js'
import { type C, DoneNotice, MemberLink, RefusalNotice, formRefusal, formStatus } from './kit.js'
import { activityStatusKey } from './activities.js'

/** Seconds between reloads of the live attendance. */
export const LIVE_SECONDS = 15

const DONE: Record<string, MessageKey> = {
  created: 'staff.activity.done.created',
  checkedIn: 'staff.activity.done.checkedIn',
  checkedOut: 'staff.activity.done.checkedOut',
  cancelled: 'staff.activity.done.cancelled',
  closed: 'staff.activity.done.closed',
}

const roleKey = (r: 'member' | 'leader' | 'organiser'): MessageKey => `staff.role.${r}`

async function activityPage(c: C, activityId: string, refusal?: ApiRefusal) {
  const { t, dateTime, amount } = c.var.words
  const param = { activityId }
  const activities = c.var.api.v1.activities[':activityId']
  const [activity, signups, attendance] = await Promise.all([
    ok(activities.$get({ param })),
    ok(activities.signups.$get({ param })),
    ok(activities.attendance.$get({ param })),
  ])
  const attended = new Set(attendance.entries.map((e) => e.memberId))
  const waiting = signups.signups.filter((s) => s.status === 'signed' && !attended.has(s.memberId))
  const waitlist = signups.signups.filter((s) => s.status === 'waitlisted').sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
  // Reloading on its own only when asked (?live=1): an unasked reload moves a screen reader and the keyboard focus back to the top (WCAG 2.2.1).
  const live = c.req.query('live') === '1' && activity.status === 'open'
  const base = `/staff/activities/${encodeURIComponent(activity.id)}`
  if (refusal) c.status(formStatus(refusal))
  return c.html(
    <Page
      c={c}
      title={activity.title}
      head={live ? <meta http-equiv="refresh" content={`${LIVE_SECONDS}; url=${base}?live=1`} /> : undefined}
    >
      <RefusalNotice c={c} refusal={refusal} />
      <DoneNotice c={c} done={DONE} />
      <dl class="facts">
        <dt>{t('staff.members.status')}</dt>
        <dd>{t(activityStatusKey(activity.status))}</dd>
        <dt>{t('staff.activity.kind')}</dt>
        <dd>{activity.kind}</dd>
        <dt>{t('staff.activity.place')}</dt>
        <dd>{activity.place}</dd>
        <dt>{t('staff.member.grid')}</dt>
        <dd>{activity.gridId}</dd>
        <dt>{t('staff.activity.when')}</dt>
        <dd>{`${dateTime(activity.startsAt)} – ${dateTime(activity.endsAt)}`}</dd>
        <dt>{t('staff.activity.capacity')}</dt>
        <dd>{activity.capacity}</dd>
        <dt>{t('staff.activity.maxHours')}</dt>
        <dd>{t('amount.hours', { amount: amount(activity.maxHours) })}</dd>
      </dl>
      {activity.status === 'open' ? (
        <p>
          <a class="button" href={`${base}/qr`}>
            {t('staff.activity.qr')}
          </a>{' '}
          <a class="button secondary" href={live ? base : `${base}?live=1`}>
            {t(live ? 'staff.activity.pause' : 'staff.activity.resume')}
          </a>
        </p>
      ) : null}

      <h2>{t('staff.activity.attendance')}</h2>
      <div class="cards">
        <div class="card">
          <div class="muted">{t('staff.activity.signed')}</div>
          <div class="figure">{`${signups.counts.signed} / ${activity.capacity}`}</div>
        </div>
        <div class="card">
          <div class="muted">{t('staff.activity.waitlisted')}</div>
          <div class="figure">{signups.counts.waitlisted}</div>
        </div>
        <div class="card">
          <div class="muted">{t('staff.activity.checkedIn')}</div>
          <div class="figure">{attendance.counts.checkedIn}</div>
        </div>
        <div class="card">
          <div class="muted">{t('staff.activity.checkedOut')}</div>
          <div class="figure">{attendance.counts.checkedOut}</div>
        </div>
      </div>

      <h3>{t('staff.activity.present')}</h3>
      {attendance.entries.length === 0 ? (
        <p class="muted">{t('list.empty')}</p>
      ) : (
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">{t('staff.record.member')}</th>
              <th scope="col">{t('staff.activity.checkedInAt')}</th>
              <th scope="col">{t('staff.activity.checkedOutAt')}</th>
              <th scope="col">{t('staff.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {attendance.entries.map((e) => (
              <tr>
                <td data-label={t('staff.record.member')}>
                  <MemberLink id={e.memberId} name={e.memberName} />
                </td>
                <td data-label={t('staff.activity.checkedInAt')}>
                  {dateTime(e.checkedInAt)}
                  {e.checkedInBy === 'code' ? null : <span class="badge">{t('staff.activity.byHand')}</span>}
                </td>
                <td data-label={t('staff.activity.checkedOutAt')}>
                  {e.checkedOutAt ? dateTime(e.checkedOutAt) : '—'}
                  {e.checkedOutAt && e.checkedOutBy !== 'code' ? <span class="badge">{t('staff.activity.byHand')}</span> : null}
                </td>
                <td data-label={t('staff.actions')}>
                  {e.checkedOutAt === null ? (
                    <form method="post" action={`${base}/checkout`} class="inline">
                      <Csrf c={c} />
                      <input type="hidden" name="memberId" value={e.memberId} />
                      <button type="submit">{t('staff.activity.checkOut')}</button>
                    </form>
                  ) : e.recordId ? (
                    <a href={`/staff/approvals?activityId=${encodeURIComponent(activity.id)}`}>{t('staff.activity.record')}</a>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>{t('staff.activity.expected')}</h3>
      {waiting.length === 0 ? (
        <p class="muted">{t('list.empty')}</p>
      ) : (
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">{t('staff.record.member')}</th>
              <th scope="col">{t('staff.activity.role')}</th>
              <th scope="col">{t('staff.activity.signedAt')}</th>
              <th scope="col">{t('staff.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {waiting.map((s) => (
              <tr>
                <td data-label={t('staff.record.member')}>
                  <MemberLink id={s.memberId} name={s.memberName} />
                </td>
                <td data-label={t('staff.activity.role')}>{t(roleKey(s.role))}</td>
                <td data-label={t('staff.activity.signedAt')}>{dateTime(s.signedAt)}</td>
                <td data-label={t('staff.actions')}>
                  <form method="post" action={`${base}/checkin`} class="inline">
                    <Csrf c={c} />
                    <input type="hidden" name="memberId" value={s.memberId} />
                    <button type="submit">{t('staff.activity.checkIn')}</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>{t('staff.activity.waitlist')}</h3>
      {waitlist.length === 0 ? (
        <p class="muted">{t('list.empty')}</p>
      ) : (
        <ol>
          {waitlist.map((s) => (
            <li>
              <MemberLink id={s.memberId} name={s.memberName} />
            </li>
          ))}
        </ol>
      )}

      {activity.status === 'open' ? (
        <>
          <h3>{t('staff.activity.walkIn')}</h3>
          <form method="post" action={`${base}/checkin`} class="stack">
            <Csrf c={c} />
            <label>
              {t('staff.activity.walkInId')}
              <input name="memberId" required maxlength={48} autocomplete="off" />
            </label>
            <button type="submit">{t('staff.activity.checkIn')}</button>
          </form>
          <h2>{t('staff.activity.close')}</h2>
          <p>{t('staff.activity.closeIntro')}</p>
          <form method="post" action={`${base}/close`} class="stack">
            <Csrf c={c} />
            <label class="check">
              <input type="checkbox" name="confirm" value="1" required />
              {t('staff.activity.closeConfirm')}
            </label>
            <button type="submit">{t('staff.activity.close')}</button>
          </form>
          <h2>{t('staff.activity.cancel')}</h2>
          <p>{t('staff.activity.cancelIntro')}</p>
          <form method="post" action={`${base}/cancel`} class="stack">
            <Csrf c={c} />
            <label class="check">
              <input type="checkbox" name="confirm" value="1" required />
              {t('staff.activity.cancelConfirm')}
            </label>
            <button type="submit" class="secondary">
              {t('staff.activity.cancel')}
            </button>
          </form>
        </>
      ) : null}
    </Page>,
  )
}

export function activityPages(web: WebApp): void {
  web.get('/staff/activities/:id', async (c) => {
    await requireStaff(c)
    return activityPage(c, c.req.param('id'))
  })

  web.post('/staff/activities/:id/checkin', async (c) => {
    await requireStaff(c)
    const activityId = c.req.param('id')
    const memberId = text((await c.req.parseBody()).memberId)
    const res = await c.var.api.v1.activities[':activityId'].checkins.$post({ param: { activityId }, json: { memberId } })
    if (!res.ok) return activityPage(c, activityId, await formRefusal(res))
    return c.redirect(`/staff/activities/${encodeURIComponent(activityId)}?done=checkedIn`, 303)
  })

  web.post('/staff/activities/:id/checkout', async (c) => {
    await requireStaff(c)
    const activityId = c.req.param('id')
    const memberId = text((await c.req.parseBody()).memberId)
    const res = await c.var.api.v1.activities[':activityId'].checkouts.$post({ param: { activityId }, json: { memberId } })
    if (!res.ok) return activityPage(c, activityId, await formRefusal(res))
    return c.redirect(`/staff/activities/${encodeURIComponent(activityId)}?done=checkedOut`, 303)
  })

  web.post('/staff/activities/:id/cancel', async (c) => {
    await requireStaff(c)
    const activityId = c.req.param('id')
    const res = await c.var.api.v1.activities[':activityId'].cancel.$post({ param: { activityId } })
    if (!res.ok) return activityPage(c, activityId, await formRefusal(res))
    return c.redirect(`/staff/activities/${encodeURIComponent(activityId)}?done=cancelled`, 303)
  })

  web.post('/staff/activities/:id/close', async (c) => {
    await requireStaff(c)
    const activityId = c.req.param('id')
    const res = await c.var.api.v1.activities[':activityId'].close.$post({ param: { activityId } })
    if (!res.ok) return activityPage(c, activityId, await formRefusal(res))
    return c.redirect(`/staff/activities/${encodeURIComponent(activityId)}?done=closed`, 303)
  })
}
