/**
 * Recognition for staff: the honour roll (好人榜) of a month, quarter or year, ranked by hours or
 * points, names masked as the API gives them, with closing the period (admins, once it has ended);
 * and the roll-ups: hours and points per month over the last twelve months (one call: the API's
 * series, each month as that month's roll-ups count it) and each grid's figures for a period, with
 * their charts drawn here as SVG (components/charts.tsx).
 */
import type { Context } from 'hono'
import { type ApiRefusal, ok } from '../../api.js'
import { requireStaff } from '../../access.js'
import { BarChart, ColumnChart } from '../../components/charts.js'
import type { Me, WebApp, WebEnv } from '../../env.js'
import { Csrf, Page } from '../../layout.js'
import { text } from '../form.js'
import { Done, GridSelect, Refused, afterForm, communityZone, gridsOf, monthIn, monthsUpTo, periodOf, query } from './shared.js'

type Ctx = Context<WebEnv>

/** Members on the roll. */
const ROLL_SIZE = '50'
/** Months the monthly chart covers. */
const MONTHS = 12

async function honourPage(c: Ctx, me: Me, error?: ApiRefusal, asked?: string): Promise<Response> {
  const { t, amount, count, dateTime } = c.var.words
  const period = asked ?? (await periodOf(c))
  const by = c.req.query('by') === 'points' ? 'points' : 'hours'
  const gridId = query(c, 'gridId')
  const [grids, status, roll] = await Promise.all([
    gridsOf(c, me),
    ok(c.var.api.v1.periods[':period'].$get({ param: { period } })),
    ok(c.var.api.v1['honour-roll'].$get({ query: { period, by, limit: ROLL_SIZE, ...(gridId ? { gridId } : {}) } })),
  ])
  const gridName = new Map(grids.map((g) => [g.id, g.name]))
  return c.html(
    <Page c={c} title={t('console.honour.title')}>
      <Done c={c} notes={{ closed: 'console.honour.closed' }} />
      <Refused refusal={error} />
      <form method="get" action="/staff/honour" class="filters">
        <label>
          {t('console.filter.period')}
          <input name="period" value={period} />
        </label>
        <label>
          {t('console.honour.by')}
          <select name="by">
            <option value="hours" selected={by === 'hours'}>
              {t('console.honour.byHours')}
            </option>
            <option value="points" selected={by === 'points'}>
              {t('console.honour.byPoints')}
            </option>
          </select>
        </label>
        <GridSelect c={c} grids={grids} value={gridId} />
        <button type="submit">{t('console.filter.apply')}</button>
      </form>

      <p>
        {status.status === 'closed'
          ? t('console.honour.isClosed', { period, at: status.closedAt ? dateTime(status.closedAt) : '' })
          : t('console.honour.isOpen', { period })}
        {status.snapshotHash ? <span class="muted"> {t('console.honour.hash', { hash: status.snapshotHash })}</span> : null}
      </p>
      {me.role === 'admin' && status.status === 'open' ? (
        status.ended ? (
          <form method="post" action="/staff/honour/close" class="inline">
            <Csrf c={c} />
            <input type="hidden" name="period" value={period} />
            <button type="submit">{t('console.honour.close', { period })}</button>
          </form>
        ) : (
          <p class="muted">{t('console.honour.notEnded')}</p>
        )
      ) : null}

      <h2>{t('console.honour.rollTitle', { period })}</h2>
      {roll.entries.length === 0 ? (
        <p class="muted">{t('list.empty')}</p>
      ) : (
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col" class="num">
                {t('console.honour.rank')}
              </th>
              <th scope="col">{t('console.honour.name')}</th>
              <th scope="col">{t('console.filter.grid')}</th>
              <th scope="col" class="num">
                {t('console.honour.hours')}
              </th>
              <th scope="col" class="num">
                {t('console.honour.points')}
              </th>
              <th scope="col" class="num">
                {t('console.honour.records')}
              </th>
            </tr>
          </thead>
          <tbody>
            {roll.entries.map((e) => (
              <tr>
                <td data-label={t('console.honour.rank')} class="num">
                  {count(e.rank)}
                </td>
                <th scope="row" data-label={t('console.honour.name')}>
                  {e.name}
                </th>
                <td data-label={t('console.filter.grid')}>{e.gridId ? (gridName.get(e.gridId) ?? e.gridId) : '—'}</td>
                <td data-label={t('console.honour.hours')} class="num">
                  {amount(e.hours)}
                </td>
                <td data-label={t('console.honour.points')} class="num">
                  {amount(e.points)}
                </td>
                <td data-label={t('console.honour.records')} class="num">
                  {count(e.records)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>,
  )
}

interface Rollup {
  gridId: string
  name: string
  path: string
  members: number
  activeVolunteers: number
  hours: string
  points: string
  activities: number
}

async function rollupsPage(c: Ctx): Promise<Response> {
  const { t, amount, count } = c.var.words
  const zone = await communityZone(c)
  const thisMonth = monthIn(new Date(), zone)
  const period = query(c, 'period') ?? thisMonth
  const [from] = monthsUpTo(thisMonth, MONTHS)
  const [series, selected] = await Promise.all([
    ok(c.var.api.v1.rollups.series.$get({ query: { from: from ?? thisMonth, to: thisMonth } })),
    ok(c.var.api.v1.rollups.$get({ query: { period } })),
  ])
  const perMonth = series.months
  const grids: Rollup[] = selected.grids
  const hoursUnit = t('console.rollups.hoursAxis')
  const pointsUnit = t('console.rollups.pointsAxis')
  return c.html(
    <Page c={c} title={t('console.rollups.title')}>
      <h2>{t('console.rollups.monthly')}</h2>
      <figure>
        <ColumnChart
          title={t('console.rollups.monthly')}
          valueLabel={hoursUnit}
          categoryLabel={t('console.rollups.monthAxis')}
          bars={perMonth.map((m) => ({ label: m.month, value: m.hours, text: amount(m.hours) }))}
        />
      </figure>
      <h2>{t('console.rollups.monthlyPoints')}</h2>
      <figure>
        <ColumnChart
          title={t('console.rollups.monthlyPoints')}
          valueLabel={pointsUnit}
          categoryLabel={t('console.rollups.monthAxis')}
          bars={perMonth.map((m) => ({ label: m.month, value: m.points, text: amount(m.points) }))}
        />
      </figure>
      <details>
        <summary>{t('console.rollups.asTable')}</summary>
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">{t('console.rollups.monthAxis')}</th>
              <th scope="col" class="num">
                {hoursUnit}
              </th>
              <th scope="col" class="num">
                {pointsUnit}
              </th>
            </tr>
          </thead>
          <tbody>
            {perMonth.map((m) => (
              <tr>
                <th scope="row" data-label={t('console.rollups.monthAxis')}>
                  <a href={`/staff/rollups?period=${m.month}`}>{m.month}</a>
                </th>
                <td data-label={hoursUnit} class="num">
                  {amount(m.hours)}
                </td>
                <td data-label={pointsUnit} class="num">
                  {amount(m.points)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>

      <h2>{t('console.rollups.perGrid', { period })}</h2>
      <form method="get" action="/staff/rollups" class="filters">
        <label>
          {t('console.filter.period')}
          <input name="period" value={period} />
        </label>
        <button type="submit">{t('console.filter.apply')}</button>
      </form>
      <p class="muted">{selected.status === 'closed' ? t('console.rollups.closed') : t('console.rollups.open')}</p>
      <figure>
        <BarChart
          title={t('console.rollups.perGrid', { period })}
          valueLabel={hoursUnit}
          categoryLabel={t('console.filter.grid')}
          empty={t('list.empty')}
          bars={grids.map((g) => ({ label: g.name, value: g.hours, text: amount(g.hours) }))}
        />
      </figure>
      {grids.length === 0 ? null : (
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">{t('console.filter.grid')}</th>
              <th scope="col" class="num">
                {t('console.rollups.members')}
              </th>
              <th scope="col" class="num">
                {t('console.rollups.volunteers')}
              </th>
              <th scope="col" class="num">
                {hoursUnit}
              </th>
              <th scope="col" class="num">
                {t('console.honour.points')}
              </th>
              <th scope="col" class="num">
                {t('console.rollups.activities')}
              </th>
            </tr>
          </thead>
          <tbody>
            {grids.map((g) => (
              <tr>
                <th scope="row" data-label={t('console.filter.grid')}>
                  {g.name}
                </th>
                <td data-label={t('console.rollups.members')} class="num">
                  {count(g.members)}
                </td>
                <td data-label={t('console.rollups.volunteers')} class="num">
                  {count(g.activeVolunteers)}
                </td>
                <td data-label={hoursUnit} class="num">
                  {amount(g.hours)}
                </td>
                <td data-label={t('console.honour.points')} class="num">
                  {amount(g.points)}
                </td>
                <td data-label={t('console.rollups.activities')} class="num">
                  {count(g.activities)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>,
  )
}

export function recognitionPages(web: WebApp): void {
  web.get('/staff/honour', async (c) => honourPage(c, await requireStaff(c)))

  web.post('/staff/honour/close', async (c) => {
    const me = await requireStaff(c)
    const period = text((await c.req.parseBody()).period)
    const res = await c.var.api.v1.periods[':period'].close.$post({ param: { period } })
    return afterForm(
      c,
      res,
      (error) => honourPage(c, me, error, period),
      () => c.redirect(`/staff/honour?period=${encodeURIComponent(period)}&done=closed`, 303),
    )
  })

  web.get('/staff/rollups', async (c) => {
    await requireStaff(c)
    return rollupsPage(c)
  })
}
