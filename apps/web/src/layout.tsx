/**
 * The frame of every page: skip link, header with the menu for the reader's role, the language
 * switch, sign-out, and one `main`. Text goes through Hono's JSX, which escapes it; nothing from
 * a user is ever inserted as markup.
 */
import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import type { Me, WebEnv } from './env.js'
import type { MessageKey } from './i18n/catalogue.js'
import { CSRF_FIELD } from './security.js'

const STAFF_MENU: [string, MessageKey][] = [
  ['/staff', 'nav.staff.dashboard'],
  ['/staff/members', 'nav.staff.members'],
  ['/staff/activities', 'nav.staff.activities'],
  ['/staff/approvals', 'nav.staff.approvals'],
  ['/staff/wishes', 'nav.staff.wishes'],
  ['/staff/orders', 'nav.staff.orders'],
  ['/staff/market', 'nav.staff.market'],
  ['/staff/honour', 'nav.staff.honour'],
  ['/staff/rollups', 'nav.staff.rollups'],
  ['/staff/certificates', 'nav.staff.certificates'],
  ['/staff/policies', 'nav.staff.policies'],
]

const MEMBER_MENU: [string, MessageKey][] = [
  ['/me', 'nav.me.home'],
  ['/me/activities', 'nav.me.activities'],
  ['/me/wishes', 'nav.me.wishes'],
  ['/me/orders', 'nav.me.orders'],
  ['/me/market', 'nav.me.market'],
  ['/me/gifts', 'nav.me.gifts'],
  ['/me/certificates', 'nav.me.certificates'],
]

/** The menu for a role: staff and admins the console, members their own pages. */
export const menuFor = (me: Me | undefined): [string, MessageKey][] =>
  me === undefined ? [] : me.role === 'member' ? MEMBER_MENU : STAFF_MENU

/** A hidden input with the page's CSRF token: put one in every form that posts. */
export function Csrf({ c }: { c: Context<WebEnv> }) {
  return <input type="hidden" name={CSRF_FIELD} value={c.var.csrf} />
}

export interface PageProps {
  c: Context<WebEnv>
  title: string
  children?: Child
  /** Extra elements for the head (a refresh for the projector's QR page). */
  head?: Child
  /** No header and menu: the full-screen QR page. */
  bare?: boolean
}

export function Page({ c, title, children, head, bare }: PageProps) {
  const { t, locale } = c.var.words
  const me = c.var.me
  const path = new URL(c.req.url).pathname
  const here = `${path}${new URL(c.req.url).search}`
  const other = locale === 'en' ? 'zh-CN' : 'en'
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t('app.name')}`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        {head}
      </head>
      <body class={bare ? 'bare' : undefined}>
        {bare ? null : (
          <>
            <a class="skip" href="#main">
              {t('nav.skip')}
            </a>
            <header class="top">
              <a class="brand" href="/">
                {t('app.name')}
              </a>
              {me ? (
                <nav aria-label={t('nav.main')}>
                  <ul>
                    {menuFor(me).map(([href, key]) => (
                      <li>
                        <a href={href} aria-current={path === href ? 'page' : undefined}>
                          {t(key)}
                        </a>
                      </li>
                    ))}
                  </ul>
                </nav>
              ) : null}
              <div class="tools">
                <a href={`/lang?to=${other}&next=${encodeURIComponent(here)}`} lang={other} hreflang={other}>
                  {other === 'en' ? 'English' : '中文'}
                </a>
                {me ? (
                  <>
                    <a href="/password">{t('nav.password')}</a>
                    <form method="post" action="/signout" class="inline">
                      <Csrf c={c} />
                      <button type="submit">{t('nav.signOut')}</button>
                    </form>
                  </>
                ) : null}
              </div>
            </header>
          </>
        )}
        <main id="main">
          {bare ? null : <h1>{title}</h1>}
          {children}
        </main>
      </body>
    </html>
  )
}

/** A notice above a form: an error (role=alert, read out at once) or a plain note. */
export function Notice({ kind, children }: { kind: 'error' | 'ok'; children?: Child }) {
  return (
    <p class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  )
}
