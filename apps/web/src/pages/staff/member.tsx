/**
 * `/staff/members/:id`: one member in full, as the API lets this user read them, with what staff do
 * to a member: review an application (approve, or reject with a reason), place them in a grid,
 * link and unlink relatives, deactivate or reactivate, read their balances, and hand them a
 * one-time sign-in link (a member user is made for them first if they have none). Each action
 * posts to the API and comes back here; a refusal is shown above the page, which stays as it was.
 */
import { type ApiRefusal, isApiRefusal, ok } from '../../api.js'
import { requireStaff } from '../../access.js'
import type { Me, WebApp } from '../../env.js'
import type { MessageKey } from '../../i18n/catalogue.js'
import { Csrf, Page } from '../../layout.js'
import { text } from '../form.js'
import {
  type C,
  DoneNotice,
  GridOptions,
  MemberLink,
  RefusalNotice,
  communityZone,
  formRefusal,
  formStatus,
  gridChoices,
  newId,
} from './kit.js'
import { memberStatusKey } from './members.js'
import { issueSignInLink, usersOf } from './sign-in-link.js'
import { monthIn } from './zoned.js'

export const RELATIONS = ['spouse', 'child', 'parent', 'sibling', 'grandchild', 'grandparent', 'other'] as const
const relationKey = (r: (typeof RELATIONS)[number]): MessageKey => `staff.relation.${r}`

/** The balances a member page shows, by the statement's asset. */
export const BALANCE_ASSETS = ['HOUR', 'POINT', 'LIFETIME_HOUR'] as const
export type BalanceAsset = (typeof BALANCE_ASSETS)[number]
export const assetKey = (a: BalanceAsset): MessageKey => `staff.asset.${a}`

const DONE: Record<string, MessageKey> = {
  registered: 'staff.member.done.registered',
  approved: 'staff.member.done.approved',
  rejected: 'staff.member.done.rejected',
  deactivated: 'staff.member.done.deactivated',
  reactivated: 'staff.member.done.reactivated',
  placed: 'staff.member.done.placed',
  linked: 'staff.member.done.linked',
  unlinked: 'staff.member.done.unlinked',
}

/**
 * The balances now: the closing balance of this month's statement of each asset (the API's own
 * account for it). None for a member whose accounts are not open (an application).
 */
async function balances(c: C, memberId: string): Promise<Map<BalanceAsset, string>> {
  const period = monthIn(new Date(), await communityZone(c))
  const found = await Promise.all(
    BALANCE_ASSETS.map(async (asset) => {
      try {
        const s = await ok(c.var.api.v1.members[':memberId'].statement.$get({ param: { memberId }, query: { period, asset } }))
        return [asset, s.closing] as const
      } catch (e) {
        if (isApiRefusal(e) && e.status === 404) return undefined
        throw e
      }
    }),
  )
  return new Map(found.filter((x) => x !== undefined))
}

