/**
 * `/staff/approvals`: the pending hour records this user may decide (a grid leader: their
 * subtree's), filtered by activity. Ticked records are approved or rejected in ONE call to the
 * API's bulk route, and each record's outcome is shown (a refusal by its code, e.g. a manual
 * record that needs a second approver); one record can also be approved, adjusted (hours and a
 * reason) or rejected on its own.
 */
import type { ApiRefusal } from '../../api.js'
import { ok } from '../../api.js'
import { requireStaff } from '../../access.js'
import type { WebApp } from '../../env.js'
import type { MessageKey } from '../../i18n/catalogue.js'
import { Csrf, Notice, Page } from '../../layout.js'
import { text } from '../form.js'
import { type C, DoneNotice, MemberLink, NextPage, RefusalNotice, formRefusal, formStatus, refusalText } from './kit.js'

const PAGE = 50
/** Activities starting within this many days back are offered in the filter and named in the table. */
const FILTER_DAYS = 90
const DAY_MS = 86_400_000

const DONE: Record<string, MessageKey> = {
  approved: 'staff.approvals.done.approved',
  adjusted: 'staff.approvals.done.adjusted',
  rejected: 'staff.approvals.done.rejected',
}

interface Outcome {
  recordId: string
  ok: boolean
  error?: { code: string; message: string }
}

interface Shown {
  decision?: 'approve' | 'reject'
  outcomes?: Outcome[]
  refusal?: ApiRefusal
}

