/**
 * `/me/orders` (居民点单): the community's service catalogue, ordering one, and the resident's own
 * orders, those under way first: confirm the work once it is done or dispute it, or call the order
 * off before then. Who may take which step at which moment the API decides; the buttons offered
 * follow the order's status only to keep the page short.
 */
import type { Child } from 'hono/jsx'
import { ok } from '../../api.js'
import { requireMember } from '../../access.js'
import type { WebApp } from '../../env.js'
import type { MessageKey } from '../../i18n/catalogue.js'
import { Csrf, Page } from '../../layout.js'
import { text } from '../form.js'
import { Act, type C, Shown, doneNotice, hours, newId, refused, seg, statusWord } from './kit.js'

const STATUS: Record<string, MessageKey> = {
  ordered: 'me.orders.status.ordered',
  dispatched: 'me.orders.status.dispatched',
  accepting: 'me.orders.status.accepted',
  accepted: 'me.orders.status.accepted',
  completed: 'me.orders.status.completed',
  disputed: 'me.orders.status.disputed',
  settling: 'me.orders.status.settling',
  confirmed: 'me.orders.status.confirmed',
  resolved: 'me.orders.status.resolved',
  cancelled: 'me.orders.status.cancelled',
  expired: 'me.orders.status.expired',
}
/** Orders that are over: listed after those under way. */
const OVER = new Set(['confirmed', 'resolved', 'cancelled', 'expired'])
/** Before the work is done the resident may call it off. */
const CANCELLABLE = new Set(['ordered', 'dispatched', 'accepted'])

const DONE: Record<string, MessageKey> = {
  ordered: 'me.orders.done.ordered',
  confirmed: 'me.orders.done.confirmed',
  disputed: 'me.orders.done.disputed',
  cancelled: 'me.orders.done.cancelled',
}

type Order = { id: string; serviceId: string; status: string; hours: string; createdAt: string; note: string | null }

const path = (orderId: string, step: string) => `/me/orders/${encodeURIComponent(orderId)}/${step}`

function ReasonField({ label }: { label: string }): Child {
  return (
    <label>
      {label}
      <textarea name="reason" rows={2} required maxlength={2000} />
    </label>
  )
}

async function ordersPage(c: C, notice?: Shown) {
  await requireMember(c)
  const { t } = c.var.words
  const after = c.req.query('after')
  const [catalogue, mine] = await Promise.all([
    ok(c.var.api.v1.services.$get({ query: { active: 'true' } })),
    ok(c.var.api.v1.orders.$get({ query: after ? { after } : {} })),
  ])
  const names = new Map(catalogue.services.map((s) => [s.id, s.name]))
  const ordered = [...mine.orders.filter((o) => !OVER.has(o.status)), ...mine.orders.filter((o) => OVER.has(o.status))]
  const OrderCard = ({ o }: { o: Order }) => (
    <li class="card">
      <h3>{names.get(o.serviceId) ?? o.serviceId}</h3>
      <p>
        <span class="badge">{statusWord(c, STATUS, o.status)}</span>
      </p>
      <p class="muted">
        {t('me.orders.placed', { date: c.var.words.date(o.createdAt) })} · {hours(c, o.hours)}
      </p>
      {o.note ? <p>{o.note}</p> : null}
      {o.status === 'completed' ? (
        <>
          <Act c={c} action={path(o.id, 'confirm')} label={t('me.orders.confirm')} />
          <details>
            <summary>{t('me.orders.disputeOpen')}</summary>
            <Act c={c} action={path(o.id, 'dispute')} label={t('me.orders.dispute')} secondary>
              <ReasonField label={t('me.orders.disputeWhy')} />
            </Act>
          </details>
        </>
      ) : null}
      {CANCELLABLE.has(o.status) ? (
        <details>
          <summary>{t('me.orders.cancelOpen')}</summary>
          <Act c={c} action={path(o.id, 'cancel')} label={t('me.orders.cancel')} secondary>
            <ReasonField label={t('me.orders.cancelWhy')} />
          </Act>
        </details>
      ) : null}
    </li>
  )
  return c.html(
    <Page c={c} title={t('me.orders.title')}>
      <Shown notice={notice ?? doneNotice(c, DONE)} />
      <h2>{t('me.orders.catalogue')}</h2>
      {catalogue.services.length === 0 ? (
        <p>{t('list.empty')}</p>
      ) : (
        <ul class="me-cards">
          {catalogue.services.map((s) => (
            <li class="card">
              <h3>{s.name}</h3>
              {s.description ? <p>{s.description}</p> : null}
              <p class="muted">{t('me.orders.takes', { hours: hours(c, s.hours) })}</p>
              <form method="post" action="/me/orders" class="act">
                <Csrf c={c} />
                <input type="hidden" name="id" value={newId('o')} />
                <input type="hidden" name="serviceId" value={s.id} />
                <label>
                  {t('me.orders.note')}
                  <input name="note" maxlength={500} />
                </label>
                <button type="submit">{t('me.orders.order')}</button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <h2>{t('me.orders.mine')}</h2>
      {ordered.length === 0 ? (
        <p>{t('list.empty')}</p>
      ) : (
        <ul class="me-cards">
          {ordered.map((o) => (
            <OrderCard o={o} />
          ))}
        </ul>
      )}
      {mine.nextAfter ? (
        <p>
          <a class="button secondary" href={`/me/orders?${new URLSearchParams({ after: mine.nextAfter }).toString()}`}>
            {t('list.next')}
          </a>
        </p>
      ) : null}
    </Page>,
  )
}

export function orderPages(web: WebApp): void {
  web.get('/me/orders', (c) => ordersPage(c))

  web.post('/me/orders', async (c) => {
    await requireMember(c)
    const form = await c.req.parseBody()
    const note = text(form.note)
    const res = await c.var.api.v1.orders.$post({
      json: { id: text(form.id), serviceId: text(form.serviceId), ...(note ? { note } : {}) },
    })
    if (!res.ok) return refused(c, res, (notice) => ordersPage(c, notice))
    return c.redirect('/me/orders?done=ordered', 303)
  })

  web.post('/me/orders/:orderId/:step{confirm|dispute|cancel}', async (c) => {
    await requireMember(c)
    const form = await c.req.parseBody()
    const param = { orderId: seg(c.req.param('orderId')) }
    const order = c.var.api.v1.orders[':orderId']
    const reason = text(form.reason)
    const step = c.req.param('step')
    const res =
      step === 'confirm'
        ? await order.confirm.$post({ param })
        : step === 'dispute'
          ? await order.dispute.$post({ param, json: { reason } })
          : await order.cancel.$post({ param, json: { reason } })
    if (!res.ok) return refused(c, res, (notice) => ordersPage(c, notice))
    return c.redirect(`/me/orders?done=${step === 'confirm' ? 'confirmed' : step === 'dispute' ? 'disputed' : 'cancelled'}`, 303)
  })
}
