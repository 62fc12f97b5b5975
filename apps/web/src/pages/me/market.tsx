/**
 * `/me/market` (积分超市): the rewards on the catalogue with their price, redeeming one (the API
 * holds the points and the units, or says why not: too few points, none left, the community's
 * lifetime minimum or how often one may redeem), the resident's redemptions, and for one waiting to be
 * picked up its pickup code page: a QR code of `R:<redemptionId>` (the format the staff desk scans)
 * and the same code written out.
 */
import QRCode from 'qrcode'
import { ok } from '../../api.js'
import { requireMember } from '../../access.js'
import type { WebApp } from '../../env.js'
import type { MessageKey } from '../../i18n/catalogue.js'
import { Csrf, Page } from '../../layout.js'
import { text } from '../form.js'
import { Act, type C, Shown, doneNotice, newId, points, refused, seg, statusWord } from './kit.js'

const STATUS: Record<string, MessageKey> = {
  reserving: 'me.market.status.reserving',
  reserved: 'me.market.status.reserved',
  handed_over: 'me.market.status.handedOver',
  cancelled: 'me.market.status.cancelled',
  expired: 'me.market.status.expired',
  refused: 'me.market.status.refused',
}

const DONE: Record<string, MessageKey> = {
  reserved: 'me.market.done.reserved',
  cancelled: 'me.market.done.cancelled',
}

/** What the staff desk's scanner reads: agreed with the desk's page. */
export const pickupCode = (redemptionId: string): string => `R:${redemptionId}`

const LIST_SIZE = '50'

const redemptionPath = (id: string) => `/me/market/redemptions/${encodeURIComponent(id)}`

