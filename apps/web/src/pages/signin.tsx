/**
 * Signing in and out: the sign-in form (login and password), the one-time link staff hand a
 * member (a button, so a link preview cannot use it up), setting or changing the password, signing
 * out here or everywhere, and the language switch. Lockout and rate limits are the API's; a fresh
 * session token is issued at every sign-in, so a token planted before it is worthless after.
 */
import type { Context } from 'hono'
import { setCookie } from 'hono/cookie'
import { ok } from '../api.js'
import { homeOf, requireMe } from '../access.js'
import type { WebApp, WebEnv } from '../env.js'
import { Csrf, Notice, Page } from '../layout.js'
import { LANG_COOKIE, clearSession, safeNext, setSession } from '../security.js'
import { LOCALES } from '../i18n/catalogue.js'
import { refusalOf, text } from './form.js'

interface SignInView {
  error?: string
  login?: string
  tenantId?: string
  next?: string
  note?: string
}

function SignInForm({ c, view }: { c: Context<WebEnv>; view: SignInView }) {
  const { t } = c.var.words
  return (
    <Page c={c} title={t('signin.title')}>
      {view.note ? <Notice kind="ok">{view.note}</Notice> : null}
      {view.error ? <Notice kind="error">{view.error}</Notice> : null}
      <form method="post" action="/signin" class="stack">
        <Csrf c={c} />
        <input type="hidden" name="next" value={view.next ?? '/'} />
        <label>
          {t('signin.community')}
          <input name="tenantId" required autocomplete="organization" value={view.tenantId ?? c.var.defaultTenantId} />
        </label>
        <label>
          {t('signin.login')}
          <input name="login" required autocomplete="username" autocapitalize="none" value={view.login ?? ''} />
        </label>
        <label>
          {t('signin.password')}
          <input name="password" type="password" required autocomplete="current-password" />
        </label>
        <button type="submit">{t('signin.submit')}</button>
      </form>
    </Page>
  )
}

/** Revoke the session a browser held before signing in again (best effort: it may be gone). */
async function dropOldSession(c: Context<WebEnv>): Promise<void> {
  if (!c.var.token) return
  await c.var.api.v1.sessions.current.$delete().catch(() => undefined)
}

