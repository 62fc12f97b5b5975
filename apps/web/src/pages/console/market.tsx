/**
 * The points supermarket (积分超市) for staff: the catalogue with price and stock (low stock
 * marked), adding a reward, restocking and writing off with a reason, the stock report (the ledger
 * beside the redemptions, and whether they agree), and the redemptions waiting to be picked up.
 * Handing one over by its scanned code is handover.tsx.
 */
import type { Context } from 'hono'
import { type ApiRefusal, isApiRefusal, ok } from '../../api.js'
import { requireStaff } from '../../access.js'
import { compareDecimals } from '../../components/decimal.js'
import type { WebApp, WebEnv } from '../../env.js'
import { Csrf, Notice, Page } from '../../layout.js'
import { text } from '../form.js'
import { Done, Refused, afterForm, formId } from './shared.js'
import { redemptionCode } from './handover.js'

type Ctx = Context<WebEnv>

/** At or below this many units on the shelf a reward is marked low, so staff restock in time. */
const LOW_STOCK = '5'
/** Pending redemptions listed. */
const PENDING = '100'

interface RewardForm {
  id: string
  name: string
  description: string
  price: string
  pickupDays: string
}

interface MarketView {
  error?: ApiRefusal
  form?: RewardForm
}

const NOTES = {
  added: 'console.market.added',
  restocked: 'console.market.restocked',
  writtenOff: 'console.market.writtenOff',
  cancelled: 'console.market.redemptionCancelled',
} as const

/** The redemptions waiting at the desk; a grid-limited reader is told to find them by member (the API's refusal). */
async function pending(c: Ctx) {
  try {
    return { list: (await ok(c.var.api.v1['reward-redemptions'].$get({ query: { status: 'reserved', limit: PENDING } }))).redemptions }
  } catch (e) {
    if (isApiRefusal(e) && e.status === 403) return { list: [], refusal: e }
    throw e
  }
}