/** The approvals page, filtered as the query says; `shown` adds the outcome of what was just posted. */
async function approvalsPage(c: C, shown: Shown = {}) {
  const { t, dateTime, amount } = c.var.words
  const activityId = c.req.query('activityId') || undefined
  const cursor = c.req.query('cursor') || undefined
  const [records, recent] = await Promise.all([
    ok(
      c.var.api.v1['hour-records'].$get({
        query: { status: 'pending', limit: String(PAGE), ...(activityId ? { activityId } : {}), ...(cursor ? { cursor } : {}) },
      }),
    ),
    ok(c.var.api.v1.activities.$get({ query: { from: new Date(Date.now() - FILTER_DAYS * DAY_MS).toISOString(), limit: '1000' } })),
  ])
  const titles = new Map(recent.activities.map((a) => [a.id, a.title]))
  const refused = shown.outcomes?.filter((o) => !o.ok) ?? []
  const done = shown.outcomes?.filter((o) => o.ok).length ?? 0
  const back = activityId ? `?activityId=${encodeURIComponent(activityId)}` : ''
  if (shown.refusal) c.status(formStatus(shown.refusal))
  return c.html(
    <Page c={c} title={t('staff.approvals.title')}>
      <RefusalNotice c={c} refusal={shown.refusal} />
      <DoneNotice c={c} done={DONE} />
      {shown.outcomes ? (
        <Notice kind={refused.length === 0 ? 'ok' : 'error'}>
          {t(shown.decision === 'reject' ? 'staff.approvals.bulkRejected' : 'staff.approvals.bulkApproved', {
            done,
            refused: refused.length,
          })}
        </Notice>
      ) : null}
      {refused.length > 0 ? (
        <section aria-labelledby="refused">
          <h2 id="refused">{t('staff.approvals.refused')}</h2>
          <ul class="refusals">
            {refused.map((o) => (
              <li>
                <strong>{o.recordId}</strong>: {o.error ? refusalText(c, o.error) : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <form method="get" action="/staff/approvals" class="filters">
        <label>
          {t('staff.record.activity')}
          <select name="activityId">
            <option value="">{t('staff.all')}</option>
            {activityId && !titles.has(activityId) ? (
              <option value={activityId} selected>
                {activityId}
              </option>
            ) : null}
            {recent.activities.map((a) => (
              <option value={a.id} selected={a.id === activityId}>
                {`${a.title} (${dateTime(a.startsAt)})`}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('staff.filter')}</button>
      </form>

      {records.records.length === 0 ? (
        <p class="muted">{t('staff.approvals.none')}</p>
      ) : (
        <>
          <table class="responsive">
            <thead>
              <tr>
                <th scope="col">{t('staff.approvals.pick')}</th>
                <th scope="col">{t('staff.record.member')}</th>
                <th scope="col">{t('staff.record.activity')}</th>
                <th scope="col" class="num">
                  {t('staff.record.hours')}
                </th>
                <th scope="col">{t('staff.record.when')}</th>
                <th scope="col">{t('staff.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {records.records.map((r) => (
                <tr>
                  <td data-label={t('staff.approvals.pick')}>
                    <input
                      type="checkbox"
                      name="recordIds"
                      value={r.id}
                      form="bulk"
                      aria-label={t('staff.approvals.pickOne', { member: r.memberName ?? r.memberId })}
                    />
                  </td>
                  <td data-label={t('staff.record.member')}>
                    <MemberLink id={r.memberId} name={r.memberName} />
                  </td>
                  <td data-label={t('staff.record.activity')}>
                    {r.activityId ? (
                      <a href={`/staff/activities/${encodeURIComponent(r.activityId)}`}>{titles.get(r.activityId) ?? r.activityId}</a>
                    ) : (
                      r.kind
                    )}
                    {r.manual ? <span class="badge">{t('staff.record.manual')}</span> : null}
                    {r.note ? <div class="muted">{r.note}</div> : null}
                  </td>
                  <td class="num" data-label={t('staff.record.hours')}>
                    {amount(r.hours)}
                  </td>
                  <td data-label={t('staff.record.when')}>{`${dateTime(r.startedAt)} – ${dateTime(r.endedAt)}`}</td>
                  <td data-label={t('staff.actions')}>
                    <form method="post" action={`/staff/approvals/record${back}`} class="row-actions">
                      <Csrf c={c} />
                      <input type="hidden" name="recordId" value={r.id} />
                      <button type="submit" name="action" value="approve">
                        {t('staff.approvals.approve')}
                      </button>
                      <details>
                        <summary>{t('staff.approvals.more')}</summary>
                        <label>
                          {t('staff.approvals.newHours')}
                          <input name="hours" inputmode="decimal" value={r.hours} />
                        </label>
                        <label>
                          {t('staff.approvals.reason')}
                          <input name="reason" maxlength={2000} />
                        </label>
                        <button type="submit" name="action" value="adjust" class="secondary">
                          {t('staff.approvals.adjust')}
                        </button>{' '}
                        <button type="submit" name="action" value="reject" class="secondary">
                          {t('staff.approvals.reject')}
                        </button>
                      </details>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <NextPage c={c} param="cursor" value={records.nextCursor} />
          <form id="bulk" method="post" action={`/staff/approvals/bulk${back}`} class="stack">
            <Csrf c={c} />
            <h2>{t('staff.approvals.selected')}</h2>
            <button type="submit" name="decision" value="approve">
              {t('staff.approvals.approveSelected')}
            </button>
            <label>
              {t('staff.approvals.rejectReason')}
              <input name="reason" maxlength={2000} />
            </label>
            <button type="submit" name="decision" value="reject" class="secondary">
              {t('staff.approvals.rejectSelected')}
            </button>
          </form>
        </>
      )}
    </Page>,
  )
}

export function approvalPages(web: WebApp): void {
  web.get('/staff/approvals', async (c) => {
    await requireStaff(c)
    return approvalsPage(c)
  })

  web.post('/staff/approvals/bulk', async (c) => {
    await requireStaff(c)
    const form = await c.req.parseBody({ all: true })
    const picked = form.recordIds
    const recordIds = (Array.isArray(picked) ? picked : picked === undefined ? [] : [picked]).map(text).filter((id) => id !== '')
    const decision = text(form.decision) === 'reject' ? 'reject' : 'approve'
    const records = c.var.api.v1['hour-records']
    const res =
      decision === 'reject'
        ? await records.rejections.$post({ json: { recordIds, reason: text(form.reason) } })
        : await records.approvals.$post({ json: { recordIds } })
    if (!res.ok) return approvalsPage(c, { refusal: await formRefusal(res) })
    const { results } = await res.json()
    return approvalsPage(c, { decision, outcomes: results.map((r) => (r.ok ? { recordId: r.recordId, ok: true } : r)) })
  })

  web.post('/staff/approvals/record', async (c) => {
    await requireStaff(c)
    const form = await c.req.parseBody()
    const recordId = text(form.recordId)
    const action = text(form.action)
    const reason = text(form.reason)
    const record = c.var.api.v1['hour-records'][':recordId']
    const param = { recordId }
    const res =
      action === 'reject'
        ? await record.reject.$post({ param, json: { reason } })
        : action === 'adjust'
          ? await record.adjust.$post({ param, json: { reason, ...(text(form.hours) ? { hours: text(form.hours) } : {}) } })
          : await record.approve.$post({ param })
    if (!res.ok) return approvalsPage(c, { refusal: await formRefusal(res) })
    const done = action === 'reject' ? 'rejected' : action === 'adjust' ? 'adjusted' : 'approved'
    const activityId = c.req.query('activityId')
    return c.redirect(`/staff/approvals?done=${done}${activityId ? `&activityId=${encodeURIComponent(activityId)}` : ''}`, 303)
  })
}