async function memberPage(c: C, me: Me, memberId: string, refusal?: ApiRefusal) {
  const { t, dateTime, amount } = c.var.words
  const member = await ok(c.var.api.v1.members[':memberId'].$get({ param: { memberId } }))
  const [relatives, grids, held, users] = await Promise.all([
    ok(c.var.api.v1.members[':memberId'].relatives.$get({ param: { memberId } })),
    gridChoices(c, me),
    member.status === 'active' || member.status === 'inactive' ? balances(c, memberId) : Promise.resolve(new Map<BalanceAsset, string>()),
    usersOf(c, memberId),
  ])
  const user = users.find((u) => u.disabledAt === null)
  const base = `/staff/members/${encodeURIComponent(member.id)}`
  if (refusal) c.status(formStatus(refusal))
  return c.html(
    <Page c={c} title={member.name ?? member.pseudonym}>
      <RefusalNotice c={c} refusal={refusal} />
      <DoneNotice c={c} done={DONE} />
      <dl class="facts">
        <dt>{t('staff.member.id')}</dt>
        <dd>{member.id}</dd>
        <dt>{t('staff.members.status')}</dt>
        <dd>{t(memberStatusKey(member.status))}</dd>
        <dt>{t('staff.member.phone')}</dt>
        <dd>{member.phone ?? '—'}</dd>
        <dt>{t('staff.member.birthDate')}</dt>
        <dd>{member.birthDate ?? '—'}</dd>
        <dt>{t('staff.member.grid')}</dt>
        <dd>{member.gridId ?? t('staff.member.noGrid')}</dd>
        <dt>{t('staff.member.appliedAt')}</dt>
        <dd>{dateTime(member.appliedAt)}</dd>
        {member.reviewNote ? (
          <>
            <dt>{t('staff.member.reviewNote')}</dt>
            <dd>{member.reviewNote}</dd>
          </>
        ) : null}
      </dl>

      {member.status === 'applied' ? (
        <section aria-labelledby="review">
          <h2 id="review">{t('staff.member.review')}</h2>
          <form method="post" action={`${base}/approve`} class="inline-form">
            <Csrf c={c} />
            <button type="submit">{t('staff.member.approve')}</button>
          </form>
          <form method="post" action={`${base}/reject`} class="stack">
            <Csrf c={c} />
            <label>
              {t('staff.member.rejectReason')}
              <textarea name="note" rows={2} maxlength={2000} required />
            </label>
            <button type="submit" class="secondary">
              {t('staff.member.reject')}
            </button>
          </form>
        </section>
      ) : null}

      {member.status === 'active' || member.status === 'inactive' ? (
        <section aria-labelledby="balances">
          <h2 id="balances">{t('staff.member.balances')}</h2>
          <div class="cards">
            {BALANCE_ASSETS.map((asset) => (
              <div class="card">
                <div class="muted">{t(assetKey(asset))}</div>
                <div class="figure">{held.has(asset) ? amount(held.get(asset) as string) : '—'}</div>
              </div>
            ))}
          </div>
          <p>
            <a href={`${base}/statement`}>{t('staff.member.statement')}</a>
          </p>
        </section>
      ) : null}

      {member.status !== 'erased' ? (
        <section aria-labelledby="place">
          <h2 id="place">{t('staff.member.place')}</h2>
          <form method="post" action={`${base}/grid`} class="stack">
            <Csrf c={c} />
            <label>
              {t('staff.member.grid')}
              <select name="gridId" required>
                <GridOptions grids={grids} selected={member.gridId ?? undefined} />
              </select>
            </label>
            <button type="submit">{t('staff.member.placeSubmit')}</button>
          </form>
        </section>
      ) : null}

      <section aria-labelledby="relatives">
        <h2 id="relatives">{t('staff.member.relatives')}</h2>
        {relatives.relatives.length === 0 ? (
          <p class="muted">{t('list.empty')}</p>
        ) : (
          <table class="responsive">
            <thead>
              <tr>
                <th scope="col">{t('staff.member.relative')}</th>
                <th scope="col">{t('staff.member.relation')}</th>
                <th scope="col">{t('staff.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {relatives.relatives.map((r) => (
                <tr>
                  <td data-label={t('staff.member.relative')}>
                    <MemberLink id={r.relativeId} name={r.relativeName} />
                  </td>
                  <td data-label={t('staff.member.relation')}>{t(relationKey(r.relation))}</td>
                  <td data-label={t('staff.actions')}>
                    <form method="post" action={`${base}/relatives/remove`} class="inline">
                      <Csrf c={c} />
                      <input type="hidden" name="relativeId" value={r.relativeId} />
                      <button type="submit" class="secondary">
                        {t('staff.member.unlink')}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {member.status !== 'erased' ? (
          <form method="post" action={`${base}/relatives`} class="stack">
            <Csrf c={c} />
            <label>
              {t('staff.member.relativeId')}
              <input name="relativeId" required maxlength={48} autocomplete="off" />
            </label>
            <label>
              {t('staff.member.relationIs')}
              <select name="relation" required>
                {RELATIONS.map((r) => (
                  <option value={r}>{t(relationKey(r))}</option>
                ))}
              </select>
            </label>
            <button type="submit">{t('staff.member.link')}</button>
          </form>
        ) : null}
      </section>

      {member.status === 'active' || member.status === 'inactive' ? (
        <section aria-labelledby="signin">
          <h2 id="signin">{t('staff.member.signIn')}</h2>
          <p>
            {user
              ? t(user.hasPassword ? 'staff.member.signIn.hasPassword' : 'staff.member.signIn.noPassword', { login: user.login })
              : t('staff.member.signIn.noUser')}
          </p>
          <form method="post" action={`${base}/sign-in-link`} class="stack">
            <Csrf c={c} />
            <input type="hidden" name="nonce" value={newId()} />
            {user ? null : (
              <>
                <input type="hidden" name="userId" value={newId()} />
                <label>
                  {t('staff.member.signIn.login')}
                  <input name="login" required maxlength={100} autocomplete="off" autocapitalize="none" value={member.phone ?? member.id} />
                </label>
              </>
            )}
            <button type="submit">{t('staff.member.signIn.issue')}</button>
          </form>
        </section>
      ) : null}

      {member.status === 'active' ? (
        <section aria-labelledby="deactivate">
          <h2 id="deactivate">{t('staff.member.deactivate')}</h2>
          <p>{t('staff.member.deactivate.intro')}</p>
          <form method="post" action={`${base}/deactivate`} class="inline-form">
            <Csrf c={c} />
            <button type="submit" class="secondary">
              {t('staff.member.deactivate')}
            </button>
          </form>
        </section>
      ) : null}
      {member.status === 'inactive' ? (
        <form method="post" action={`${base}/reactivate`} class="inline-form">
          <Csrf c={c} />
          <button type="submit">{t('staff.member.reactivate')}</button>
        </form>
      ) : null}
    </Page>,
  )
}

export function memberPages(web: WebApp): void {
  web.get('/staff/members/:id', async (c) => memberPage(c, await requireStaff(c), c.req.param('id')))

  /** Post an action: back to the page with a note when done, or the page again with the refusal. */
  const act = (
    path: string,
    done: string,
    call: (
      c: C,
      memberId: string,
      form: Record<string, string | File>,
    ) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>,
  ) =>
    web.post(`/staff/members/:id/${path}`, async (c) => {
      const me = await requireStaff(c)
      const memberId = c.req.param('id')
      const res = await call(c, memberId, await c.req.parseBody())
      if (!res.ok) return memberPage(c, me, memberId, await formRefusal(res))
      return c.redirect(`/staff/members/${encodeURIComponent(memberId)}?done=${done}`, 303)
    })

  const member = (c: C) => c.var.api.v1.members[':memberId']
  act('approve', 'approved', (c, memberId) => member(c).approve.$post({ param: { memberId } }))
  act('reject', 'rejected', (c, memberId, form) =>
    member(c).reject.$post({ param: { memberId }, json: text(form.note) ? { note: text(form.note) } : {} }),
  )
  act('deactivate', 'deactivated', (c, memberId) => member(c).deactivate.$post({ param: { memberId } }))
  act('reactivate', 'reactivated', (c, memberId) => member(c).reactivate.$post({ param: { memberId } }))
  act('grid', 'placed', (c, memberId, form) => member(c).grid.$put({ param: { memberId }, json: { gridId: text(form.gridId) } }))
  act('relatives', 'linked', (c, memberId, form) =>
    member(c).relatives.$post({
      param: { memberId },
      // The relation is one of the select's; anything else the API refuses.
      json: { relativeId: text(form.relativeId), relation: text(form.relation) as (typeof RELATIONS)[number] },
    }),
  )
  act('relatives/remove', 'unlinked', (c, memberId, form) =>
    member(c).relatives[':relativeId'].$delete({ param: { memberId, relativeId: text(form.relativeId) } }),
  )

  web.post('/staff/members/:id/sign-in-link', async (c) => {
    const me = await requireStaff(c)
    const memberId = c.req.param('id')
    const form = await c.req.parseBody()
    const issued = await issueSignInLink(c, me, memberId, {
      userId: text(form.userId),
      login: text(form.login),
      nonce: text(form.nonce),
    })
    if ('refusal' in issued) return memberPage(c, me, memberId, issued.refusal)
    return issued.page
  })
}