async function market(c: Ctx, view: MarketView = {}): Promise<Response> {
  const { t, amount, dateTime } = c.var.words
  const [rewards, stock, waiting] = await Promise.all([
    ok(c.var.api.v1.rewards.$get({ query: { limit: '500' } })),
    ok(c.var.api.v1['reward-stock'].$get({ query: {} })),
    pending(c),
  ])
  const stockOf = new Map(stock.rewards.map((s) => [s.rewardId, s]))
  const rewardName = new Map(rewards.rewards.map((r) => [r.id, r.name]))
  const form = view.form ?? { id: formId('rw'), name: '', description: '', price: '', pickupDays: '' }

  const Move = ({ rewardId, kind }: { rewardId: string; kind: 'restock' | 'writeOff' }) => (
    <details>
      <summary>{t(kind === 'restock' ? 'console.market.restock' : 'console.market.writeOff')}</summary>
      <form
        method="post"
        action={`/staff/market/rewards/${encodeURIComponent(rewardId)}/${kind === 'restock' ? 'restocks' : 'write-offs'}`}
        class="stack"
      >
        <Csrf c={c} />
        <input type="hidden" name="id" value={formId(kind === 'restock' ? 'in' : 'off')} />
        <label>
          {t('console.market.quantity')}
          <input name="quantity" required inputmode="numeric" pattern="[0-9]*" />
        </label>
        <label>
          {t('console.reason')}
          <input name="reason" required maxlength={2000} />
        </label>
        <button type="submit" class={kind === 'writeOff' ? 'secondary' : undefined}>
          {t(kind === 'restock' ? 'console.market.restockSubmit' : 'console.market.writeOffSubmit')}
        </button>
      </form>
    </details>
  )

  return c.html(
    <Page c={c} title={t('console.market.title')}>
      <Done c={c} notes={NOTES} />
      <Refused refusal={view.error} />
      <p>
        <a class="button" href="/staff/market/handover">
          {t('console.handover.title')}
        </a>
      </p>

      <h2>{t('console.market.catalogue')}</h2>
      {rewards.rewards.length === 0 ? (
        <p class="muted">{t('list.empty')}</p>
      ) : (
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">{t('console.market.reward')}</th>
              <th scope="col" class="num">
                {t('console.market.price')}
              </th>
              <th scope="col" class="num">
                {t('console.market.onShelf')}
              </th>
              <th scope="col" class="num">
                {t('console.market.reserved')}
              </th>
              <th scope="col">{t('console.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {rewards.rewards.map((r) => {
              const s = stockOf.get(r.id)
              const low = s !== undefined && compareDecimals(s.onShelf, LOW_STOCK) <= 0
              return (
                <tr class={low ? 'low-stock' : undefined}>
                  <td data-label={t('console.market.reward')}>
                    <strong>{r.name}</strong>
                    {r.description ? <div class="muted">{r.description}</div> : null}
                    {r.active ? null : <span class="badge">{t('console.market.inactive')}</span>}
                  </td>
                  <td data-label={t('console.market.price')} class="num">
                    {t('amount.points', { amount: amount(r.price) })}
                  </td>
                  <td data-label={t('console.market.onShelf')} class="num">
                    {s ? amount(s.onShelf) : '—'}
                    {low ? <div class="badge warn">{t('console.market.low')}</div> : null}
                  </td>
                  <td data-label={t('console.market.reserved')} class="num">
                    {s ? amount(s.reserved) : '—'}
                  </td>
                  <td data-label={t('console.actions')}>
                    <Move rewardId={r.id} kind="restock" />
                    <Move rewardId={r.id} kind="writeOff" />
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}

      <h2>{t('console.market.add')}</h2>
      <form method="post" action="/staff/market/rewards" class="stack">
        <Csrf c={c} />
        <input type="hidden" name="id" value={form.id} />
        <label>
          {t('console.market.name')}
          <input name="name" required maxlength={200} value={form.name} />
        </label>
        <label>
          {t('console.market.description')} ({t('form.optional')})
          <textarea name="description" maxlength={2000} rows={2}>
            {form.description}
          </textarea>
        </label>
        <label>
          {t('console.market.priceField')}
          <input name="price" required inputmode="numeric" pattern="[0-9]*" value={form.price} />
        </label>
        <label>
          {t('console.market.pickupDays')} ({t('form.optional')})
          <input name="pickupDays" inputmode="numeric" pattern="[0-9]*" value={form.pickupDays} />
        </label>
        <button type="submit">{t('console.market.addSubmit')}</button>
      </form>

      <h2>{t('console.market.stockReport')}</h2>
      <p class="muted">{t('console.market.stockIntro')}</p>
      {stock.rewards.length === 0 ? (
        <p class="muted">{t('list.empty')}</p>
      ) : (
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">{t('console.market.reward')}</th>
              <th scope="col" class="num">
                {t('console.market.restocked.total')}
              </th>
              <th scope="col" class="num">
                {t('console.market.onShelf')}
              </th>
              <th scope="col" class="num">
                {t('console.market.reserved')}
              </th>
              <th scope="col" class="num">
                {t('console.market.handedOut')}
              </th>
              <th scope="col" class="num">
                {t('console.market.writtenOffUnits')}
              </th>
              <th scope="col" class="num">
                {t('console.market.pointsReceived')}
              </th>
              <th scope="col" class="num">
                {t('console.market.pointsReserved')}
              </th>
              <th scope="col">{t('console.market.matches')}</th>
            </tr>
          </thead>
          <tbody>
            {stock.rewards.map((s) => (
              <tr>
                <td data-label={t('console.market.reward')}>{s.name}</td>
                <td data-label={t('console.market.restocked.total')} class="num">
                  {amount(s.restocked)}
                </td>
                <td data-label={t('console.market.onShelf')} class="num">
                  {amount(s.onShelf)}
                </td>
                <td data-label={t('console.market.reserved')} class="num">
                  {amount(s.reserved)}
                </td>
                <td data-label={t('console.market.handedOut')} class="num">
                  {amount(s.handedOut)}
                  <div class="muted">{t('console.market.byRedemptions', { value: amount(s.rows.handedOut) })}</div>
                </td>
                <td data-label={t('console.market.writtenOffUnits')} class="num">
                  {amount(s.writtenOff)}
                </td>
                <td data-label={t('console.market.pointsReceived')} class="num">
                  {amount(s.pointsReceived)}
                  <div class="muted">{t('console.market.byRedemptions', { value: amount(s.rows.points) })}</div>
                </td>
                <td data-label={t('console.market.pointsReserved')} class="num">
                  {amount(s.pointsReserved)}
                  <div class="muted">{t('console.market.byRedemptions', { value: amount(s.rows.pointsReserved) })}</div>
                </td>
                <td data-label={t('console.market.matches')}>
                  {s.matches ? (
                    <span class="badge ok">{t('console.market.matchYes')}</span>
                  ) : (
                    <strong class="badge warn">{t('console.market.matchNo')}</strong>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t('console.market.pending')}</h2>
      {waiting.refusal ? <Notice kind="error">{waiting.refusal.message}</Notice> : null}
      {waiting.list.length === 0 ? (
        <p class="muted">{t('list.empty')}</p>
      ) : (
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">{t('console.market.reward')}</th>
              <th scope="col">{t('console.handover.member')}</th>
              <th scope="col" class="num">
                {t('console.market.quantity')}
              </th>
              <th scope="col" class="num">
                {t('console.handover.points')}
              </th>
              <th scope="col">{t('console.handover.expires')}</th>
              <th scope="col">{t('console.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {waiting.list.map((r) => (
              <tr>
                <td data-label={t('console.market.reward')}>{rewardName.get(r.rewardId) ?? r.rewardId}</td>
                <td data-label={t('console.handover.member')}>{r.memberName === null ? r.memberId : `${r.memberName} (${r.memberId})`}</td>
                <td data-label={t('console.market.quantity')} class="num">
                  {amount(r.quantity)}
                </td>
                <td data-label={t('console.handover.points')} class="num">
                  {t('amount.points', { amount: amount(r.points) })}
                </td>
                <td data-label={t('console.handover.expires')}>{r.expiresAt ? dateTime(r.expiresAt) : '—'}</td>
                <td data-label={t('console.actions')}>
                  <a href={`/staff/market/handover?code=${encodeURIComponent(redemptionCode(r.id))}`}>{t('console.handover.open')}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>,
  )
}

export function marketPages(web: WebApp): void {
  web.get('/staff/market', async (c) => {
    await requireStaff(c)
    return market(c)
  })

  web.post('/staff/market/rewards', async (c) => {
    await requireStaff(c)
    const body = await c.req.parseBody()
    const form: RewardForm = {
      id: text(body.id) || formId('rw'),
      name: text(body.name),
      description: text(body.description),
      price: text(body.price),
      pickupDays: text(body.pickupDays),
    }
    // A day count is a number in the API's body: anything else is sent as written, for the API to refuse.
    const pickupDays = /^\d{1,6}$/.test(form.pickupDays) ? Number(form.pickupDays) : form.pickupDays
    const res = await c.var.api.v1.rewards.$post({
      json: {
        id: form.id,
        name: form.name,
        price: form.price,
        ...(form.description ? { description: form.description } : {}),
        ...(form.pickupDays ? { pickupDays: pickupDays as number } : {}),
      },
    })
    return afterForm(
      c,
      res,
      (error) => market(c, { error, form }),
      () => c.redirect('/staff/market?done=added', 303),
    )
  })

  for (const [path, done] of [
    ['restocks', 'restocked'],
    ['write-offs', 'writtenOff'],
  ] as const) {
    web.post(`/staff/market/rewards/:rewardId/${path}`, async (c) => {
      await requireStaff(c)
      const body = await c.req.parseBody()
      const input = {
        param: { rewardId: c.req.param('rewardId') },
        json: { id: text(body.id) || formId('mv'), quantity: text(body.quantity), reason: text(body.reason) },
      }
      const reward = c.var.api.v1.rewards[':rewardId']
      const res = await (path === 'restocks' ? reward.restocks.$post(input) : reward['write-offs'].$post(input))
      return afterForm(
        c,
        res,
        (error) => market(c, { error }),
        () => c.redirect(`/staff/market?done=${done}`, 303),
      )
    })
  }
}
