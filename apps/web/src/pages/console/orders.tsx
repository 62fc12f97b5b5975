/**
 * The orders board (居民点单、社区下单、单位接单): orders by status (a grid-limited reader sees their
 * residents', as the API answers), dispatching an order to a partner organisation or a volunteer,
 * confirming completed work, settling a dispute (all, part or nothing), cancelling; and the service
 * catalogue with its agreed hours.
 */
import type { Context } from 'hono'
import { type ApiRefusal, isApiRefusal, ok } from '../../api.js'
import { requireStaff } from '../../access.js'
import type { WebApp, WebEnv } from '../../env.js'
import { Csrf, Page } from '../../layout.js'
import { text } from '../form.js'
import { Done, Refused, afterForm, backTo, formId, here, withDone } from './shared.js'

type Ctx = Context<WebEnv>

/** Open orders, each its own section, in the order an order moves. */
const OPEN = ['ordered', 'dispatched', 'accepting', 'accepted', 'completed', 'disputed', 'settling'] as const
/** Orders that are over, folded away below. */
const FINAL = ['confirmed', 'resolved', 'cancelled', 'expired'] as const
type OrderStatus = (typeof OPEN)[number] | (typeof FINAL)[number]
const DISPATCHABLE: readonly OrderStatus[] = ['ordered', 'dispatched']
const CANCELLABLE: readonly OrderStatus[] = ['ordered', 'dispatched', 'accepted', 'completed']

interface OrderView {
  id: string
  serviceId: string
  residentId: string
  resident: { name: string; phone: string | null; gridId: string | null }
  hours: string
  payer: 'resident' | 'pool'
  provider: { type: 'member' | 'organisation'; id: string } | null
  /** A volunteer provider's name, as the API lets this user see it. */
  providerName: string | null
  status: OrderStatus
  statusSince: string
  deadlineAt: string | null
  settledHours: string | null
  note: string | null
  reason: string | null
}

const ORDER_NOTES = {
  dispatched: 'console.orders.dispatched',
  confirmed: 'console.orders.confirmed',
  resolved: 'console.orders.resolved',
  cancelled: 'console.orders.cancelled',
} as const

async function servicesOf(c: Ctx) {
  const page = await ok(c.var.api.v1.services.$get({ query: {} }))
  return page.services
}

/** Partner organisations and teams to dispatch to; none when the reader may not list them (the API decides). */
async function providers(c: Ctx): Promise<{ id: string; name: string }[]> {
  try {
    const page = await ok(c.var.api.v1.organisations.$get({ query: { limit: '1000' } }))
    return page.organisations.filter((o) => o.status === 'active').map((o) => ({ id: o.id, name: o.name }))
  } catch (e) {
    if (isApiRefusal(e) && e.status === 403) return []
    throw e
  }
}

