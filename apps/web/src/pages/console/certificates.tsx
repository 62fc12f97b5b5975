/**
 * Volunteer service certificates (志愿服务证明): staff issue one for a member's approved hours of a
 * period or an activity, see every certificate in their scope newest first (narrowed to a member or
 * to the year issued, a page at a time, as the API lists them), and print one (the API's own printable
 * page, passed through); and the public verify page the QR code on a printed certificate leads to
 * (`/verify/:tenant/:serial`, no sign-in), which says plainly whether the certificate is genuine,
 * revoked or unknown.
 */
import type { Context } from 'hono'
import { type ApiRefusal, ok } from '../../api.js'
import { requireStaff } from '../../access.js'
import type { WebApp, WebEnv } from '../../env.js'
import { Csrf, Page } from '../../layout.js'
import { refusalOf, text } from '../form.js'
import { NextPage } from '../staff/kit.js'
import { Done, Refused, afterForm, formId, query } from './shared.js'

type Ctx = Context<WebEnv>

interface IssueForm {
  requestId: string
  memberId: string
  period: string
  activityId: string
  content: string
}

type Scope = { period: string } | { activityId: string; title: string }

/** Certificates shown a page at a time. */
const PAGE_SIZE = '50'

/** The scope of a certificate in words: the period, or the activity's title. */
function scopeText(c: Ctx, scope: Scope): string {
  return 'period' in scope
    ? c.var.words.t('console.certs.scopePeriod', { period: scope.period })
    : c.var.words.t('console.certs.scopeActivity', { title: scope.title })
}

/** Where anyone checks a certificate on this site: the verify page. */
export const verifyPath = (tenantId: string, serial: number | string): string =>
  `/verify/${encodeURIComponent(tenantId)}/${encodeURIComponent(String(serial))}`

