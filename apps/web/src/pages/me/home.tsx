/**
 * `/me`: a resident's start page. What they have (hours, points, and the hours they ever gave, which
 * are never spent), what of their points expires when, the movements of their hours or points with
 * what each was for (a page at a time), and the way to everything else.
 */
import { ok } from '../../api.js'
import { requireMember } from '../../access.js'
import type { WebApp } from '../../env.js'
import type { MessageKey } from '../../i18n/catalogue.js'
import { Page } from '../../layout.js'
import { type C, amountOf, hours, points, seg } from './kit.js'
import { movementFor } from './movements.js'

const LINKS: [string, MessageKey, MessageKey][] = [
  ['/me/activities', 'nav.me.activities', 'me.home.link.activities'],
  ['/me/wishes', 'nav.me.wishes', 'me.home.link.wishes'],
  ['/me/orders', 'nav.me.orders', 'me.home.link.orders'],
  ['/me/market', 'nav.me.market', 'me.home.link.market'],
  ['/me/gifts', 'nav.me.gifts', 'me.home.link.gifts'],
  ['/me/certificates', 'nav.me.certificates', 'me.home.link.certificates'],
]

const isZero = (amount: string) => /^-?0(\.0+)?$/.test(amount)

/** The community's year now, as a statement period ("2026"). */
const yearIn = (timeZone: string) => new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(new Date())

const HISTORY_PAGE = '20'

async function homePage(c: C) {
  const me = await requireMember(c)
  const { t } = c.var.words
  const api = c.var.api.v1
  const show = c.req.query('show') === 'points' ? 'POINT' : 'HOUR'
  const cursor = c.req.query('cursor')
  const [{ accounts }, community, expiring] = await Promise.all([
    ok(api.accounts.$get({ query: {} })),
    ok(api.community.$get()),
    ok(api.members[':memberId']['expiring-points'].$get({ param: { memberId: seg(me.memberId) }, query: {} })),
  ])
  const hourAccount = accounts.find((a) => a.asset === 'HOUR')
  const pointAccount = accounts.find((a) => a.asset === 'POINT')
  const shown = show === 'POINT' ? pointAccount : hourAccount
  const balanceOf = (id: string | undefined) =>
    id === undefined ? undefined : ok(api.accounts[':accountId'].balance.$get({ param: { accountId: seg(id) }, query: {} }))
  const [hourBalance, pointBalance, lifetime, history] = await Promise.all([
    balanceOf(hourAccount?.id),
    balanceOf(pointAccount?.id),
    ok(
      api.members[':memberId'].statement.$get({
        param: { memberId: seg(me.memberId) },
        query: { period: yearIn(community.settings.timeZone), asset: 'LIFETIME_HOUR' },
      }),
    ),
    shown === undefined
      ? undefined
      : ok(
          api.accounts[':accountId'].history.$get({
            param: { accountId: seg(shown.id) },
            query: { limit: HISTORY_PAGE, ...(cursor ? { cursor } : {}) },
          }),
        ),
  ])
  const soon = expiring.expiring.filter((g) => !isZero(g.amount))
  const here = (query: Record<string, string>) => `/me?${new URLSearchParams(query).toString()}`
  return c.html(
    <Page c={c} title={t('me.home.title')}>
      {me.user ? <p class="lead">{t('me.home.hello', { name: me.user.name })}</p> : null}
      <section class="cards figures" aria-label={t('me.home.figures')}>
        <div class="card">
          <h2>{t('me.home.hours')}</h2>
          <p class="figure">{hours(c, hourBalance?.available ?? '0.00')}</p>
          {hourBalance && !isZero(hourBalance.pendingDebits) ? (
            <p class="muted">{t('me.home.held', { amount: hours(c, hourBalance.pendingDebits) })}</p>
          ) : null}
        </div>
        <div class="card">
          <h2>{t('me.home.points')}</h2>
          <p class="figure">{points(c, pointBalance?.available ?? '0')}</p>
          {pointBalance && !isZero(pointBalance.pendingDebits) ? (
            <p class="muted">{t('me.home.held', { amount: points(c, pointBalance.pendingDebits) })}</p>
          ) : null}
        </div>
        <div class="card">
          <h2>{t('me.home.lifetime')}</h2>
          <p class="figure">{hours(c, lifetime.closing)}</p>
          <p class="muted">{t('me.home.lifetimeNote')}</p>
        </div>
      </section>
      {soon.length > 0 ? (
        <section aria-label={t('me.home.expiring')}>
          {soon.map((g) => (
            <p class="notice warn">{t('me.home.expiresOn', { amount: points(c, g.amount), date: c.var.words.date(g.expiresAt) })}</p>
          ))}
        </section>
      ) : null}
      <nav class="me-links" aria-label={t('me.home.more')}>
        <ul>
          {LINKS.map(([href, name, hint]) => (
            <li>
              <a class="button big" href={href}>
                {t(name)}
              </a>
              <span class="muted">{t(hint)}</span>
            </li>
          ))}
        </ul>
      </nav>
      <h2 id="history">{t('me.home.history')}</h2>
      <p class="tabs">
        <a href={here({ show: 'hours' })} aria-current={show === 'HOUR' ? 'page' : undefined}>
          {t('me.home.history.hours')}
        </a>
        <a href={here({ show: 'points' })} aria-current={show === 'POINT' ? 'page' : undefined}>
          {t('me.home.history.points')}
        </a>
      </p>
      {history === undefined || history.entries.length === 0 ? (
        <p>{t('list.empty')}</p>
      ) : (
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">{t('me.home.col.when')}</th>
              <th scope="col">{t('me.home.col.for')}</th>
              <th scope="col" class="num">
                {t('me.home.col.amount')}
              </th>
              <th scope="col" class="num">
                {t('me.home.col.after')}
              </th>
            </tr>
          </thead>
          <tbody>
            {history.entries.map((e) => (
              <tr>
                <td data-label={t('me.home.col.when')}>{c.var.words.dateTime(e.createdAt)}</td>
                <td data-label={t('me.home.col.for')}>{t(movementFor(e))}</td>
                <td data-label={t('me.home.col.amount')} class="num">
                  {e.amount.startsWith('-') ? '' : '+'}
                  {amountOf(c, show, e.amount)}
                </td>
                <td data-label={t('me.home.col.after')} class="num">
                  {e.balanceAfter === null ? '' : amountOf(c, show, e.balanceAfter)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {history?.nextCursor ? (
        <p>
          <a class="button secondary" href={`${here({ show: show === 'POINT' ? 'points' : 'hours', cursor: history.nextCursor })}#history`}>
            {t('me.home.older')}
          </a>
        </p>
      ) : null}
    </Page>,
  )
}

export function homePages(web: WebApp): void {
  web.get('/me', homePage)
}
