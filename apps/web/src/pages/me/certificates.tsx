/**
 * `/me/certificates`: the resident's volunteer service certificates (志愿服务证明), newest first, each
 * with its printable page. The API renders that page (A4, escaped, with the verify QR code) and
 * answers it only to the member it certifies (or staff in scope); here it is passed through as the
 * signed-in member, who has a session cookie, not an API key.
 */
import { ok } from '../../api.js'
import { requireMember } from '../../access.js'
import type { WebApp } from '../../env.js'
import { Page } from '../../layout.js'
import { refusalOf } from '../form.js'
import { type C, hours } from './kit.js'

const printPath = (serial: number) => `/me/certificates/${serial}/print`

async function certificatesPage(c: C) {
  await requireMember(c)
  const { t } = c.var.words
  const { certificates } = await ok(c.var.api.v1.certificates.$get({ query: {} }))
  return c.html(
    <Page c={c} title={t('me.certificates.title')}>
      <p>{t('me.certificates.intro')}</p>
      {certificates.length === 0 ? (
        <p>{t('me.certificates.none')}</p>
      ) : (
        <ul class="me-cards">
          {certificates.map((cert) => {
            const scope = cert.document.scope
            return (
              <li class="card">
                <h3>{'period' in scope ? t('me.certificates.period', { period: scope.period }) : scope.title}</h3>
                <p class="figure">{hours(c, cert.document.hours)}</p>
                <p class="muted">{t('me.certificates.issued', { date: c.var.words.date(cert.issuedAt), serial: cert.serial })}</p>
                <p>
                  <a class="button big" href={printPath(cert.serial)}>
                    {t('me.certificates.print')}
                  </a>
                </p>
              </li>
            )
          })}
        </ul>
      )}
    </Page>,
  )
}

/** The headers of the API's page that say how to show it (its own CSP: inline styles and SVG, nothing fetched). */
const PASSED = ['content-type', 'content-security-policy', 'cache-control', 'x-content-type-options']

export function certificatePages(web: WebApp): void {
  web.get('/me/certificates', certificatesPage)

  web.get('/me/certificates/:serial{[1-9][0-9]{0,14}}/print', async (c) => {
    await requireMember(c)
    const res = await c.var.api.v1.certificates[':serial'].print.$get({ param: { serial: c.req.param('serial') } })
    if (!res.ok) throw await refusalOf(res)
    const headers: Record<string, string> = {}
    for (const name of PASSED) {
      const value = res.headers.get(name)
      if (value !== null) headers[name] = value
    }
    return c.body(await res.text(), 200, headers)
  })
}