export function signInPages(web: WebApp): void {
  web.get('/', async (c) => {
    if (!c.var.token) return c.redirect('/signin', 303)
    return c.redirect(homeOf(await requireMe(c)), 303)
  })

  web.get('/signin', (c) =>
    c.html(
      <SignInForm
        c={c}
        view={{
          next: safeNext(c.req.query('next')),
          tenantId: c.req.query('tenant') ?? c.var.defaultTenantId,
          ...(c.req.query('out') ? { note: c.var.words.t('signin.signedOut') } : {}),
        }}
      />,
    ),
  )

  web.post('/signin', async (c) => {
    const form = await c.req.parseBody()
    const view: SignInView = { login: text(form.login), tenantId: text(form.tenantId), next: safeNext(form.next) }
    const res = await c.var.api.v1.sessions.$post({
      json: { tenantId: view.tenantId ?? '', login: view.login ?? '', password: text(form.password) },
    })
    if (!res.ok) {
      const refusal = await refusalOf(res)
      const { t } = c.var.words
      if (refusal.code === 'SIGN_IN_LOCKED') {
        const seconds = Number(res.headers.get('retry-after') ?? 900)
        c.status(429)
        return c.html(<SignInForm c={c} view={{ ...view, error: t('signin.locked', { minutes: Math.max(1, Math.ceil(seconds / 60)) }) }} />)
      }
      if (refusal.status >= 500) throw refusal
      c.status(401)
      return c.html(<SignInForm c={c} view={{ ...view, error: t('signin.failed') }} />)
    }
    const session = await res.json()
    await dropOldSession(c)
    setSession(c, session.token, session.expiresAt)
    const home = session.user.role === 'member' ? '/me' : '/staff'
    return c.redirect(view.next && view.next !== '/' ? view.next : home, 303)
  })

  web.get('/signin/link', (c) => {
    const { t } = c.var.words
    return c.html(
      <Page c={c} title={t('signin.link.title')}>
        <p>{t('signin.link.intro')}</p>
        <form method="post" action="/signin/link" class="stack">
          <Csrf c={c} />
          <input type="hidden" name="tenantId" value={c.req.query('tenant') ?? c.var.defaultTenantId} />
          <input type="hidden" name="token" value={c.req.query('token') ?? ''} />
          <button type="submit">{t('signin.link.submit')}</button>
        </form>
      </Page>,
    )
  })

  web.post('/signin/link', async (c) => {
    const form = await c.req.parseBody()
    const res = await c.var.api.v1.sessions.link.$post({ json: { tenantId: text(form.tenantId), token: text(form.token) } })
    if (!res.ok) {
      const refusal = await refusalOf(res)
      if (refusal.status >= 500) throw refusal
      c.status(401)
      return c.html(
        <Page c={c} title={c.var.words.t('signin.link.title')}>
          <Notice kind="error">{c.var.words.t('signin.link.invalid')}</Notice>
        </Page>,
      )
    }
    const session = await res.json()
    await dropOldSession(c)
    setSession(c, session.token, session.expiresAt)
    if (session.mustSetPassword) return c.redirect('/password', 303)
    return c.redirect(session.user.role === 'member' ? '/me' : '/staff', 303)
  })

  const passwordPage = (c: Context<WebEnv>, hasPassword: boolean, notice?: { kind: 'ok' | 'error'; text: string }) => {
    const { t } = c.var.words
    return c.html(
      <Page c={c} title={hasPassword ? t('password.title') : t('password.set.title')}>
        {hasPassword ? null : <p>{t('password.set.intro')}</p>}
        {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
        <form method="post" action="/password" class="stack">
          <Csrf c={c} />
          {hasPassword ? (
            <label>
              {t('password.current')}
              <input name="currentPassword" type="password" required autocomplete="current-password" />
            </label>
          ) : null}
          <label>
            {t('password.new')}
            <input name="newPassword" type="password" required minlength={8} maxlength={200} autocomplete="new-password" />
          </label>
          <label>
            {t('password.repeat')}
            <input name="repeat" type="password" required minlength={8} maxlength={200} autocomplete="new-password" />
          </label>
          <button type="submit">{t('password.submit')}</button>
        </form>
      </Page>,
    )
  }

  web.get('/password', async (c) => {
    const me = await requireMe(c)
    return passwordPage(c, me.user?.hasPassword ?? true)
  })

  web.post('/password', async (c) => {
    const me = await requireMe(c)
    const hasPassword = me.user?.hasPassword ?? true
    const form = await c.req.parseBody()
    const { t } = c.var.words
    if (text(form.newPassword) !== text(form.repeat)) {
      c.status(400)
      return passwordPage(c, hasPassword, { kind: 'error', text: t('password.mismatch') })
    }
    const res = await c.var.api.v1.users.me.password.$post({
      json: { newPassword: text(form.newPassword), ...(hasPassword ? { currentPassword: text(form.currentPassword) } : {}) },
    })
    if (!res.ok) {
      const refusal = await refusalOf(res)
      // A wrong current password is a 401 too (INVALID_CREDENTIALS), but the session stays: only other 401s sign out.
      if (refusal.code === 'INVALID_CREDENTIALS') {
        c.status(400)
        return passwordPage(c, hasPassword, { kind: 'error', text: t('signin.failed') })
      }
      if (refusal.status >= 500 || refusal.status === 401) throw refusal
      c.status(400)
      return passwordPage(c, hasPassword, { kind: 'error', text: refusal.message })
    }
    return passwordPage(c, true, { kind: 'ok', text: t('password.saved') })
  })

  web.post('/signout', async (c) => {
    if (c.var.token) await ok(c.var.api.v1.sessions.current.$delete()).catch(() => undefined)
    clearSession(c)
    return c.redirect('/signin?out=1', 303)
  })

  web.post('/signout/all', async (c) => {
    if (c.var.token) await ok(c.var.api.v1.sessions.$delete())
    clearSession(c)
    return c.redirect('/signin?out=1', 303)
  })

  web.get('/lang', (c) => {
    const to = c.req.query('to')
    if ((LOCALES as readonly string[]).includes(to ?? '')) {
      setCookie(c, LANG_COOKIE, to as string, { path: '/', sameSite: 'Lax', maxAge: 365 * 24 * 3600 })
    }
    return c.redirect(safeNext(c.req.query('next')), 303)
  })
}
