/**
 * Handing a reward over at the desk by scanning the member's code. The member's phone shows their
 * redemption as a QR code of `R:<redemptionId>`; a USB scanner types it into the one input here and
 * presses Enter. The page then shows the redemption (the member's name masked, the reward, units
 * and points) with a button that hands it over (the API posts the points and the units together)
 * or cancels it. A bare redemption id, typed by hand, works too.
 */
import type { Context } from 'hono'
import { type ApiRefusal, ok } from '../../api.js'
import { requireStaff } from '../../access.js'
import type { WebApp, WebEnv } from '../../env.js'
import { Csrf, Notice, Page } from '../../layout.js'
import { refusalOf, text } from '../form.js'
import { Done, Refused, afterForm } from './shared.js'

type Ctx = Context<WebEnv>

const PREFIX = /^R:/i

/** The code a member's phone shows for a redemption. */
export const redemptionCode = (redemptionId: string): string => `R:${redemptionId}`

/** The redemption id a scanned (or typed) code names: `R:<id>` or the bare id; null when there is none. */
export function redemptionIdOf(code: string): string | null {
  const id = code.trim().replace(PREFIX, '').trim()
  return id === '' ? null : id
}

const NOTES = { handed: 'console.handover.handed', cancelled: 'console.handover.cancelled' } as const

interface Found {
  id: string
  rewardId: string
  memberId: string
  quantity: string
  price: string
  points: string
  status: 'reserving' | 'reserved' | 'handed_over' | 'cancelled' | 'expired' | 'refused'
  expiresAt: string | null
  reason: string | null
}

async function handoverPage(c: Ctx, view: { code?: string; error?: ApiRefusal } = {}): Promise<Response> {
  const { t, amount, dateTime } = c.var.words
  const code = view.code ?? c.req.query('code') ?? ''
  const id = redemptionIdOf(code)
  let found: { redemption: Found; reward: string; member: string } | undefined
  let lookup: ApiRefusal | undefined
  if (id !== null) {
    // The desk's screen may face the queue: the member's name masked.
    const res = await c.var.api.v1['reward-redemptions'][':redemptionId'].$get({ param: { redemptionId: id }, query: { view: 'masked' } })
    if (res.ok) {
      const redemption = await res.json()
      const reward = await ok(c.var.api.v1.rewards[':rewardId'].$get({ param: { rewardId: redemption.rewardId } }))
      found = { redemption, reward: reward.name, member: redemption.memberName ?? redemption.memberId }
    } else {
      lookup = await refusalOf(res)
      if (lookup.status === 401 || lookup.status >= 500) throw lookup
      // A code that names no redemption the reader may see (or no redemption id at all) is unknown here.
      if (view.error === undefined) c.status(lookup.status === 403 ? 403 : 404)
    }
  }
  const r = found?.redemption
  const path = r ? `/staff/market/handover/${encodeURIComponent(r.id)}` : ''
  return c.html(
    <Page c={c} title={t('console.handover.title')}>
      <Done c={c} notes={NOTES} />
      <Refused refusal={view.error} />
      {lookup && lookup.status !== 403 ? (
        <Notice kind="error">{t('console.handover.unknown', { code })}</Notice>
      ) : (
        <Refused refusal={lookup} />
      )}
      <form method="post" action="/staff/market/handover" class="stack">
        <Csrf c={c} />
        <label>
          {t('console.handover.code')}
          <input
            name="code"
            required
            autocomplete="off"
            autocapitalize="none"
            spellcheck={false}
            autofocus={!r || r.status !== 'reserved'}
          />
        </label>
        <button type="submit" class="secondary">
          {t('console.handover.find')}
        </button>
      </form>
      {found && r ? (
        <section aria-labelledby="redemption" class="card">
          <h2 id="redemption">{found.reward}</h2>
          <dl class="facts">
            <dt>{t('console.handover.member')}</dt>
            <dd>{found.member}</dd>
            <dt>{t('console.market.quantity')}</dt>
            <dd>{amount(r.quantity)}</dd>
            <dt>{t('console.handover.points')}</dt>
            <dd>{t('amount.points', { amount: amount(r.points) })}</dd>
            <dt>{t('console.handover.status')}</dt>
            <dd>
              <strong>{t(`console.redemption.status.${r.status}`)}</strong>
            </dd>
            {r.expiresAt ? (
              <>
                <dt>{t('console.handover.expires')}</dt>
                <dd>{dateTime(r.expiresAt)}</dd>
              </>
            ) : null}
            <dt>{t('console.handover.id')}</dt>
            <dd>{r.id}</dd>
          </dl>
          {r.status === 'reserved' ? (
            <>
              <form method="post" action={`${path}/hand-over`} class="inline">
                <Csrf c={c} />
                <button type="submit" autofocus>
                  {t('console.handover.submit')}
                </button>
              </form>
              <details>
                <summary>{t('console.handover.cancel')}</summary>
                <form method="post" action={`${path}/cancel`} class="stack">
                  <Csrf c={c} />
                  <label>
                    {t('console.reason')} ({t('form.optional')})
                    <input name="reason" maxlength={2000} />
                  </label>
                  <button type="submit" class="secondary">
                    {t('console.handover.cancelSubmit')}
                  </button>
                </form>
              </details>
            </>
          ) : null}
        </section>
      ) : null}
    </Page>,
  )
}

export function handoverPages(web: WebApp): void {
  web.get('/staff/market/handover', async (c) => {
    await requireStaff(c)
    return handoverPage(c)
  })

  // The scanner's Enter posts the code; the redemption is then shown at an address that can be reloaded.
  web.post('/staff/market/handover', async (c) => {
    await requireStaff(c)
    const code = text((await c.req.parseBody()).code)
    return c.redirect(`/staff/market/handover?code=${encodeURIComponent(code)}`, 303)
  })

  web.post('/staff/market/handover/:redemptionId/hand-over', async (c) => {
    await requireStaff(c)
    const redemptionId = c.req.param('redemptionId')
    const res = await c.var.api.v1['reward-redemptions'][':redemptionId']['hand-over'].$post({ param: { redemptionId } })
    return afterForm(
      c,
      res,
      (error) => handoverPage(c, { code: redemptionCode(redemptionId), error }),
      () => c.redirect(`/staff/market/handover?code=${encodeURIComponent(redemptionCode(redemptionId))}&done=handed`, 303),
    )
  })

  web.post('/staff/market/handover/:redemptionId/cancel', async (c) => {
    await requireStaff(c)
    const redemptionId = c.req.param('redemptionId')
    const reason = text((await c.req.parseBody()).reason)
    const res = await c.var.api.v1['reward-redemptions'][':redemptionId'].cancel.$post({
      param: { redemptionId },
      json: reason ? { reason } : {},
    })
    return afterForm(
      c,
      res,
      (error) => handoverPage(c, { code: redemptionCode(redemptionId), error }),
      () => c.redirect(`/staff/market/handover?code=${encodeURIComponent(redemptionCode(redemptionId))}&done=cancelled`, 303),
    )
  })
}
