/**
 * The wishes board (微心愿): every wish by status, for the whole community or a grid's subtree (a
 * grid-limited reader sees theirs, as the API answers), the counts of a period, posting a wish on a
 * resident's behalf (optionally with a points reward from the pool or a partner unit), confirming a
 * fulfilled wish (the reward paid) and cancelling an open one.
 */
import type { Context } from 'hono'
import { type ApiRefusal, isApiRefusal, ok } from '../../api.js'
import { requireStaff } from '../../access.js'
import type { Me, WebApp, WebEnv } from '../../env.js'
import { Csrf, Page } from '../../layout.js'
import { text } from '../form.js'
import {
  Done,
  GridSelect,
  type GridOption,
  Refused,
  afterForm,
  backTo,
  formId,
  gridsOf,
  here,
  periodOf,
  query,
  withDone,
} from './shared.js'

type Ctx = Context<WebEnv>

/** The board's sections, in the order a wish moves; the transient steps are shown together. */
const SECTIONS = ['published', 'claimed', 'fulfilled', 'confirmed', 'cancelled', 'expired', 'refused'] as const
const WORKING = ['publishing', 'confirming', 'cancelling', 'expiring'] as const
type WishStatus = (typeof SECTIONS)[number] | (typeof WORKING)[number]
const OPEN: readonly WishStatus[] = ['published', 'claimed', 'fulfilled']
const COUNTS = ['posted', 'claimed', 'fulfilled', 'confirmed', 'cancelled', 'expired'] as const
/** Wishes shown per section. */
const PER_SECTION = '50'

interface WishView {
  id: string
  title: string
  description: string
  status: WishStatus
  gridId: string | null
  reward: { points: string; sponsor: { type: 'organisation' | 'pool'; id: string | null } } | null
  poster: { id: string; name: string; phone: string | null }
  claimant: { id: string; name: string } | null
  fulfilNote: string | null
  reason: string | null
  createdAt: string
}

interface PostForm {
  id: string
  posterId: string
  title: string
  description: string
  gridId: string
  points: string
  sponsor: string
}

interface BoardView {
  error?: ApiRefusal
  form?: PostForm
}

const NOTES = {
  posted: 'console.wishes.posted',
  confirmed: 'console.wishes.confirmed',
  cancelled: 'console.wishes.cancelled',
} as const

async function loadWishes(c: Ctx, status: WishStatus, gridId: string | undefined): Promise<{ wishes: WishView[]; more: boolean }> {
  const page = await ok(c.var.api.v1.wishes.$get({ query: { status, limit: PER_SECTION, ...(gridId ? { gridId } : {}) } }))
  return { wishes: page.wishes, more: page.nextCursor !== null }
}

/** Partner units that may sponsor a reward; none when the reader may not list them (the API decides). */
async function sponsors(c: Ctx): Promise<{ id: string; name: string }[]> {
  try {
    const page = await ok(c.var.api.v1.organisations.$get({ query: { kind: 'partner', limit: '1000' } }))
    return page.organisations.map((o) => ({ id: o.id, name: o.name }))
  } catch (e) {
    if (isApiRefusal(e) && e.status === 403) return []
    throw e
  }
}

