/**
 * `/me/wishes` (微心愿): post a wish (members post without a reward, as the API rules), follow one's
 * own wishes and confirm one a volunteer fulfilled, claim someone else's open wish, and for one's
 * claims mark them fulfilled or give them back. Others' names come masked from the API.
 */
import type { Child } from 'hono/jsx'
import { ok } from '../../api.js'
import { requireMember } from '../../access.js'
import type { WebApp } from '../../env.js'
import type { MessageKey } from '../../i18n/catalogue.js'
import { Csrf, Page } from '../../layout.js'
import { text } from '../form.js'
import { Act, type C, Shown, doneNotice, endOfDay, newId, points, refused, seg, statusWord } from './kit.js'

type Wish = {
  id: string
  title: string
  description: string
  deadline: string | null
  status: string
  reward: { points: string } | null
  poster: { id: string; name: string }
  claimant: { id: string; name: string } | null
}

const STATUS: Record<string, MessageKey> = {
  publishing: 'me.wishes.status.publishing',
  refused: 'me.wishes.status.refused',
  published: 'me.wishes.status.published',
  claimed: 'me.wishes.status.claimed',
  fulfilled: 'me.wishes.status.fulfilled',
  confirming: 'me.wishes.status.confirming',
  confirmed: 'me.wishes.status.confirmed',
  cancelling: 'me.wishes.status.cancelling',
  cancelled: 'me.wishes.status.cancelled',
  expiring: 'me.wishes.status.expired',
  expired: 'me.wishes.status.expired',
}

const DONE: Record<string, MessageKey> = {
  posted: 'me.wishes.done.posted',
  claimed: 'me.wishes.done.claimed',
  released: 'me.wishes.done.released',
  fulfilled: 'me.wishes.done.fulfilled',
  confirmed: 'me.wishes.done.confirmed',
  cancelled: 'me.wishes.done.cancelled',
}

const LIST_SIZE = '50'

interface Draft {
  id: string
  title: string
  description: string
  deadline: string
}

const path = (wishId: string, step: string) => `/me/wishes/${encodeURIComponent(wishId)}/${step}`

function WishCard({ c, w, children }: { c: C; w: Wish; children?: Child }) {
  const { t } = c.var.words
  return (
    <li class="card">
      <h3>{w.title}</h3>
      {w.description ? <p>{w.description}</p> : null}
      <p>
        <span class="badge">{statusWord(c, STATUS, w.status)}</span>
      </p>
      {w.deadline ? <p class="muted">{t('me.wishes.by', { date: c.var.words.date(w.deadline) })}</p> : null}
      {w.reward ? <p class="muted">{t('me.wishes.reward', { points: points(c, w.reward.points) })}</p> : null}
      {children}
    </li>
  )
}