async function marketPage(c: C, notice?: Shown) {
  const me = await requireMember(c)
  const { t } = c.var.words
  const api = c.var.api.v1
  const [catalogue, mine, { accounts }] = await Promise.all([
    ok(api.rewards.$get({ query: { limit: '100' } })),
    ok(api['reward-redemptions'].$get({ query: { memberId: me.memberId, limit: LIST_SIZE } })),
    ok(api.accounts.$get({ query: {} })),
  ])
  const pointAccount = accounts.find((a) => a.asset === 'POINT')
  const balance = pointAccount
    ? await ok(api.accounts[':accountId'].balance.$get({ param: { accountId: seg(pointAccount.id) }, query: {} }))
    : undefined
  const names = new Map(catalogue.rewards.map((r) => [r.id, r.name]))
  return c.html(
    <Page c={c} title={t('me.market.title')}>
      <Shown notice={notice ?? doneNotice(c, DONE)} />
      <p class="lead">{t('me.market.have', { points: points(c, balance?.available ?? '0') })}</p>
      <h2>{t('me.market.rewards')}</h2>
      {catalogue.rewards.length === 0 ? (
        <p>{t('list.empty')}</p>
      ) : (
        <ul class="me-cards">
          {catalogue.rewards.map((r) => (
            <li class="card">
              <h3>{r.name}</h3>
              {r.description ? <p>{r.description}</p> : null}
              <p class="figure">{t('me.market.price', { points: points(c, r.price) })}</p>
              {r.pickupDays !== null ? <p class="muted">{t('me.market.pickupDays', { days: r.pickupDays })}</p> : null}
              <p>
                <span class="badge">{t(r.inStock ? 'me.market.inStock' : 'me.market.soldOut')}</span>
              </p>
              {r.inStock ? (
                <form method="post" action="/me/market/redeem" class="act">
                  <Csrf c={c} />
                  <input type="hidden" name="id" value={newId('rd')} />
                  <input type="hidden" name="rewardId" value={r.id} />
                  <label>
                    {t('me.market.quantity')}
                    <input name="quantity" type="number" min={1} step={1} value="1" inputmode="numeric" />
                  </label>
                  <button type="submit">{t('me.market.redeem')}</button>
                </form>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <h2>{t('me.market.mine')}</h2>
      {mine.redemptions.length === 0 ? (
        <p>{t('list.empty')}</p>
      ) : (
        <ul class="me-cards">
          {mine.redemptions.map((r) => (
            <li class="card">
              <h3>{names.get(r.rewardId) ?? r.rewardId}</h3>
              <p>
                <span class="badge">{statusWord(c, STATUS, r.status)}</span>
              </p>
              <p class="muted">
                {t('me.market.line', { quantity: r.quantity, points: points(c, r.points), date: c.var.words.date(r.createdAt) })}
              </p>
              {r.status === 'reserved' ? (
                <p>
                  <a class="button big" href={redemptionPath(r.id)}>
                    {t('me.market.showCode')}
                  </a>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Page>,
  )
}

async function redemptionPage(c: C, notice?: Shown) {
  await requireMember(c)
  const { t } = c.var.words
  const api = c.var.api.v1
  // The API answers only the member's own redemption; any other id is its 404.
  const r = await ok(
    api['reward-redemptions'][':redemptionId'].$get({ param: { redemptionId: seg(c.req.param('redemptionId') ?? '') }, query: {} }),
  )
  const reward = await api.rewards[':rewardId'].$get({ param: { rewardId: seg(r.rewardId) } })
  const name = reward.ok ? (await reward.json()).name : r.rewardId
  const code = pickupCode(r.id)
  // The only markup not written here: the QR code's SVG, drawn by `qrcode` from the code (an id the API gave).
  const svg = r.status === 'reserved' ? await QRCode.toString(code, { type: 'svg', margin: 2 }) : null
  return c.html(
    <Page c={c} title={t('me.market.codeTitle')}>
      <Shown notice={notice ?? doneNotice(c, DONE)} />
      <h2>{name}</h2>
      <p>
        <span class="badge">{statusWord(c, STATUS, r.status)}</span>
      </p>
      <p>{t('me.market.line', { quantity: r.quantity, points: points(c, r.points), date: c.var.words.date(r.createdAt) })}</p>
      {svg ? (
        <>
          <p class="lead">{t('me.market.showStaff')}</p>
          <div class="qr pickup" role="img" aria-label={t('me.market.qrLabel')} dangerouslySetInnerHTML={{ __html: svg }} />
          <p class="code-text">{code}</p>
          {r.expiresAt ? <p>{t('me.market.pickupBy', { date: c.var.words.date(r.expiresAt) })}</p> : null}
          <Act c={c} action={`${redemptionPath(r.id)}/cancel`} label={t('me.market.cancel')} secondary />
        </>
      ) : null}
      <p>
        <a href="/me/market">{t('me.market.back')}</a>
      </p>
    </Page>,
  )
}

export function marketPages(web: WebApp): void {
  web.get('/me/market', (c) => marketPage(c))
  web.get('/me/market/redemptions/:redemptionId', (c) => redemptionPage(c))

  web.post('/me/market/redeem', async (c) => {
    await requireMember(c)
    const form = await c.req.parseBody()
    const quantity = text(form.quantity)
    const res = await c.var.api.v1['reward-redemptions'].$post({
      json: { id: text(form.id), rewardId: text(form.rewardId), ...(quantity ? { quantity } : {}) },
    })
    if (!res.ok) return refused(c, res, (notice) => marketPage(c, notice))
    const made = await res.json()
    return c.redirect(`${redemptionPath(made.id)}?done=reserved`, 303)
  })

  web.post('/me/market/redemptions/:redemptionId/cancel', async (c) => {
    await requireMember(c)
    const res = await c.var.api.v1['reward-redemptions'][':redemptionId'].cancel.$post({
      param: { redemptionId: seg(c.req.param('redemptionId')) },
      json: {},
    })
    if (!res.ok) return refused(c, res, (notice) => redemptionPage(c, notice))
    return c.redirect('/me/market?done=cancelled', 303)
  })
}
