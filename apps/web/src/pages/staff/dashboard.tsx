/**
 * `/staff`: the console's first page. This month's hours, points and activities, pending approvals,
 * open wishes and orders by status, and rewards running low: one call to the API's summary, which
 * counts them (a grid leader's of its subtree).
 */
import { ok } from '../../api.js'
import { requireStaff } from '../../access.js'
import type { WebApp } from '../../env.js'
import type { MessageKey } from '../../i18n/catalogue.js'
import { Page } from '../../layout.js'
import type { C } from './kit.js'

/** Open wishes, as the wishes page filters them. */
const WISH_STATUSES = ['published', 'claimed', 'fulfilled'] as const
/** Orders still under way: waiting for staff, the provider or the resident. */
const ORDER_STATUSES = ['ordered', 'dispatched', 'accepted', 'completed', 'disputed'] as const

function Figure({ c, label, value, href }: { c: C; label: MessageKey; value: string; href?: string }) {
  const { t } = c.var.words
  return (
    <div class="card">
      <div class="muted">{t(label)}</div>
      <div class="figure">{href ? <a href={href}>{value}</a> : value}</div>
    </div>
  )
}

export function dashboardPage(web: WebApp): void {
  web.get('/staff', async (c) => {
    await requireStaff(c)
    const { t, amount } = c.var.words
    const summary = await ok(c.var.api.v1.community.summary.$get({ query: {} }))
    const { period, hours, points, activities, pendingApprovals, wishes, orders, lowStock: low, lowStockThreshold } = summary
    return c.html(
      <Page c={c} title={t('staff.dashboard.title')}>
        <h2>{t('staff.dashboard.month', { period })}</h2>
        <div class="cards">
          <Figure c={c} label="staff.dashboard.hours" value={amount(hours)} />
          <Figure c={c} label="staff.dashboard.points" value={amount(points)} />
          <Figure c={c} label="staff.dashboard.activities" value={c.var.words.count(activities)} href="/staff/activities" />
          <Figure c={c} label="staff.dashboard.pending" value={c.var.words.count(pendingApprovals)} href="/staff/approvals" />
        </div>
        <h2>{t('staff.dashboard.wishes')}</h2>
        <div class="cards">
          {WISH_STATUSES.map((status) => (
            <Figure
              c={c}
              label={`staff.wishStatus.${status}`}
              value={c.var.words.count(wishes[status])}
              href={`/staff/wishes?status=${status}`}
            />
          ))}
        </div>
        <h2>{t('staff.dashboard.orders')}</h2>
        <div class="cards">
          {ORDER_STATUSES.map((status) => (
            <Figure
              c={c}
              label={`staff.orderStatus.${status}`}
              value={c.var.words.count(orders[status])}
              href={`/staff/orders?status=${status}`}
            />
          ))}
        </div>
        <h2>{t('staff.dashboard.lowStock', { threshold: String(lowStockThreshold) })}</h2>
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