async function wishesPage(c: C, notice?: Shown, draft?: Draft) {
  const me = await requireMember(c)
  const { t } = c.var.words
  const api = c.var.api.v1.wishes
  const [mine, open, claims] = await Promise.all([
    ok(api.$get({ query: { posterId: me.memberId, limit: LIST_SIZE } })),
    ok(api.$get({ query: { status: 'published', limit: LIST_SIZE } })),
    ok(api.$get({ query: { claimantId: me.memberId, limit: LIST_SIZE } })),
  ])
  const others = open.wishes.filter((w) => w.poster.id !== me.memberId)
  const form = draft ?? { id: newId('w'), title: '', description: '', deadline: '' }
  return c.html(
    <Page c={c} title={t('me.wishes.title')}>
      <Shown notice={notice ?? doneNotice(c, DONE)} />
      <h2>{t('me.wishes.post')}</h2>
      <form method="post" action="/me/wishes" class="stack">
        <Csrf c={c} />
        <input type="hidden" name="id" value={form.id} />
        <label>
          {t('me.wishes.what')}
          <input name="title" required maxlength={200} value={form.title} />
        </label>
        <label>
          {t('me.wishes.details')}
          <textarea name="description" rows={3} maxlength={4000}>
            {form.description}
          </textarea>
        </label>
        <label>
          {t('me.wishes.deadline')}
          <input name="deadline" type="date" value={form.deadline} />
        </label>
        <button type="submit" class="big">
          {t('me.wishes.postButton')}
        </button>
      </form>

      <h2>{t('me.wishes.mine')}</h2>
      {mine.wishes.length === 0 ? (
        <p>{t('list.empty')}</p>
      ) : (
        <ul class="me-cards">
          {mine.wishes.map((w) => (
            <WishCard c={c} w={w}>
              {w.claimant ? <p>{t('me.wishes.helper', { name: w.claimant.name })}</p> : null}
              {w.status === 'fulfilled' ? <Act c={c} action={path(w.id, 'confirm')} label={t('me.wishes.confirm')} /> : null}
              {w.status === 'published' || w.status === 'claimed' ? (
                <Act c={c} action={path(w.id, 'cancel')} label={t('me.wishes.cancel')} secondary />
              ) : null}
            </WishCard>
          ))}
        </ul>
      )}

      <h2>{t('me.wishes.open')}</h2>
      {others.length === 0 ? (
        <p>{t('list.empty')}</p>
      ) : (
        <ul class="me-cards">
          {others.map((w) => (
            <WishCard c={c} w={w}>
              <p class="muted">{t('me.wishes.from', { name: w.poster.name })}</p>
              <Act c={c} action={path(w.id, 'claim')} label={t('me.wishes.claim')} />
            </WishCard>
          ))}
        </ul>
      )}

      <h2>{t('me.wishes.claims')}</h2>
      {claims.wishes.length === 0 ? (
        <p>{t('list.empty')}</p>
      ) : (
        <ul class="me-cards">
          {claims.wishes.map((w) => (
            <WishCard c={c} w={w}>
              <p class="muted">{t('me.wishes.from', { name: w.poster.name })}</p>
              {w.status === 'claimed' ? (
                <>
                  <Act c={c} action={path(w.id, 'fulfil')} label={t('me.wishes.fulfil')}>
                    <label>
                      {t('me.wishes.note')}
                      <input name="note" maxlength={500} />
                    </label>
                  </Act>
                  <Act c={c} action={path(w.id, 'release')} label={t('me.wishes.release')} secondary />
                </>
              ) : null}
              {w.status === 'fulfilled' ? <p class="muted">{t('me.wishes.waitConfirm')}</p> : null}
            </WishCard>
          ))}
        </ul>
      )}
    </Page>,
  )
}

export function wishPages(web: WebApp): void {
  web.get('/me/wishes', (c) => wishesPage(c))

  web.post('/me/wishes', async (c) => {
    await requireMember(c)
    const form = await c.req.parseBody()
    const draft: Draft = {
      id: text(form.id),
      title: text(form.title),
      description: text(form.description),
      deadline: text(form.deadline),
    }
    let deadline: string | undefined
    if (draft.deadline !== '') {
      const { settings } = await ok(c.var.api.v1.community.$get())
      deadline = endOfDay(draft.deadline, settings.timeZone)
    }
    const res = await c.var.api.v1.wishes.$post({
      json: { id: draft.id, title: draft.title, description: draft.description, ...(deadline ? { deadline } : {}) },
    })
    if (!res.ok) return refused(c, res, (notice) => wishesPage(c, notice, draft))
    return c.redirect('/me/wishes?done=posted', 303)
  })

  const step = (name: 'claim' | 'release' | 'fulfil' | 'confirm' | 'cancel', done: string) =>
    web.post(`/me/wishes/:wishId/${name}`, async (c) => {
      await requireMember(c)
      const form = await c.req.parseBody()
      const param = { wishId: seg(c.req.param('wishId') ?? '') }
      const wish = c.var.api.v1.wishes[':wishId']
      const note = text(form.note)
      const res =
        name === 'claim'
          ? await wish.claim.$post({ param, json: {} })
          : name === 'release'
            ? await wish.release.$post({ param })
            : name === 'fulfil'
              ? await wish.fulfil.$post({ param, json: note ? { note } : {} })
              : name === 'confirm'
                ? await wish.confirm.$post({ param })
                : await wish.cancel.$post({ param, json: {} })
      if (!res.ok) return refused(c, res, (notice) => wishesPage(c, notice))
      return c.redirect(`/me/wishes?done=${done}`, 303)
    })
  step('claim', 'claimed')
  step('release', 'released')
  step('fulfil', 'fulfilled')
  step('confirm', 'confirmed')
  step('cancel', 'cancelled')
}
