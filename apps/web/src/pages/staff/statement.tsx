/**
 * `/staff/members/:id/statement`: a member's statement from the ledger for a month, quarter or
 * year (the API's statement route): opening balance, every entry, closing balance. Printable:
 * the period form and the menu are left off paper.
 */
import { ok } from '../../api.js'
import { requireStaff } from '../../access.js'
import type { WebApp } from '../../env.js'
import { Page } from '../../layout.js'
import { communityZone, oneOf } from './kit.js'
import { BALANCE_ASSETS, assetKey } from './member.js'
import { monthIn } from './zoned.js'

export function statementPage(web: WebApp): void {
  web.get('/staff/members/:id/statement', async (c) => {
    await requireStaff(c)
    const { t, amount, dateTime } = c.var.words
    const memberId = c.req.param('id')
    const period = c.req.query('period')?.trim() || monthIn(new Date(), await communityZone(c))
    const asset = oneOf(c.req.query('asset'), BALANCE_ASSETS) ?? 'HOUR'
    const [member, statement] = await Promise.all([
      ok(c.var.api.v1.members[':memberId'].$get({ param: { memberId } })),
      ok(c.var.api.v1.members[':memberId'].statement.$get({ param: { memberId }, query: { period, asset } })),
    ])
    const name = member.name ?? member.pseudonym
    return c.html(
      <Page c={c} title={t('staff.statement.title', { name })}>
        <form method="get" class="filters no-print">
          <label>
            {t('staff.statement.period')}
            <input name="period" value={period} required />
          </label>
          <label>
            {t('staff.statement.asset')}
            <select name="asset">
              {BALANCE_ASSETS.map((a) => (
                <option value={a} selected={a === asset}>
                  {t(assetKey(a))}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">{t('staff.statement.show')}</button>
        </form>
        <p class="muted no-print">{t('staff.statement.periodHint')}</p>
        <dl class="facts">
          <dt>{t('staff.member.id')}</dt>
          <dd>{member.id}</dd>
          <dt>{t('staff.statement.period')}</dt>
          <dd>{`${statement.period} (${dateTime(statement.from)} – ${dateTime(statement.to)})`}</dd>
          <dt>{t('staff.statement.asset')}</dt>
          <dd>{t(assetKey(statement.asset))}</dd>
          <dt>{t('staff.statement.opening')}</dt>
          <dd>{amount(statement.opening)}</dd>
          <dt>{t('staff.statement.closing', { at: dateTime(statement.closingAt) })}</dt>
          <dd>{amount(statement.closing)}</dd>
        </dl>
        {statement.entries.length === 0 ? (
          <p class="muted">{t('staff.statement.none')}</p>
        ) : (
          <table class="responsive">
            <thead>
              <tr>
                <th scope="col">{t('staff.statement.when')}</th>
                <th scope="col">{t('staff.statement.kind')}</th>
                <th scope="col">{t('staff.statement.counterparty')}</th>
                <th scope="col" class="num">
                  {t('staff.statement.amount')}
                </th>
                <th scope="col" class="num">
                  {t('staff.statement.balance')}
                </th>
              </tr>
            </thead>
            <tbody>
              {statement.entries.map((e) => (
                <tr>
                  <td data-label={t('staff.statement.when')}>{dateTime(e.createdAt)}</td>
                  <td data-label={t('staff.statement.kind')}>{e.type}</td>
                  <td data-label={t('staff.statement.counterparty')}>{e.counterparty}</td>
                  <td class="num" data-label={t('staff.statement.amount')}>
                    {amount(e.amount)}
                  </td>
                  <td class="num" data-label={t('staff.statement.balance')}>
                    {e.balanceAfter === null ? '—' : amount(e.balanceAfter)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p class="no-print">
          <a href={`/staff/members/${encodeURIComponent(memberId)}`}>{t('staff.link.back')}</a>
        </p>
      </Page>,
    )
  })
}