async function ordersBoard(c: Ctx, error?: ApiRefusal): Promise<Response> {
  const { t, amount, dateTime, count } = c.var.words
  const statuses = [...OPEN, ...FINAL]
  const [services, orgs, pages] = await Promise.all([
    servicesOf(c),
    providers(c),
    Promise.all(statuses.map((status) => ok(c.var.api.v1.orders.$get({ query: { status } })))),
  ])
  const serviceName = new Map(services.map((s) => [s.id, s.name]))
  const byStatus = new Map(statuses.map((s, i) => [s, { orders: pages[i]?.orders ?? [], more: pages[i]?.nextAfter != null }]))
  const back = here(c)
  const orgName = new Map(orgs.map((o) => [o.id, o.name]))

  const Actions = ({ order }: { order: OrderView }) => {
    const path = `/staff/orders/${encodeURIComponent(order.id)}`
    return (
      <>
        {DISPATCHABLE.includes(order.status) ? (
          <details>
            <summary>{t('console.orders.dispatch')}</summary>
            <form method="post" action={`${path}/dispatch`} class="stack">
              <Csrf c={c} />
              <input type="hidden" name="back" value={back} />
              <label>
                {t('console.orders.provider')}
                <select name="provider">
                  {orgs.map((o) => (
                    <option value={`organisation:${o.id}`}>{o.name}</option>
                  ))}
                  <option value="member">{t('console.orders.toVolunteer')}</option>
                </select>
              </label>
              <label>
                {t('console.orders.volunteerId')}
                <input name="volunteerId" autocomplete="off" />
              </label>
              <button type="submit">{t('console.orders.dispatchSubmit')}</button>
            </form>
          </details>
        ) : null}
        {order.status === 'completed' ? (
          <form method="post" action={`${path}/confirm`} class="inline">
            <Csrf c={c} />
            <input type="hidden" name="back" value={back} />
            <button type="submit">{t('console.orders.confirm')}</button>
          </form>
        ) : null}
        {order.status === 'disputed' ? (
          <details open>
            <summary>{t('console.orders.resolve')}</summary>
            <form method="post" action={`${path}/resolve`} class="stack">
              <Csrf c={c} />
              <input type="hidden" name="back" value={back} />
              <label>
                {t('console.orders.outcome')}
                <select name="outcome">
                  <option value="post">{t('console.orders.outcome.post', { hours: amount(order.hours) })}</option>
                  <option value="part">{t('console.orders.outcome.part')}</option>
                  <option value="void">{t('console.orders.outcome.void')}</option>
                </select>
              </label>
              <label>
                {t('console.orders.partHours')}
                <input name="hours" inputmode="decimal" autocomplete="off" />
              </label>
              <label>
                {t('console.reason')}
                <input name="reason" required maxlength={2000} />
              </label>
              <button type="submit">{t('console.orders.resolveSubmit')}</button>
            </form>
          </details>
        ) : null}
        {CANCELLABLE.includes(order.status) ? (
          <details>
            <summary>{t('console.orders.cancel')}</summary>
            <form method="post" action={`${path}/cancel`} class="stack">
              <Csrf c={c} />
              <input type="hidden" name="back" value={back} />
              <label>
                {t('console.reason')}
                <input name="reason" required maxlength={2000} />
              </label>
              <button type="submit" class="secondary">
                {t('console.orders.cancelSubmit')}
              </button>
            </form>
          </details>
        ) : null}
      </>
    )
  }

  const Table = ({ orders }: { orders: OrderView[] }) =>
    orders.length === 0 ? (
      <p class="muted">{t('list.empty')}</p>
    ) : (
      <table class="responsive">
        <thead>
          <tr>
            <th scope="col">{t('console.orders.order')}</th>
            <th scope="col">{t('console.orders.resident')}</th>
            <th scope="col" class="num">
              {t('console.orders.hours')}
            </th>
            <th scope="col">{t('console.orders.provider')}</th>
            <th scope="col">{t('console.orders.since')}</th>
            <th scope="col">{t('console.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {orders.map((o) => (
            <tr>
              <td data-label={t('console.orders.order')}>
                <strong>{serviceName.get(o.serviceId) ?? o.serviceId}</strong>
                <div class="muted">{o.id}</div>
                {o.note ? <div>{t('console.orders.note', { note: o.note })}</div> : null}
                {o.reason ? <div>{t('console.wishes.reason', { reason: o.reason })}</div> : null}
              </td>
              <td data-label={t('console.orders.resident')}>
                {o.resident.name}
                {o.resident.phone ? <div class="muted">{o.resident.phone}</div> : null}
                {o.resident.gridId ? <div class="muted">{o.resident.gridId}</div> : null}
              </td>
              <td data-label={t('console.orders.hours')} class="num">
                {t('amount.hours', { amount: amount(o.hours) })}
                {o.payer === 'pool' ? <div class="muted">{t('console.orders.payer.pool')}</div> : null}
                {o.settledHours !== null ? <div class="muted">{t('console.orders.settled', { hours: amount(o.settledHours) })}</div> : null}
              </td>
              <td data-label={t('console.orders.provider')}>
                {o.provider === null
                  ? '—'
                  : o.provider.type === 'organisation'
                    ? (orgName.get(o.provider.id) ?? o.provider.id)
                    : t('console.orders.volunteer', {
                        id: o.providerName === null ? o.provider.id : `${o.providerName} (${o.provider.id})`,
                      })}
              </td>
              <td data-label={t('console.orders.since')}>
                {dateTime(o.statusSince)}
                {o.deadlineAt ? <div class="muted">{t('console.orders.deadline', { at: dateTime(o.deadlineAt) })}</div> : null}
              </td>
              <td data-label={t('console.actions')}>
                <Actions order={o} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    )

  const Section = ({ status }: { status: OrderStatus }) => {
    const found = byStatus.get(status) ?? { orders: [], more: false }
    return (
      <section aria-labelledby={`orders-${status}`}>
        <h2 id={`orders-${status}`}>
          {t(`console.order.status.${status}`)} <span class="badge">{count(found.orders.length)}</span>
        </h2>
        <Table orders={found.orders} />
        {found.more ? <p class="muted">{t('console.more', { count: found.orders.length })}</p> : null}
      </section>
    )
  }

  return c.html(
    <Page c={c} title={t('console.orders.title')}>
      <Done c={c} notes={ORDER_NOTES} />
      <Refused refusal={error} />
      <p>
        <a href="/staff/services">{t('console.services.title')}</a>
      </p>
      {OPEN.map((status) => (
        <Section status={status} />
      ))}
      <details>
        <summary>{t('console.orders.finished')}</summary>
        {FINAL.map((status) => (
          <Section status={status} />
        ))}
      </details>
    </Page>,
  )
}

interface ServiceForm {
  id: string
  name: string
  description: string
  hours: string
}

async function servicesPage(c: Ctx, view: { error?: ApiRefusal; form?: ServiceForm } = {}): Promise<Response> {
  const { t, amount } = c.var.words
  const services = await servicesOf(c)
  const form = view.form ?? { id: formId('s'), name: '', description: '', hours: '' }
  return c.html(
    <Page c={c} title={t('console.services.title')}>
      <Done c={c} notes={{ added: 'console.services.added' }} />
      <Refused refusal={view.error} />
      {services.length === 0 ? (
        <p class="muted">{t('list.empty')}</p>
      ) : (
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">{t('console.services.name')}</th>
              <th scope="col" class="num">
                {t('console.services.hours')}
              </th>
              <th scope="col">{t('console.services.active')}</th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr>
                <td data-label={t('console.services.name')}>
                  <strong>{s.name}</strong>
                  {s.description ? <div class="muted">{s.description}</div> : null}
                </td>
                <td data-label={t('console.services.hours')} class="num">
                  {t('amount.hours', { amount: amount(s.hours) })}
                </td>
                <td data-label={t('console.services.active')}>{s.active ? t('console.yes') : t('console.no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t('console.services.add')}</h2>
      <form method="post" action="/staff/services" class="stack">
        <Csrf c={c} />
        <input type="hidden" name="id" value={form.id} />
        <label>
          {t('console.services.name')}
          <input name="name" required maxlength={200} value={form.name} />
        </label>
        <label>
          {t('console.services.description')} ({t('form.optional')})
          <textarea name="description" maxlength={2000} rows={2}>
            {form.description}
          </textarea>
        </label>
        <label>
          {t('console.services.hoursField')}
          <input name="hours" required inputmode="decimal" value={form.hours} />
        </label>
        <button type="submit">{t('console.services.addSubmit')}</button>
      </form>
    </Page>,
  )
}

/** The provider a dispatch form names: a partner organisation, or a volunteer by member id. */
function providerOf(choice: string, volunteerId: string): { type: 'member' | 'organisation'; id: string } {
  return choice.startsWith('organisation:')
    ? { type: 'organisation', id: choice.slice('organisation:'.length) }
    : { type: 'member', id: volunteerId }
}

export function orderPages(web: WebApp): void {
  web.get('/staff/orders', async (c) => {
    await requireStaff(c)
    return ordersBoard(c)
  })

  const step = (
    name: 'dispatch' | 'confirm' | 'resolve' | 'cancel',
    done: keyof typeof ORDER_NOTES,
    call: (c: Ctx, orderId: string, body: Record<string, unknown>) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>,
  ) =>
    web.post(`/staff/orders/:orderId/${name}`, async (c) => {
      await requireStaff(c)
      const body = await c.req.parseBody()
      const res = await call(c, c.req.param('orderId'), body)
      return afterForm(
        c,
        res,
        (error) => ordersBoard(c, error),
        () => c.redirect(withDone(backTo(body.back, '/staff/orders'), done), 303),
      )
    })

  step('dispatch', 'dispatched', (c, orderId, body) =>
    c.var.api.v1.orders[':orderId'].dispatch.$post({
      param: { orderId },
      json: { provider: providerOf(text(body.provider), text(body.volunteerId)) },
    }),
  )
  step('confirm', 'confirmed', (c, orderId) => c.var.api.v1.orders[':orderId'].confirm.$post({ param: { orderId } }))
  step('resolve', 'resolved', (c, orderId, body) => {
    const outcome = text(body.outcome)
    const hours = text(body.hours)
    return c.var.api.v1.orders[':orderId'].resolve.$post({
      param: { orderId },
      json: {
        outcome: outcome as 'post' | 'part' | 'void',
        reason: text(body.reason),
        ...(outcome === 'part' || hours !== '' ? { hours } : {}),
      },
    })
  })
  step('cancel', 'cancelled', (c, orderId, body) =>
    c.var.api.v1.orders[':orderId'].cancel.$post({ param: { orderId }, json: { reason: text(body.reason) } }),
  )

  web.get('/staff/services', async (c) => {
    await requireStaff(c)
    return servicesPage(c)
  })

  web.post('/staff/services', async (c) => {
    await requireStaff(c)
    const body = await c.req.parseBody()
    const form: ServiceForm = {
      id: text(body.id) || formId('s'),
      name: text(body.name),
      description: text(body.description),
      hours: text(body.hours),
    }
    const res = await c.var.api.v1.services.$post({
      json: { id: form.id, name: form.name, hours: form.hours, ...(form.description ? { description: form.description } : {}) },
    })
    return afterForm(
      c,
      res,
      (error) => servicesPage(c, { error, form }),
      () => c.redirect('/staff/services?done=added', 303),
    )
  })
}
