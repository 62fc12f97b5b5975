/**
 * `/staff`: the console's first page. This month's hours, points and activities (the API's grid
 * roll-ups, summed over the top grids the user sees), pending approvals, open wishes and orders by
 * status, and rewards running low. Lists the API pages are counted to their page size: a count
 * at the size shows as "N+".
 */
import { ok } from '../../api.js'
import { requireStaff } from '../../access.js'
import type { WebApp } from '../../env.js'
import type { MessageKey } from '../../i18n/catalogue.js'
import { Page } from '../../layout.js'
import { compareDecimals, sumDecimals } from '../../components/decimal.js'
import { type C, communityZone } from './kit.js'
import { monthIn } from './zoned.js'

/** Rewards with at most this many units on the shelf are low. */
export const LOW_STOCK = '5'

/** Open wishes, as the wishes page filters them. */
const WISH_STATUSES = ['published', 'claimed', 'fulfilled'] as const
/** Orders still under way: waiting for staff, the provider or the resident. */
const ORDER_STATUSES = ['ordered', 'dispatched', 'accepted', 'completed', 'disputed'] as const

/** Page sizes asked for (orders take none: the API pages them by 100). */
const RECORDS_PAGE = 1000
const WISHES_PAGE = 1000
const REWARDS_PAGE = 500

/** The grids of a roll-up not under another one listed: their sums are the whole of what the user sees. */
function topGrids<G extends { path: string }>(grids: G[]): G[] {
  return grids.filter((g) => !grids.some((o) => o !== g && g.path.startsWith(o.path)))
}

function Figure({ c, label, value, href }: { c: C; label: MessageKey; value: string; href?: string }) {
  const { t } = c.var.words
  return (
    <div class="card">
      <div class="muted">{t(label)}</div>
      <div class="figure">{href ? <a href={href}>{value}</a> : value}</div>
    </div>
  )
}

/** A count, with "+" when the page was full (there may be more). */
const counted = (c: C, n: number, more: boolean) => `${c.var.words.count(n)}${more ? '+' : ''}`

export function dashboardPage(web: WebApp): void {
  web.get('/staff', async (c) => {
    await requireStaff(c)
    const { t, amount } = c.var.words
    const api = c.var.api.v1
    const period = monthIn(new Date(), await communityZone(c))
    const [rollups, pending, wishes, orders, stock, onCatalogue] = await Promise.all([
      ok(api.rollups.$get({ query: { period } })),
      ok(api['hour-records'].$get({ query: { status: 'pending', limit: String(RECORDS_PAGE) } })),
      Promise.all(WISH_STATUSES.map((status) => ok(api.wishes.$get({ query: { status, limit: String(WISHES_PAGE) } })))),
      Promise.all(ORDER_STATUSES.map((status) => ok(api.orders.$get({ query: { status } })))),
      ok(api['reward-stock'].$get({ query: {} })),
      ok(api.rewards.$get({ query: { active: 'true', limit: String(REWARDS_PAGE) } })),
    ])
    const tops = topGrids(rollups.grids)
    const hours = sumDecimals(tops.map((g) => g.hours))
    const points = sumDecimals(tops.map((g) => g.points))
    const activities = tops.reduce((n, g) => n + g.activities, 0)
    // Rewards taken off the catalogue are not restocked: only those on it can run low.
    const active = new Set(onCatalogue.rewards.map((r) => r.id))
    const low = stock.rewards.filter((r) => active.has(r.rewardId) && compareDecimals(r.onShelf, LOW_STOCK) <= 0)
    return c.html(
      <Page c={c} title={t('staff.dashboard.title')}>
        <h2>{t('staff.dashboard.month', { period })}</h2>
        <div class="cards">
          <Figure c={c} label="staff.dashboard.hours" value={amount(hours)} />
          <Figure c={c} label="staff.dashboard.points" value={amount(points)} />
          <Figure c={c} label="staff.dashboard.activities" value={c.var.words.count(activities)} href="/staff/activities" />
          <Figure
            c={c}
            label="staff.dashboard.pending"
            value={counted(c, pending.records.length, pending.nextCursor !== null)}
            href="/staff/approvals"
          />
        </div>
        <h2>{t('staff.dashboard.wishes')}</h2>
        <div class="cards">
          {WISH_STATUSES.map((status, i) => {
            const page = wishes[i] as (typeof wishes)[number]
            return (
              <Figure
                c={c}
                label={`staff.wishStatus.${status}`}
                value={counted(c, page.wishes.length, page.nextCursor !== null)}
                href={`/staff/wishes?status=${status}`}
              />
            )
          })}
        </div>
        <h2>{t('staff.dashboard.orders')}</h2>
        <div class="cards">
          {ORDER_STATUSES.map((status, i) => {
            const page = orders[i] as (typeof orders)[number]
            return (
              <Figure
                c={c}
                label={`staff.orderStatus.${status}`}
                value={counted(c, page.orders.length, page.nextAfter !== null)}
                href={`/staff/orders?status=${status}`}
              />
            )
          })}
        </div>
        <h2>{t('staff.dashboard.lowStock', { threshold: LOW_STOCK })}</h2>
        {low.length === 0 ? (
          <p class="muted">{t('staff.dashboard.noLowStock')}</p>
        ) : (
          <table class="responsive">
            <thead>
              <tr>
                <th scope="col">{t('staff.dashboard.reward')}</th>
                <th scope="col" class="num">
                  {t('staff.dashboard.onShelf')}
                </th>
                <th scope="col" class="num">
                  {t('staff.dashboard.reserved')}
                </th>
              </tr>
            </thead>
            <tbody>
              {low.map((r) => (
                <tr>
                  <td data-label={t('staff.dashboard.reward')}>{r.name}</td>
                  <td class="num" data-label={t('staff.dashboard.onShelf')}>
                    {amount(r.onShelf)}
                  </td>
                  <td class="num" data-label={t('staff.dashboard.reserved')}>
                    {amount(r.reserved)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p>
          <a href="/staff/market">{t('staff.dashboard.toMarket')}</a>
        </p>
      </Page>,
    )
  })
}