async function board(c: Ctx, me: Me, view: BoardView = {}): Promise<Response> {
  const { t, count, amount, dateTime } = c.var.words
  const gridId = query(c, 'gridId')
  const period = await periodOf(c)
  const [grids, counts, sections, working, orgs] = await Promise.all([
    gridsOf(c, me),
    ok(c.var.api.v1.wishes.counts.$get({ query: { period, ...(gridId ? { gridId } : {}) } })),
    Promise.all(SECTIONS.map((s) => loadWishes(c, s, gridId))),
    Promise.all(WORKING.map((s) => loadWishes(c, s, gridId))),
    sponsors(c),
  ])
  const back = here(c)
  const form = view.form ?? { id: formId('w'), posterId: '', title: '', description: '', gridId: '', points: '', sponsor: 'pool' }
  const inProgress = working.flatMap((w) => w.wishes)

  const Actions = ({ wish }: { wish: WishView }) => (
    <>
      {wish.status === 'fulfilled' ? (
        <form method="post" action={`/staff/wishes/${encodeURIComponent(wish.id)}/confirm`} class="inline">
          <Csrf c={c} />
          <input type="hidden" name="back" value={back} />
          <button type="submit">{t('console.wishes.confirm')}</button>
        </form>
      ) : null}
      {OPEN.includes(wish.status) ? (
        <details>
          <summary>{t('console.wishes.cancel')}</summary>
          <form method="post" action={`/staff/wishes/${encodeURIComponent(wish.id)}/cancel`} class="stack">
            <Csrf c={c} />
            <input type="hidden" name="back" value={back} />
            <label>
              {t('console.reason')} ({t('form.optional')})
              <input name="reason" maxlength={2000} />
            </label>
            <button type="submit" class="secondary">
              {t('console.wishes.cancelSubmit')}
            </button>
          </form>
        </details>
      ) : null}
    </>
  )

  const Table = ({ wishes }: { wishes: WishView[] }) =>
    wishes.length === 0 ? (
      <p class="muted">{t('list.empty')}</p>
    ) : (
      <table class="responsive">
        <thead>
          <tr>
            <th scope="col">{t('console.wishes.wish')}</th>
            <th scope="col">{t('console.wishes.poster')}</th>
            <th scope="col">{t('console.wishes.claimant')}</th>
            <th scope="col" class="num">
              {t('console.wishes.reward')}
            </th>
            <th scope="col">{t('console.created')}</th>
            <th scope="col">{t('console.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {wishes.map((w) => (
            <tr>
              <td data-label={t('console.wishes.wish')}>
                <strong>{w.title}</strong>
                {w.description ? <div class="muted">{w.description}</div> : null}
                {w.fulfilNote ? <div>{t('console.wishes.note', { note: w.fulfilNote })}</div> : null}
                {w.reason ? <div>{t('console.wishes.reason', { reason: w.reason })}</div> : null}
                {(WORKING as readonly WishStatus[]).includes(w.status) ? (
                  <span class="badge">{t(`console.wish.status.${w.status}`)}</span>
                ) : null}
              </td>
              <td data-label={t('console.wishes.poster')}>
                {w.poster.name}
                {w.poster.phone ? <div class="muted">{w.poster.phone}</div> : null}
              </td>
              <td data-label={t('console.wishes.claimant')}>{w.claimant ? w.claimant.name : '—'}</td>
              <td data-label={t('console.wishes.reward')} class="num">
                {w.reward ? (
                  <>
                    {t('amount.points', { amount: amount(w.reward.points) })}
                    <div class="muted">
                      {w.reward.sponsor.type === 'pool'
                        ? t('console.wishes.sponsor.pool')
                        : t('console.wishes.sponsor.organisation', { id: w.reward.sponsor.id ?? '' })}
                    </div>
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td data-label={t('console.created')}>{dateTime(w.createdAt)}</td>
              <td data-label={t('console.actions')}>
                <Actions wish={w} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    )

  return c.html(
    <Page c={c} title={t('console.wishes.title')}>
      <Done c={c} notes={NOTES} />
      <Refused refusal={view.error} />
      <form method="get" action="/staff/wishes" class="filters">
        <GridSelect c={c} grids={grids} value={gridId} />
        <label>
          {t('console.filter.period')}
          <input name="period" value={period} pattern="\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?" />
        </label>
        <button type="submit">{t('console.filter.apply')}</button>
      </form>

      <h2>{t('console.wishes.counts', { period })}</h2>
      <div class="cards">
        {COUNTS.map((k) => (
          <div class="card">
            <div>{t(`console.wishes.count.${k}`)}</div>
            <div class="figure">{count(counts[k])}</div>
          </div>
        ))}
      </div>

      <h2 id="post">{t('console.wishes.postTitle')}</h2>
      <PostWishForm c={c} form={form} grids={grids} orgs={orgs} back={back} />

      {SECTIONS.map((status, i) => (
        <section aria-labelledby={`wishes-${status}`}>
          <h2 id={`wishes-${status}`}>
            {t(`console.wish.status.${status}`)} <span class="badge">{count(sections[i]?.wishes.length ?? 0)}</span>
          </h2>
          <Table wishes={sections[i]?.wishes ?? []} />
          {sections[i]?.more ? <p class="muted">{t('console.more', { count: PER_SECTION })}</p> : null}
        </section>
      ))}
      {inProgress.length > 0 ? (
        <section aria-labelledby="wishes-working">
          <h2 id="wishes-working">{t('console.wishes.working')}</h2>
          <Table wishes={inProgress} />
        </section>
      ) : null}
    </Page>,
  )
}

function PostWishForm({
  c,
  form,
  grids,
  orgs,
  back,
}: {
  c: Ctx
  form: PostForm
  grids: GridOption[]
  orgs: { id: string; name: string }[]
  back: string
}) {
  const { t } = c.var.words
  return (
    <form method="post" action="/staff/wishes" class="stack">
      <Csrf c={c} />
      <input type="hidden" name="id" value={form.id} />
      <input type="hidden" name="back" value={back} />
      <label>
        {t('console.wishes.posterId')}
        <input name="posterId" required value={form.posterId} autocomplete="off" />
      </label>
      <label>
        {t('console.wishes.titleField')}
        <input name="title" required maxlength={200} value={form.title} />
      </label>
      <label>
        {t('console.wishes.description')} ({t('form.optional')})
        <textarea name="description" maxlength={4000} rows={3}>
          {form.description}
        </textarea>
      </label>
      <GridSelect c={c} grids={grids} value={form.gridId} none="console.wishes.gridDefault" />
      <fieldset>
        <legend>{t('console.wishes.rewardTitle')}</legend>
        <label>
          {t('console.wishes.points')} ({t('form.optional')})
          <input name="points" inputmode="numeric" pattern="[0-9]*" value={form.points} />
        </label>
        <label>
          {t('console.wishes.sponsor')}
          <select name="sponsor">
            <option value="pool" selected={form.sponsor === 'pool'}>
              {t('console.wishes.sponsor.pool')}
            </option>
            {orgs.map((o) => (
              <option value={`organisation:${o.id}`} selected={form.sponsor === `organisation:${o.id}`}>
                {o.name}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
      <button type="submit">{t('console.wishes.postSubmit')}</button>
    </form>
  )
}

/** The reward a post form asks for: none without points; from the pool or the named partner unit. */
function rewardOf(form: PostForm) {
  if (form.points === '') return undefined
  const sponsor = form.sponsor.startsWith('organisation:')
    ? { type: 'organisation' as const, id: form.sponsor.slice('organisation:'.length) }
    : { type: 'pool' as const }
  return { points: form.points, sponsor }
}

export function wishPages(web: WebApp): void {
  web.get('/staff/wishes', async (c) => board(c, await requireStaff(c)))

  web.post('/staff/wishes', async (c) => {
    const me = await requireStaff(c)
    const body = await c.req.parseBody()
    const form: PostForm = {
      id: text(body.id) || formId('w'),
      posterId: text(body.posterId),
      title: text(body.title),
      description: text(body.description),
      gridId: text(body.gridId),
      points: text(body.points),
      sponsor: text(body.sponsor),
    }
    const reward = rewardOf(form)
    const res = await c.var.api.v1.wishes.$post({
      json: {
        id: form.id,
        posterId: form.posterId,
        title: form.title,
        description: form.description,
        ...(form.gridId ? { gridId: form.gridId } : {}),
        ...(reward ? { reward } : {}),
      },
    })
    return afterForm(
      c,
      res,
      (error) => board(c, me, { error, form }),
      () => c.redirect(withDone(backTo(body.back, '/staff/wishes'), 'posted'), 303),
    )
  })

  web.post('/staff/wishes/:wishId/confirm', async (c) => {
    const me = await requireStaff(c)
    const body = await c.req.parseBody()
    const res = await c.var.api.v1.wishes[':wishId'].confirm.$post({ param: { wishId: c.req.param('wishId') } })
    return afterForm(
      c,
      res,
      (error) => board(c, me, { error }),
      () => c.redirect(withDone(backTo(body.back, '/staff/wishes'), 'confirmed'), 303),
    )
  })

  web.post('/staff/wishes/:wishId/cancel', async (c) => {
    const me = await requireStaff(c)
    const body = await c.req.parseBody()
    const reason = text(body.reason)
    const res = await c.var.api.v1.wishes[':wishId'].cancel.$post({
      param: { wishId: c.req.param('wishId') },
      json: reason ? { reason } : {},
    })
    return afterForm(
      c,
      res,
      (error) => board(c, me, { error }),
      () => c.redirect(withDone(backTo(body.back, '/staff/wishes'), 'cancelled'), 303),
    )
  })
}