async function certificatesPage(c: Ctx, view: { error?: ApiRefusal; form?: IssueForm } = {}): Promise<Response> {
  const { t, amount, dateTime } = c.var.words
  const memberId = view.form?.memberId || query(c, 'memberId')
  const year = query(c, 'year')
  const cursor = query(c, 'cursor')
  const res = await c.var.api.v1.certificates.$get({
    query: { ...(memberId ? { memberId } : {}), ...(year ? { year } : {}), ...(cursor ? { cursor } : {}), limit: PAGE_SIZE },
  })
  // A filter the API refuses (a year that is not one, an unknown member) is said on the page, with nothing listed.
  const listed = res.ok ? await res.json() : undefined
  const listRefusal = res.ok ? undefined : await refusalOf(res)
  if (listRefusal && listRefusal.status >= 500) throw listRefusal
  const form = view.form ?? { requestId: formId('cert'), memberId: memberId ?? '', period: '', activityId: '', content: '' }
  return c.html(
    <Page c={c} title={t('console.certs.title')}>
      <Done c={c} notes={{ issued: 'console.certs.issued' }} />
      <Refused refusal={view.error} />

      <h2>{t('console.certs.issue')}</h2>
      <form method="post" action="/staff/certificates" class="stack">
        <Csrf c={c} />
        <input type="hidden" name="requestId" value={form.requestId} />
        <label>
          {t('console.certs.memberId')}
          <input name="memberId" required autocomplete="off" value={form.memberId} />
        </label>
        <p class="muted">{t('console.certs.scopeHint')}</p>
        <label>
          {t('console.certs.period')}
          <input name="period" value={form.period} placeholder="2026" />
        </label>
        <label>
          {t('console.certs.activityId')}
          <input name="activityId" autocomplete="off" value={form.activityId} />
        </label>
        <label>
          {t('console.certs.content')} ({t('form.optional')})
          <textarea name="content" maxlength={1000} rows={2}>
            {form.content}
          </textarea>
        </label>
        <button type="submit">{t('console.certs.issueSubmit')}</button>
      </form>

      <h2>{memberId ? t('console.certs.list') : t('console.certs.all')}</h2>
      <form method="get" action="/staff/certificates" class="filters">
        <label>
          {t('console.certs.memberId')}
          <input name="memberId" autocomplete="off" value={memberId ?? ''} />
        </label>
        <label>
          {t('console.certs.year')}
          <input name="year" inputmode="numeric" maxlength={4} placeholder="2026" value={year ?? ''} />
        </label>
        <button type="submit">{t('console.certs.show')}</button>
      </form>
      <Refused refusal={listRefusal} />
      {listed === undefined ? null : listed.certificates.length === 0 ? (
        <p class="muted">{t('list.empty')}</p>
      ) : (
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">{t('console.certs.serial')}</th>
              <th scope="col">{t('console.certs.member')}</th>
              <th scope="col">{t('console.certs.scope')}</th>
              <th scope="col" class="num">
                {t('console.certs.hours')}
              </th>
              <th scope="col">{t('console.certs.issuedAt')}</th>
              <th scope="col">{t('console.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {listed.certificates.map((cert) => (
              <tr>
                <th scope="row" data-label={t('console.certs.serial')}>
                  {`No. ${cert.serial}`}
                </th>
                <td data-label={t('console.certs.member')}>
                  <a href={`/staff/members/${encodeURIComponent(cert.memberId)}`}>
                    {cert.document.holder?.name ?? cert.document.member.pseudonym}
                  </a>
                  <div class="muted">{cert.memberId}</div>
                </td>
                <td data-label={t('console.certs.scope')}>
                  {scopeText(c, cert.document.scope)}
                  <div class="muted">{cert.document.content}</div>
                </td>
                <td data-label={t('console.certs.hours')} class="num">
                  {t('amount.hours', { amount: amount(cert.document.hours) })}
                </td>
                <td data-label={t('console.certs.issuedAt')}>{dateTime(cert.issuedAt)}</td>
                <td data-label={t('console.actions')}>
                  <a href={`/staff/certificates/${cert.serial}/print`} target="_blank" rel="noopener">
                    {t('console.certs.print')}
                  </a>{' '}
                  · <a href={verifyPath(cert.tenantId, cert.serial)}>{t('console.certs.verify')}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <NextPage c={c} param="cursor" value={listed?.nextCursor} />
    </Page>,
  )
}

type Verdict = 'valid' | 'revoked' | 'invalid' | 'unknown'

/** The public check of a certificate, in words anyone can read; no sign-in. */
async function verifyPage(c: Ctx): Promise<Response> {
  const { t, amount, date } = c.var.words
  const tenantId = c.req.param('tenant') ?? ''
  const serial = c.req.param('serial') ?? ''
  const res = await c.var.api.v1.public[':tenantId'].certificates[':serial'].verify.$get({ param: { tenantId, serial } })
  let verdict: Verdict = 'unknown'
  let found: Awaited<ReturnType<typeof res.json>> | undefined
  if (res.ok) {
    found = await res.json()
    if ('valid' in found) verdict = !found.valid ? 'invalid' : found.revoked ? 'revoked' : 'valid'
  } else {
    const refusal = await refusalOf(res)
    // A malformed serial, an unknown community or serial: all "we know of no such certificate".
    if (refusal.status >= 500) throw refusal
    c.status(404)
  }
  c.header('Cache-Control', 'no-store')
  const doc = found && 'document' in found ? found.document : undefined
  return c.html(
    <Page c={c} title={t('console.verify.title')}>
      <div class={`verdict ${verdict}`}>
        <h2 class="verdict-word">{t(`console.verify.${verdict}`)}</h2>
        <p>{t(`console.verify.${verdict}.explain`)}</p>
      </div>
      {doc && found && 'name' in found ? (
        <dl class="facts">
          <dt>{t('console.certs.serial')}</dt>
          <dd>{`No. ${doc.serial}`}</dd>
          <dt>{t('console.verify.holder')}</dt>
          <dd>{found.name}</dd>
          <dt>{t('console.certs.scope')}</dt>
          <dd>{scopeText(c, doc.scope)}</dd>
          <dt>{t('console.certs.hours')}</dt>
          <dd>{t('amount.hours', { amount: amount(doc.hours) })}</dd>
          <dt>{t('console.verify.content')}</dt>
          <dd>{doc.content}</dd>
          <dt>{t('console.verify.issuer')}</dt>
          <dd>{doc.community.issuer}</dd>
          <dt>{t('console.certs.issuedAt')}</dt>
          <dd>{date(doc.issuedAt)}</dd>
        </dl>
      ) : (
        <p class="muted">{t('console.verify.asked', { tenant: tenantId, serial })}</p>
      )}
    </Page>,
  )
}

export function certificatePages(web: WebApp): void {
  web.get('/staff/certificates', async (c) => {
    await requireStaff(c)
    return certificatesPage(c)
  })

  web.post('/staff/certificates', async (c) => {
    await requireStaff(c)
    const body = await c.req.parseBody()
    const form: IssueForm = {
      requestId: text(body.requestId) || formId('cert'),
      memberId: text(body.memberId),
      period: text(body.period),
      activityId: text(body.activityId),
      content: text(body.content),
    }
    const res = await c.var.api.v1.certificates.$post({
      json: {
        requestId: form.requestId,
        memberId: form.memberId,
        ...(form.period ? { period: form.period } : {}),
        ...(form.activityId ? { activityId: form.activityId } : {}),
        ...(form.content ? { content: form.content } : {}),
      },
    })
    return afterForm(
      c,
      res,
      (error) => certificatesPage(c, { error, form }),
      () => c.redirect(`/staff/certificates?memberId=${encodeURIComponent(form.memberId)}&done=issued`, 303),
    )
  })

  // The API's printable page, as the signed-in reader may read it, passed through with its own headers.
  // (The app's secureHeaders sets the console's CSP over the page's own after this handler, and that CSP
  // allows no inline style: the page then prints unstyled until web.tsx lets a page keep its CSP.)
  web.get('/staff/certificates/:serial/print', async (c) => {
    await requireStaff(c)
    const res = await c.var.api.v1.certificates[':serial'].print.$get({ param: { serial: c.req.param('serial') } })
    if (!res.ok) await ok(res)
    const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }
    for (const name of ['content-type', 'content-security-policy']) {
      const value = res.headers.get(name)
      if (value) headers[name] = value
    }
    return c.body(await res.text(), 200, headers)
  })

  web.get('/verify/:tenant/:serial', verifyPage)
}
