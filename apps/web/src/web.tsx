/**
 * `createWeb({ api })`: the staff console and resident pages, server-rendered with Hono's JSX. Every
 * page reaches the product through the API app's own `fetch` (in-process), as the signed-in user, so
 * rules, permissions and validation stay in the API. Forms post back to the page; each carries a
 * CSRF token, checked here before any handler runs.
 *
 * @example
 * const web = createWeb({ api: app.fetch, defaultTenantId: 'main' })
 * serve({ fetch: product(app, web).fetch })
 */
import { peerAddress } from '@timebank/api'
import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import { secureHeaders } from 'hono/secure-headers'
import { type ApiFetch, apiClient, isApiRefusal } from './api.js'
import { assetRoutes } from './assets.js'
import type { WebApp, WebEnv } from './env.js'
import { localeFrom } from './i18n/catalogue.js'
import { words } from './i18n/translate.js'
import { Notice, Page } from './layout.js'
import { registerPages } from './pages/index.js'
import { Redirect, signInAgain } from './access.js'
import { CSRF_FIELD, LANG_COOKIE, clearSession, csrfMatches, csrfToken, sessionToken } from './security.js'

export interface WebOptions {
  /** The API app's fetch: pages call the API through it, in-process. */
  api: ApiFetch
  /** The community a sign-in form names unless the link says another (the operator tenant). */
  defaultTenantId: string
  /** Dates are shown in this zone (the community's). */
  timeZone?: string
  /** Reverse proxies of the operator's own in front (TRUST_PROXY_HOPS): how the browser's address is read. */
  trustProxyHops?: number
}

export type { WebApp }

export function createWeb(options: WebOptions): WebApp {
  const web = new Hono<WebEnv>()
  web.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'"],
        fontSrc: ["'self'"],
        scriptSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: 'same-origin',
      // A page that sets its own policy keeps it: the API's printable certificate (inline styles only, nothing else).
      overwrite: false,
    }),
  )
  web.route('/', assetRoutes())
  web.use('*', async (c, next) => {
    const locale = localeFrom(getCookie(c, LANG_COOKIE))
    c.set('locale', locale)
    c.set('words', words(locale, options.timeZone))
    const token = sessionToken(c)
    c.set('token', token)
    // The browser's address as the API would read it off the socket, for its per-address limits.
    c.set('api', apiClient(options.api, token, {}, peerAddress(c.env, c.req.raw.headers, options.trustProxyHops)))
    c.set('csrf', csrfToken(c, token))
    c.set('me', undefined)
    c.set('defaultTenantId', options.defaultTenantId)
    if (c.req.method === 'POST') {
      const body = await c.req.parseBody()
      if (!csrfMatches(c.var.csrf, body[CSRF_FIELD])) {
        c.status(403)
        return c.html(
          <Page c={c} title={c.var.words.t('error.title')}>
            <Notice kind="error">{c.var.words.t('form.expired')}</Notice>
          </Page>,
        )
      }
    }
    await next()
  })
  registerPages(web)
  web.notFound((c) => {
    c.status(404)
    return c.html(
      <Page c={c} title={c.var.words.t('error.title')}>
        <Notice kind="error">{c.var.words.t('error.notFound')}</Notice>
        <p>
          <a href="/">{c.var.words.t('error.back')}</a>
        </p>
      </Page>,
    )
  })
  web.onError((err, c) => {
    if (err instanceof Redirect) return c.redirect(err.location, 303)
    const { t } = c.var.words ?? words('zh-CN')
    if (isApiRefusal(err) && err.status === 401) {
      clearSession(c)
      return signInAgain(c)
    }
    let message: string
    let status: 403 | 404 | 503 | 500 | 400 = 500
    if (isApiRefusal(err) && err.status === 403) [status, message] = [403, t('error.forbidden')]
    else if (isApiRefusal(err) && err.status === 404) [status, message] = [404, t('error.notFound')]
    else if (isApiRefusal(err) && err.status === 503) [status, message] = [503, t('error.unavailable')]
    else if (isApiRefusal(err) && err.status < 500) [status, message] = [400, err.message]
    else message = t('error.internal', { requestId: isApiRefusal(err) ? (err.requestId ?? '-') : '-' })
    c.status(status)
    return c.html(
      <Page c={c} title={t('error.title')}>
        <Notice kind="error">{message}</Notice>
        <p>
          <a href="/">{t('error.back')}</a>
        </p>
      </Page>,
    )
  })
  return web
}
